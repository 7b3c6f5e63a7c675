"""The partner's view of a case: only what is meant for partners, through a case link or a partner user's page.

One policy for both ways in (and for the PDF): the case's addresses, the people involved with their
roles, the partners with their contact persons, the plan of action, the meetings the partner is
invited to with their minutes, the journal notes marked shareable, and the referrals to that partner.
Never the internal journal, the triage reasoning, or other partners' referrals.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Action, Case, CaseNote, Meeting, Partner, Referral, User
from gdt.services.core import access, audit, partner_links
from gdt.services.core.errors import NotFound
from gdt.services.referrals.feedback import LINK_INVALID, read_link


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


def open_link(token: str) -> PartnerCaseView:
    """The case behind a partner's case link, if that partner still takes part in it; the view is audited."""
    case_id, partner_id = read_link(partner_links.read_case, token, "case",
                                    _l("Deze link is verlopen. Vraag het De-escalatieteam om een nieuwe link."))
    case, partner = db.session.get(Case, case_id), db.session.get(Partner, partner_id)
    if case is None or partner is None or not access.is_case_member(partner.id, case) or case.status == "merged":
        audit.record_now(None, "view", "case", None, outcome="denied", detail={"via": "link", "why": "not a member"})
        raise NotFound(LINK_INVALID)
    audit.record_now(None, "view", "case", case.reference, detail={"partner": partner.key, "via": "link"})
    return for_partner(case, partner)


def for_user(reference: str, *, actor: User) -> PartnerCaseView:
    case = audit.audited_view(
        db.session.scalar(sa.select(Case).where(Case.reference == reference)), actor=actor, object_type="case",
        object_ref=reference, may_view=lambda user, found: user.role == "partner" and access.can_view_case(user, found),
        missing=_l("Deze casus bestaat niet."), refused=_l("U heeft geen toegang tot deze casus."),
        detail=lambda: {"partner": actor.partner.key},
    )
    return for_partner(case, actor.partner)
