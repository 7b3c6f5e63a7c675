"""Need-to-know (DESIGN §4): one policy function per rule, used by pages, API and exports alike."""
import sqlalchemy as sa

from gdt.models import Case, PartnerRegistration, Referral, Report, User

STAFF_ROLES = ("intake", "coordinator", "manager", "admin")
STATISTICS_ROLES = ("coordinator", "manager")


def can_view_report(user: User, report: Report) -> bool:
    """Coordinators all; intake what they registered; a partner user its organisation's registrations."""
    if user.role == "coordinator":
        return True
    if user.role == "partner":
        return report.registration is not None and report.registration.partner_id == user.partner_id
    return user.role == "intake" and report.registered_by_id == user.id


def visible_reports(user: User) -> sa.Select:
    """The same rule as a query, so lists and counts never show more than the detail page would."""
    query = sa.select(Report)
    if user.role == "coordinator":
        return query
    if user.role == "intake":
        return query.where(Report.registered_by_id == user.id)
    if user.role == "partner":
        return query.join(PartnerRegistration, PartnerRegistration.report_id == Report.id).where(
            PartnerRegistration.partner_id == user.partner_id)
    return query.where(sa.false())


def can_triage(user: User) -> bool:
    return user.role == "coordinator"


def can_view_case(user: User, case: Case) -> bool:
    return user.role == "coordinator"


def visible_cases(user: User) -> sa.Select:
    query = sa.select(Case)
    return query if user.role == "coordinator" else query.where(sa.false())


def can_view_statistics(user: User) -> bool:
    return user.role in STATISTICS_ROLES


def can_retry_delivery(user: User) -> bool:
    """Coordinators on their reports and cases; admins from the delivery overview (no case content there)."""
    return user.role in ("coordinator", "admin")


def can_view_referral(user: User, referral: Referral) -> bool:
    """A partner user only the referrals addressed to its own organisation; coordinators all."""
    if user.role == "partner":
        return referral.partner_id == user.partner_id
    return user.role == "coordinator"


def visible_referrals(user: User) -> sa.Select:
    query = sa.select(Referral)
    if user.role == "coordinator":
        return query
    if user.role == "partner":
        return query.where(Referral.partner_id == user.partner_id)
    return query.where(sa.false())
