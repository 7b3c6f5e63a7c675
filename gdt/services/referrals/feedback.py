"""Partner feedback (terugkoppeling) on a referral, through its signed link or a partner user's own page.

Both ways end in `record`: the referral moves on in its lifecycle, the step lands in the report's or
case's history, and every view and use is audited (a link user as the partner organisation, since
there is no account). *Handled* closes a referred report (the reporter hears "afgehandeld" when they
agreed to updates); *returned* puts the report back into triage with a fresh triage deadline.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import Referral, Report, User
from gdt.services.core import access, audit, deadlines, partner_links
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.core.lifecycle import record_case_event, record_report_event, transition_referral, transition_report
from gdt.services.core.transaction import check_version, joins_unit_of_work, unit_of_work
from gdt.services.intake import reporter_updates
from gdt.validation import InvalidValue, clean_text
from workflows import ReferralLifecycle

ACTIONS = {"acknowledge": "referral_received", "take_on": "referral_taken_on", "handle": "referral_handled",
           "return_to_team": "referral_returned"}
NOTE_MAX = 2000
LINK_INVALID = _l("Deze link is ongeldig. Gebruik de link uit de e-mail van het De-escalatieteam.")


class LinkGone(ServiceError):
    """A genuine link past its date: 410 with a way forward."""

    status = 410


@dataclass(frozen=True)
class Feedback:
    action: str  # one of ACTIONS
    outcome: str | None = None
    note: str | None = None
    reason: str | None = None


def read_link(read, token: str, object_type: str, gone_message) -> tuple[int, int]:
    """(object id, partner id) of a partner link read by `read`; an expired or false link is refused and audited."""
    try:
        return read(token)
    except partner_links.LinkExpired as expired:
        audit.record_now(None, "view", object_type, None, outcome="denied", detail={"via": "link", "why": "expired"})
        raise LinkGone(gone_message, code="link_expired") from expired
    except partner_links.LinkInvalid as invalid:
        audit.record_now(None, "view", object_type, None, outcome="denied", detail={"via": "link", "why": "invalid"})
        raise NotFound(LINK_INVALID) from invalid


def open_link(token: str) -> Referral:
    """The referral behind a partner link; the view is audited as that partner."""
    referral_id, partner_id = read_link(partner_links.read, token, "referral", _l(
        "Deze link is verlopen. Vraag het De-escalatieteam om een nieuwe link; noem daarbij de referentie uit de "
        "e-mail."))
    referral = _load(referral_id)
    if referral is None or referral.partner_id != partner_id:  # a link is for one partner only
        raise NotFound(LINK_INVALID)
    audit.record_now(
        None, "view", "referral", str(referral.id), detail={"partner": referral.partner.key, "via": "link"}
    )
    return referral


def view_for_user(referral_id: int, *, actor: User) -> Referral:
    return audit.audited_view(_load(referral_id), actor=actor, object_type="referral", object_ref=str(referral_id),
                              may_view=access.can_view_referral, missing=_l("Deze doorverwijzing bestaat niet."),
                              refused=_l("U heeft geen toegang tot deze doorverwijzing."))


def next_steps(referral: Referral) -> list[str]:
    """The feedback a partner can still give, in the lifecycle's order."""
    allowed = {event.id for event in ReferralLifecycle(referral, state_field="status").allowed_events}
    return [action for action in ACTIONS if action in allowed]


def record(referral: Referral, feedback: Feedback, *, actor: User | None = None, seen_version: int | None) -> Referral:
    """Apply one step of feedback. `actor` is the partner user, or None for the link (the partner itself)."""
    if feedback.action not in ACTIONS:  # the lifecycle refuses a known action that is not (or no longer) allowed
        raise ServiceError(_l("Kies wat u wilt terugkoppelen."), field="action")
    note, reason = _clean(feedback.note, "note"), _clean(feedback.reason, "reason")
    via = "link" if actor is None else "account"
    with unit_of_work():
        if actor is not None and not access.can_view_referral(actor, referral):
            raise Forbidden(_l("U heeft geen toegang tot deze doorverwijzing."))
        check_version(referral, seen_version)
        now = utcnow()
        transition_referral(referral, feedback.action, outcome=feedback.outcome, reason=reason)
        if feedback.action == "acknowledge" or referral.acknowledged_at is None:
            referral.acknowledged_at = now  # any answer shows the partner has it
        if feedback.action == "handle":
            referral.outcome, referral.feedback_note, referral.finished_at = feedback.outcome, note, now
        elif feedback.action == "return_to_team":
            referral.return_reason, referral.finished_at = reason, now
        detail = {"referral": referral.id, "partner": referral.partner.key, "via": via}
        if feedback.outcome and feedback.action == "handle":
            detail["outcome"] = feedback.outcome
        _apply_to_subject(referral, feedback.action, actor, detail, now)
        audit.record(
            actor,
            ACTIONS[feedback.action],
            "referral",
            str(referral.id),
            detail={"partner": referral.partner.key, "via": via},
        )
    return referral


@joins_unit_of_work
def _apply_to_subject(referral: Referral, action: str, actor: User | None, detail: dict, now) -> None:
    event = ACTIONS[action]
    report = referral.report
    if report is None:
        record_case_event(referral.case, event, actor, detail)  # an advice case: the coordinator closes it
        return
    if report.status != "referred" or report.referred_partner_id != referral.partner_id:
        record_report_event(report, event, actor, detail)  # an older referral: history only
        return
    if action == "handle":
        transition_report(report, "close", actor, detail=detail | {"event": event})
        reporter_updates.queue_status_notice(report)
    elif action == "return_to_team":
        report.triage_outcome = report.triage_reason = report.triaged_at = report.triaged_by_id = None
        report.referred_partner_id = None
        report.triage_due_at = deadlines.triage_due(now)  # a new clock: the team decides again
        transition_report(report, "reopen", actor, detail=detail | {"event": event})
    else:
        record_report_event(report, event, actor, detail)


def _load(referral_id: int) -> Referral | None:
    return db.session.get(
        Referral,
        referral_id,
        options=[
            selectinload(Referral.partner),
            selectinload(Referral.report).selectinload(Report.category),
            selectinload(Referral.case),
        ],
    )


def _clean(value: str | None, field: str) -> str | None:
    try:
        return clean_text(value, max_length=NOTE_MAX)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field=field) from invalid
