"""Partner feedback (terugkoppeling) on a referral, through its signed link or a partner user's own page.

A link is used once per visit: `exchange_link` turns it into a short link session (gdt.services.core.partner_links)
and `open_link` opens the referral behind that session. What the pages show is what the referral shared when it
was made (`Referral.shared_reports`), and only while it is open (`details_visible`).

Both ways end in `record`: the referral moves on in its lifecycle, the step lands in the report's or
case's history, and every view and use is audited (a link user as the partner organisation, since
there is no account). *Handled* closes a referred report (the reporter hears "afgehandeld" when they
agreed to updates); *returned* puts the report back into triage with a fresh triage deadline.
"""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import Partner, Referral, Report, User
from gdt.services.core import access, audit, deadlines, partner_links
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.core.lifecycle import record_case_event, record_report_event, transition_referral, transition_report
from gdt.services.core.transaction import check_version, joins_unit_of_work, unit_of_work
from gdt.services.events import publish as events
from gdt.services.intake import reporter_updates
from gdt.services.notifications.notify import notify
from gdt.services.retention import rules as retention_rules
from gdt.services.signalen import status as signalen_status
from gdt.validation import InvalidValue, clean_text
from workflows import ReferralLifecycle

ACTIONS = {"acknowledge": "referral_received", "take_on": "referral_taken_on", "handle": "referral_handled",
           "return_to_team": "referral_returned"}
NOTE_MAX = 2000
LINK_INVALID = _l("Deze link is ongeldig. Gebruik de link uit de e-mail van het De-escalatieteam.")
LINK_EXPIRED = _l("Deze link is verlopen. Vraag het De-escalatieteam om een nieuwe link; noem daarbij het kenmerk "
                  "uit de e-mail.")
LINK_REVOKED = _l("Deze link werkt niet meer. Neem contact op met het De-escalatieteam als u denkt dat dit niet "
                  "klopt.")
LINK_SESSION_MISSING = _l("Open de link uit de e-mail van het De-escalatieteam opnieuw. Om de gegevens te "
                          "beschermen werkt deze pagina alleen een korte tijd na het openen van die link.")


class LinkGone(ServiceError):
    """A genuine link past its date: 410 with a way forward."""

    status = 410


@dataclass(frozen=True)
class Feedback:
    action: str  # one of ACTIONS
    outcome: str | None = None
    note: str | None = None
    reason: str | None = None


def read_link(read, token: str, object_type: str, gone_message) -> partner_links.Link:
    """The link read by `read` (partner_links.read_referral_link or read_case_link); an expired or false link is
    refused and audited."""
    try:
        return read(token)
    except partner_links.LinkExpired as expired:
        audit.record_now(None, "view", object_type, None, outcome="denied", detail={"via": "link", "why": "expired"})
        raise LinkGone(gone_message, code="link_expired") from expired
    except partner_links.LinkInvalid as invalid:
        audit.record_now(None, "view", object_type, None, outcome="denied", detail={"via": "link", "why": "invalid"})
        raise NotFound(LINK_INVALID) from invalid


def refuse_revoked(link: partner_links.Link, partner: Partner, object_type: str, object_ref: str) -> None:
    """A link of a deactivated partner (or issued before its last deactivation) is refused, and that is audited."""
    if partner_links.revoked(link, partner):
        audit.record_now(None, "view", object_type, object_ref, outcome="denied",
                         detail={"partner": partner.key, "via": "link", "why": "partner deactivated"})
        raise Forbidden(LINK_REVOKED, code="link_revoked")


def no_link_session(object_type: str, object_ref: str | None) -> ServiceError:
    """The clean address of a link without a live link session (no cookie, ended, expired): audited, refused."""
    audit.record_now(None, "view", object_type, object_ref, outcome="denied",
                     detail={"via": "link", "why": "no session"})
    return Forbidden(LINK_SESSION_MISSING, code="link_session_missing")


def exchange_link(token: str) -> partner_links.LinkGrant:
    """The first use of a referral's link: checked as a view is, then exchanged for a link session (audited).

    The page itself is at the grant's clean address, where the session's cookie opens it (`open_link`).
    """
    link = read_link(partner_links.read_referral_link, token, "referral", LINK_EXPIRED)
    referral = _checked(_load(link.object_id), link)
    with unit_of_work():
        grant = partner_links.start_session(link, referral_id=referral.id)
        audit.record(None, "open_link", "referral", str(referral.id),
                     detail={"partner": referral.partner.key, "via": "link"})
    return grant


def open_link(referral_id: int, session_key: str | None) -> Referral:
    """The referral behind a live link session (the cookie `exchange_link` set); the view is audited as that partner."""
    link = partner_links.load_session(session_key, referral_id=referral_id)
    if link is None:
        raise no_link_session("referral", str(referral_id))
    referral = _checked(_load(referral_id), link)
    audit.record_now(
        None, "view", "referral", str(referral.id), detail={"partner": referral.partner.key, "via": "link"}
    )
    return referral


def _checked(referral: Referral | None, link: partner_links.Link) -> Referral:
    if referral is None or referral.partner_id != link.partner_id:  # a link is for one partner only
        audit.record_now(None, "view", "referral", None, outcome="denied", detail={"via": "link", "why": "invalid"})
        raise NotFound(LINK_INVALID)
    refuse_revoked(link, referral.partner, "referral", str(referral.id))
    return referral


def details_visible(referral: Referral) -> bool:
    """What was shared (the team's message, the reports with the reporter's contact) is shown only while the
    referral is open: after the partner's final answer (handled, or back to the team) its pages show the reference
    and that answer, nothing more."""
    return referral.is_open


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
        _tell_coordinator(referral, actor)
        events.publish("nl.gdt.referral.answered", kind="report" if referral.report_id else "case",
                       reference=referral.reference, referral=referral.id, partner=referral.partner.key,
                       action=feedback.action)
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
        signalen_status.queue_update(report, send_email=True)
        retention_rules.report_handled(report)  # counted from the partner's final answer
    elif action == "return_to_team":
        due = deadlines.triage_due(now, report.category)  # before the changes: loading the category autoflushes
        report.triage_outcome = report.triage_reason = report.triaged_at = report.triaged_by_id = None
        report.referred_partner_id = None
        report.triage_due_at = due  # a new clock: the team decides again
        transition_report(report, "reopen", actor, detail=detail | {"event": event})
        retention_rules.report_handled(report)  # untriaged again: no date until it is handled
    else:
        record_report_event(report, event, actor, detail)


@joins_unit_of_work
def _tell_coordinator(referral: Referral, actor: User | None) -> None:
    """The coordinator who made the referral or asked the advice hears of the answer; else the case's coordinator."""
    case = referral.case or (referral.report.case if referral.report is not None else None)
    coordinator = referral.created_by or (case.coordinator if case is not None else None)
    notify(coordinator, "partner_answered", actor=actor, referral=referral)


def _load(referral_id: int) -> Referral | None:
    return db.session.get(
        Referral,
        referral_id,
        options=[
            selectinload(Referral.partner),
            selectinload(Referral.report).selectinload(Report.category),
            selectinload(Referral.case),
            selectinload(Referral.shared_reports).selectinload(Report.category),
        ],
    )


def _clean(value: str | None, field: str) -> str | None:
    try:
        return clean_text(value, max_length=NOTE_MAX)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field=field) from invalid
