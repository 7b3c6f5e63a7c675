"""Need-to-know (docs/domain.md, "Roles and need-to-know"): one policy function per rule, for pages, API, exports."""
import sqlalchemy as sa

from gdt.models import Action, Case, CaseNote, CasePartner, Meeting, PartnerRegistration, Referral, Report, User
from gdt.services.core import teams

STAFF_ROLES = ("intake", "coordinator", "manager", "admin")
STATISTICS_ROLES = ("coordinator", "manager")


def can_view_report(user: User, report: Report) -> bool:
    """Coordinators all, except a report in a case they may not see (one rule for a case and everything in
    it); intake what they registered; a partner user its organisation's registrations."""
    if user.role == "coordinator":
        return report.case is None or can_view_case(user, report.case)
    if user.role == "partner":
        return report.registration is not None and report.registration.partner_id == user.partner_id
    return user.role == "intake" and report.registered_by_id == user.id


def visible_reports(user: User) -> sa.Select:
    """The same rule as a query, so lists and counts never show more than the detail page would."""
    query = sa.select(Report)
    if user.role == "coordinator":
        return query.where(_outside_cases_or_in_visible(user, Report.case_id))
    if user.role == "intake":
        return query.where(Report.registered_by_id == user.id)
    if user.role == "partner":
        return query.join(PartnerRegistration, PartnerRegistration.report_id == Report.id).where(
            PartnerRegistration.partner_id == user.partner_id)
    return query.where(sa.false())


def can_correct_report(user: User, report: Report) -> bool:
    """The intake clerk who may see the report (the one who registered it) and coordinators who may see it; whether
    the report may still be corrected is its lifecycle's answer (only before triage)."""
    return user.role in ("intake", "coordinator") and can_view_report(user, report)


def can_triage(user: User) -> bool:
    return user.role == "coordinator"


def can_view_case(user: User, case: Case) -> bool:
    """Coordinators every case (or their team's, when the admin limits them); a partner user the cases its
    organisation takes part in (the partner view)."""
    if user.role == "coordinator":
        return teams.same_team(user, case.coordinator)
    return user.role == "partner" and is_case_member(user.partner_id, case)


def can_edit_case(user: User, case: Case) -> bool:
    return user.role == "coordinator" and teams.same_team(user, case.coordinator)


def is_case_member(partner_id: int | None, case: Case) -> bool:
    """A partner takes part in a case when it is involved in it (case partners)."""
    return partner_id is not None and any(link.partner_id == partner_id for link in case.partners)


def visible_cases(user: User) -> sa.Select:
    query = sa.select(Case).where(Case.status != "merged")
    if user.role == "coordinator":
        return query.where(teams.same_team_clause(user, Case.coordinator_id))
    if user.role == "partner":
        return query.where(Case.id.in_(sa.select(CasePartner.case_id).where(CasePartner.partner_id == user.partner_id)))
    return query.where(sa.false())


def _outside_cases_or_in_visible(user: User, case_id_column) -> sa.ColumnElement[bool]:
    """SQL for "not in a case, or in a case this coordinator may see" (the team limit, see teams)."""
    if not teams.restricted() or user.team is None:
        return sa.true()
    visible = sa.select(Case.id).where(teams.same_team_clause(user, Case.coordinator_id))
    return sa.or_(case_id_column.is_(None), case_id_column.in_(visible))


def visible_referrals_clause(user: User) -> sa.ColumnElement[bool]:
    """A coordinator's referrals as a condition, for lists that build their own query (the start page)."""
    if user.role != "coordinator":
        return sa.false()
    report_in_case = sa.select(Report.case_id).where(Report.id == Referral.report_id).scalar_subquery()
    return sa.and_(_outside_cases_or_in_visible(user, Referral.case_id),
                   _outside_cases_or_in_visible(user, report_in_case))


def notes_for_partner(case: Case) -> list[CaseNote]:
    """Partners read only the journal notes the coordinator marked shareable."""
    return [note for note in case.notes if note.shareable]


def can_view_meeting(partner_id: int | None, meeting: Meeting) -> bool:
    """A partner sees the meetings it is invited to (and their minutes and decisions)."""
    return any(invitee.partner_id == partner_id for invitee in meeting.invitees)


def meetings_for_partner(case: Case, partner_id: int) -> list[Meeting]:
    return [meeting for meeting in case.meetings if can_view_meeting(partner_id, meeting)]


def can_update_action(user: User | None, action: Action, *, partner_id: int | None = None) -> bool:
    """Coordinators every action; a partner (user or link) only the actions its organisation owns."""
    if user is not None and user.role == "coordinator":
        return True
    owner = user.partner_id if user is not None else partner_id
    return owner is not None and action.owner_partner_id == owner


def can_view_statistics(user: User) -> bool:
    return user.role in STATISTICS_ROLES


def can_retry_delivery(user: User) -> bool:
    """Coordinators on their reports and cases; admins from the delivery overview (no case content there)."""
    return user.role in ("coordinator", "admin")


def can_view_referral(user: User, referral: Referral) -> bool:
    """A partner user only the referrals addressed to its own organisation; coordinators all, except those of
    a case (or of a report in a case) they may not see."""
    if user.role == "partner":
        return referral.partner_id == user.partner_id
    if user.role != "coordinator":
        return False
    case = referral.case or (referral.report.case if referral.report is not None else None)
    return case is None or can_view_case(user, case)


def visible_referrals(user: User) -> sa.Select:
    query = sa.select(Referral)
    if user.role == "coordinator":
        return query.where(visible_referrals_clause(user))
    if user.role == "partner":
        return query.where(Referral.partner_id == user.partner_id)
    return query.where(sa.false())
