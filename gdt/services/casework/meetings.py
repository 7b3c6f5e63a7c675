"""Case meetings (casusoverleg): plan, move, invite partners by signed link, hold (attendance, minutes, decisions).

The invitation mail holds the date, the place and the link, never names or the case's content; the
link opens the partner's view of the case (gdt.services.referrals.partner_view), where the agenda and later the
minutes are. The agenda is built from the case's open actions. Decisions recorded at the meeting
become actions of the plan of action in the same transaction.
"""
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import force_locale, format_date, format_datetime
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Action, Case, Meeting, MeetingInvitee, Partner, User
from gdt.services.casework import actions
from gdt.services.core import access, audit, mail, outbox, partner_links, reference_data
from gdt.services.core.errors import Conflict, Forbidden, ServiceError, ValidationFailed
from gdt.services.core.lifecycle import (
    NOT_ALLOWED,
    allows,
    record_case_event,
    start,
    transition_case,
    transition_meeting,
)
from gdt.services.core.transaction import check_version, unit_of_work
from gdt.services.core.working_days import today
from gdt.services.notifications.notify import notify
from gdt.validation import InvalidValue, clean_name, clean_text
from workflows import MeetingLifecycle

INVITATION_TOPIC = "meeting.invitation"
SUBJECT = "Uitnodiging casusoverleg {reference}"
MOVED_SUBJECT = "Casusoverleg {reference} verplaatst"
# Both mails end alike: the partner's personal link to the meeting, and who sent it.
LINK_AND_SIGNATURE = """\
De agenda, de betrokken organisaties en na afloop het verslag en de afspraken vindt u via deze
persoonlijke link (geldig tot en met {expires}):

{link}

Stuur deze link niet door buiten uw organisatie.

Dit bericht is automatisch verstuurd. U kunt er niet op antwoorden.

Met vriendelijke groet,

De-escalatieteam van de gemeente
"""
BODY = """\
Geachte collega van {partner},

Het De-escalatieteam van de gemeente nodigt uw organisatie uit voor een casusoverleg.

Casus: {reference}
Wanneer: {moment}
Waar: {location}

""" + LINK_AND_SIGNATURE
MOVED_BODY = """\
Geachte collega van {partner},

Het casusoverleg waarvoor het De-escalatieteam van de gemeente uw organisatie heeft uitgenodigd, is verplaatst.

Casus: {reference}
Nieuw moment: {moment}
Nieuwe plaats: {location}

""" + LINK_AND_SIGNATURE
UNCHANGED = _l("Kies een ander moment of een andere plaats: het overleg staat al op dit moment op deze plaats.")


@dataclass(frozen=True)
class Decision:
    description: str
    owner: str  # "partner:KEY" or "user:ID"
    working_days: int


def plan(case: Case, starts_at: datetime | None, location: str | None, partner_keys: list[str],
         people: list[str], *, actor: User) -> Meeting:
    """A meeting on an open case; the invited partners get a mail with their link once it is committed."""
    place, errors = _when_and_where(starts_at, location)
    partners = [reference_data.partner_by_key(key) for key in partner_keys]
    if any(partner is None or not partner.is_active or not access.is_case_member(partner.id, case)
           for partner in partners):  # only a partner in the case can open the link the invitation carries
        errors["partners"] = _l("Nodig alleen actieve ketenpartners uit die bij de casus betrokken zijn.")
    names = [_name(name, "people") for name in people if name and name.strip()]
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        _check(case, actor)
        meeting = Meeting(case=case, starts_at=starts_at, location=place, created_by_id=actor.id)
        db.session.add(meeting)
        start(meeting, MeetingLifecycle)
        meeting.invitees = [MeetingInvitee(partner=partner) for partner in partners] + \
                           [MeetingInvitee(name=name) for name in names]
        db.session.flush()
        transition_case(case, "change", actor, detail={"meeting": "planned", "meeting_id": meeting.id,
                                                       "invited": [partner.key for partner in partners]})
        for partner in partners:
            outbox.enqueue(INVITATION_TOPIC, {"meeting_id": meeting.id, "partner_id": partner.id})
        notify(case.coordinator, "meeting_planned", actor=actor, meeting=meeting)  # invitees are no users
        audit.record(actor, "plan_meeting", "case", case.reference, detail={"meeting": meeting.id})
    return meeting


def move(meeting: Meeting, starts_at: datetime | None, location: str | None, *, actor: User,
         seen_version: int | None) -> Meeting:
    """Another moment and/or place for a planned meeting, by the rules of planning; the invited partners get a mail
    saying it moved (with their link) once it is committed, and the case's coordinator is told."""
    if not allows(meeting, "reschedule"):  # held or cancelled already: say that, not what is wrong with the input
        raise Conflict(NOT_ALLOWED["meeting"], code="transition_not_allowed")
    place, errors = _when_and_where(starts_at, location)
    if not errors and starts_at == meeting.starts_at and place == meeting.location:
        errors["starts_at"] = UNCHANGED
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        _check(meeting.case, actor)
        check_version(meeting, seen_version)
        before = {"starts_at": meeting.starts_at.isoformat(), "location": meeting.location}
        meeting.starts_at, meeting.location = starts_at, place
        transition_meeting(meeting, "reschedule", starts_at=starts_at)
        transition_case(meeting.case, "change", actor, detail={
            "meeting": "moved", "meeting_id": meeting.id, "from": before,
            "to": {"starts_at": starts_at.isoformat(), "location": place}})
        for invitee in meeting.invitees:
            if invitee.partner_id is not None:
                outbox.enqueue(INVITATION_TOPIC, {"meeting_id": meeting.id, "partner_id": invitee.partner_id,
                                                  "moved": True})
        notify(meeting.case.coordinator, "meeting_planned", actor=actor, meeting=meeting)  # "gepland of verzet"
        audit.record(actor, "move_meeting", "case", meeting.case.reference, detail={"meeting": meeting.id})
    return meeting


def default_invitees(case: Case) -> list[Partner]:
    """Who a new meeting invites unless the coordinator unticks them: every active partner in the case."""
    return [link.partner for link in case.partners if link.partner.is_active]


def planned_message(meeting: Meeting) -> str:
    """What planning did, in words: who gets an invitation by mail, who must be invited some other way."""
    moment = format_datetime(meeting.starts_at, "dd-MM-yyyy HH:mm")
    return _told(meeting, _l("Het overleg is gepland op %(moment)s.", moment=moment), moved=False)


def moved_message(meeting: Meeting) -> str:
    """What moving did, in words: who is told by mail, who must be told some other way."""
    moment = format_datetime(meeting.starts_at, "dd-MM-yyyy HH:mm")
    return _told(meeting, _l("Het overleg is verplaatst naar %(moment)s, %(location)s.", moment=moment,
                             location=meeting.location), moved=True)


def _told(meeting: Meeting, first, *, moved: bool) -> str:
    partners = [invitee.partner for invitee in meeting.invitees if invitee.partner is not None]
    people = [invitee.name for invitee in meeting.invitees if invitee.partner is None]
    sentences = [first]
    mailed = [partner.name for partner in partners if partner.email]
    unmailed = [partner.name for partner in partners if not partner.email]
    if mailed:
        sentences.append(_l("Bericht van de verplaatsing met hun casuslink gaat per e-mail naar: %(partners)s.",
                            partners=", ".join(mailed)) if moved else
                         _l("Een uitnodiging met hun casuslink gaat per e-mail naar: %(partners)s.",
                            partners=", ".join(mailed)))
    if unmailed:
        sentences.append(_l("Geen e-mailadres bekend, laat het zelf weten aan: %(partners)s.",
                            partners=", ".join(unmailed)) if moved else
                         _l("Geen e-mailadres bekend, nodig zelf uit: %(partners)s.", partners=", ".join(unmailed)))
    if not partners and not moved:
        sentences.append(_l("Er is geen ketenpartner uitgenodigd."))
    if people:
        sentences.append(_l("Andere genodigden krijgen geen bericht van GDT: %(people)s.", people=", ".join(people)))
    return " ".join(str(sentence) for sentence in sentences)


def agenda(meeting: Meeting) -> list[Action]:
    """The open actions of the case (oldest due first), plus those decided at this meeting once it is held."""
    return [action for action in meeting.case.actions if action.status == "open" or action.meeting_id == meeting.id]


def planned_day(meeting: Meeting) -> date:
    return meeting.starts_at.astimezone(AMSTERDAM).date()


def may_be_held_earlier(meeting: Meeting) -> bool:
    """Holding it today would record it before its planned day: the coordinator is asked to confirm that."""
    return meeting.status == "planned" and planned_day(meeting) > today()


def default_held_on(meeting: Meeting) -> date:
    """The day the hold form suggests: the planned day once it has come, else today."""
    return min(planned_day(meeting), today())


def check_held_on(meeting: Meeting, held_on: date | None, earlier_than_planned: bool) -> date:
    """The day a meeting really took place: not in the future, not before it was planned in GDT, and before its
    planned day only when the coordinator says so explicitly (a meeting recorded as held too early by mistake
    would put its decisions and their deadlines in the wrong place)."""
    day = held_on or today()
    planned_on = (meeting.created_at or utcnow()).astimezone(AMSTERDAM).date()
    if day > today():
        raise ValidationFailed({"held_on": _l("Een overleg kan niet in de toekomst gehouden zijn. Vul de dag in "
                                              "waarop het is gehouden.")})
    if day < planned_on:
        raise ValidationFailed({"held_on": _l("Het overleg is op %(planned)s ingepland; het kan niet eerder "
                                              "gehouden zijn.", planned=_day(planned_on))})
    if day < planned_day(meeting) and not earlier_than_planned:
        raise ValidationFailed({"earlier_than_planned": _l(
            "Het overleg stond gepland op %(planned)s, u vult %(held)s in. Klopt dat het eerder is gehouden? Vink "
            "dan ‘Het overleg is eerder gehouden dan gepland’ aan.", planned=_day(planned_day(meeting)),
            held=_day(day))})
    return day


def hold(meeting: Meeting, *, attended: set[int], minutes: str | None, decisions: list[Decision], actor: User,
         seen_version: int | None, held_on: date | None = None, earlier_than_planned: bool = False) -> Meeting:
    """Record the meeting as held on the day it took place (default today): who attended (invitee ids), the
    minutes, and the decisions as new actions."""
    if not allows(meeting, "hold"):  # held or cancelled already: say that, not what is wrong with the input
        raise Conflict(NOT_ALLOWED["meeting"], code="transition_not_allowed")
    clean_minutes = _text(minutes, "minutes", 20000)
    errors, day = {}, None
    try:
        day = check_held_on(meeting, held_on, earlier_than_planned)
    except ValidationFailed as refused:
        errors |= refused.errors
    if set(attended) - {invitee.id for invitee in meeting.invitees}:
        errors["attended"] = _l("Kies alleen genodigden van dit overleg.")
    fields = []
    for number, decision in enumerate(decisions):
        try:
            fields.append(actions.clean_action(decision.description, decision.owner, decision.working_days,
                                               case=meeting.case))
        except ValidationFailed as refused:
            errors |= {f"decisions.{number}.{name}": message for name, message in refused.errors.items()}
    if errors:  # every refusal at once: the day, the attendance and each decision row
        raise ValidationFailed(errors)
    with unit_of_work():
        _check(meeting.case, actor)
        check_version(meeting, seen_version)
        transition_case(meeting.case, "change", actor, detail={"meeting": "held", "meeting_id": meeting.id,
                                                               "held_on": day.isoformat(), "decisions": len(fields)})
        meeting.held_on = day  # first: the CHECK (a held meeting has its day) holds at the autoflush
        transition_meeting(meeting, "hold")
        for invitee in meeting.invitees:
            invitee.attended = invitee.id in attended
        meeting.minutes = clean_minutes
        for decided in fields:
            actions.add_to_case(meeting.case, decided, actor=actor, meeting=meeting)
        audit.record(actor, "hold_meeting", "case", meeting.case.reference,
                     detail={"meeting": meeting.id, "decisions": len(fields)})
    return meeting


def cancel(meeting: Meeting, reason: str | None, *, actor: User, seen_version: int | None) -> Meeting:
    clean_reason = _text(reason, "reason", 500)
    with unit_of_work():
        _check(meeting.case, actor)
        check_version(meeting, seen_version)
        meeting.cancel_reason = clean_reason  # first: the CHECK (a cancelled meeting has its reason) holds
        transition_meeting(meeting, "cancel", reason=clean_reason)
        record_case_event(meeting.case, "change", actor, {"meeting": "cancelled", "meeting_id": meeting.id})
        audit.record(actor, "cancel_meeting", "case", meeting.case.reference, detail={"meeting": meeting.id})
    return meeting


def get(meeting_id: int, *, actor: User) -> Meeting:
    return audit.audited_view(db.session.get(Meeting, meeting_id), actor=actor, object_type="meeting",
                              object_ref=str(meeting_id), may_view=_may_view,
                              missing=_l("Dit overleg bestaat niet."),
                              refused=_l("U heeft geen toegang tot dit overleg."))


def _may_view(actor: User, meeting: Meeting) -> bool:
    """A coordinator who may work on the case, and a user of a partner invited to the meeting."""
    return access.can_edit_case(actor, meeting.case) or (
        actor.role == "partner" and access.can_view_meeting(actor.partner_id, meeting))


def permitted_steps(meeting: Meeting, actor: User) -> dict[str, bool]:
    """What the coordinator may do with this meeting now: hold, move or cancel it while it is planned (hold and
    move on an open case)."""
    return {"hold": may_change(meeting, actor) and allows(meeting, "hold"), "move": may_move(meeting, actor),
            "cancel": may_cancel(meeting, actor)}


def may_change(meeting: Meeting, actor: User) -> bool:
    return access.can_edit_case(actor, meeting.case) and allows(meeting.case, "change")


def may_move(meeting: Meeting, actor: User) -> bool:
    return may_change(meeting, actor) and allows(meeting, "reschedule")


def may_cancel(meeting: Meeting, actor: User) -> bool:
    return access.can_edit_case(actor, meeting.case) and allows(meeting, "cancel")


def next_meeting(case: Case) -> Meeting | None:
    upcoming = [meeting for meeting in case.meetings if meeting.status == "planned" and meeting.starts_at >= utcnow()]
    return min(upcoming, key=lambda meeting: meeting.starts_at, default=None)


@outbox.handler(INVITATION_TOPIC)
def send_invitation(payload: dict) -> None:
    with unit_of_work():
        meeting = db.session.get(Meeting, payload["meeting_id"])
        partner = db.session.get(Partner, payload["partner_id"])
        if meeting is None or partner is None or not partner.email or meeting.status != "planned":
            return
        with force_locale("nl"):
            moment = format_datetime(meeting.starts_at, "EEEE d MMMM y 'om' HH:mm")
            expires = format_datetime(partner_links.expires_at(), "d MMMM y")
        moved = payload.get("moved", False)  # the same link and wording, saying the meeting moved
        body = (MOVED_BODY if moved else BODY).format(
            partner=partner.name, reference=meeting.case.reference, moment=moment, location=meeting.location,
            expires=expires, link=partner_links.case_url(meeting.case_id, partner.id))
        address, subject = partner.email, (MOVED_SUBJECT if moved else SUBJECT).format(
            reference=meeting.case.reference)
    mail.send_mail(address, subject, body)  # outside any transaction


def _when_and_where(starts_at: datetime | None, location: str | None) -> tuple[str | None, dict]:
    """The rules for a meeting's moment and place, shared by planning and moving: the clean place and the errors."""
    place = _text(location, "location", 200, single=True)
    errors = {}
    if starts_at is None:
        errors["starts_at"] = _l("Vul datum en tijd in.")
    elif starts_at < utcnow():
        errors["starts_at"] = _l("Kies een moment in de toekomst.")
    if not place:
        errors["location"] = _l("Vul een plaats in, of ‘online’ met de link naar het overleg.")
    return place, errors


def _day(value: date) -> str:
    return format_date(value, "dd-MM-yyyy")


def _check(case: Case, actor: User) -> None:
    if not access.can_edit_case(actor, case):
        raise Forbidden(_l("U heeft geen toegang tot deze casus."))


def _name(value: str | None, field: str) -> str | None:
    try:
        return clean_name(value, max_length=120)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field=field) from invalid


def _text(value: str | None, field: str, limit: int, *, single: bool = False) -> str | None:
    try:
        return clean_text(value, max_length=limit, multiline=not single)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field=field) from invalid

