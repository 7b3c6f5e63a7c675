"""The partner's view of a case: only what is meant for partners, through a case link or a partner user's page.

One policy for both ways in (and for the PDF): the case's addresses, the people involved with their
roles, the partners with their contact persons, the plan of action, the meetings the partner is
invited to with their minutes, the journal notes marked shareable, and the referrals to that partner.
Never the internal journal, the triage reasoning, or other partners' referrals.

A case link is used once per visit: `exchange_link` turns it into a short link session and `open_link` opens the
view behind that session, as long as the partner is active and still takes part in the case.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Action, Case, CaseNote, Meeting, Partner, Referral, User
from gdt.services.core import access, audit, partner_links
from gdt.services.core.errors import Forbidden, NotFound
from gdt.services.core.transaction import unit_of_work
from gdt.services.referrals.feedback import LINK_INVALID, no_link_session, read_link, refuse_revoked

CASE_LINK_EXPIRED = _l("Deze link is verlopen. Vraag het De-escalatieteam om een nieuwe link.")
NOT_A_MEMBER = _l("Uw organisatie is niet (meer) betrokken bij deze casus. Daarom werkt deze link niet. Neem "
                  "contact op met het De-escalatieteam als u denkt dat dit niet klopt.")


@dataclass(frozen=True)
class PartnerCaseView:
    case: Case
    partner: Partner
    notes: list[CaseNote]
    meetings: list[Meeting]
    actions: list[Action]
    referrals: list[Referral]

    def may_update(self, action: Action) -> bool:
        return action.status == "open" and action.owner_partner_id == self.partner.id and self.case.status == "open"


def for_partner(case: Case, partner: Partner) -> PartnerCaseView:
    return PartnerCaseView(case, partner, access.notes_for_partner(case), access.meetings_for_partner(case, partner.id),
                           list(case.actions), [referral for referral in case.referrals
                                                if referral.partner_id == partner.id])


def exchange_link(token: str) -> partner_links.LinkGrant:
    """The first use of a case link: checked as a view is, then exchanged for a link session (audited)."""
    link = read_link(partner_links.read_case_link, token, "case", CASE_LINK_EXPIRED)
    case, partner = _member(link)
    with unit_of_work():
        grant = partner_links.start_session(link, case_id=case.id)
        audit.record(None, "open_link", "case", case.reference, detail={"partner": partner.key, "via": "link"})
    return grant


def open_link(case_id: int, session_key: str | None) -> PartnerCaseView:
    """The case behind a live link session, if that partner still takes part in it; the view is audited."""
    link = partner_links.load_session(session_key, case_id=case_id)
    if link is None:
        raise no_link_session("case", None)
    case, partner = _member(link)
    audit.record_now(None, "view", "case", case.reference, detail={"partner": partner.key, "via": "link"})
    return for_partner(case, partner)


def _member(link: partner_links.Link) -> tuple[Case, Partner]:
    """The case and partner of a case link: refused when gone or merged, when the partner was deactivated, or when
    it no longer takes part in the case (the coordinator took it off)."""
    case, partner = db.session.get(Case, link.object_id), db.session.get(Partner, link.partner_id)
    if case is None or partner is None or case.status == "merged":
        audit.record_now(None, "view", "case", None, outcome="denied", detail={"via": "link", "why": "not found"})
        raise NotFound(LINK_INVALID)
    refuse_revoked(link, partner, "case", case.reference)
    if not access.is_case_member(partner.id, case):
        audit.record_now(None, "view", "case", case.reference, outcome="denied",
                         detail={"partner": partner.key, "via": "link", "why": "not a member"})
        raise Forbidden(NOT_A_MEMBER, code="not_a_member")
    return case, partner


def for_user(reference: str, *, actor: User) -> PartnerCaseView:
    case = audit.audited_view(
        db.session.scalar(sa.select(Case).where(Case.reference == reference)), actor=actor, object_type="case",
        object_ref=reference, may_view=lambda user, found: user.role == "partner" and access.can_view_case(user, found),
        missing=_l("Deze casus bestaat niet."), refused=_l("U heeft geen toegang tot deze casus."),
        detail=lambda: {"partner": actor.partner.key},
    )
    return for_partner(case, actor.partner)
