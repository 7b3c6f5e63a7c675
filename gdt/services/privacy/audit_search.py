"""The privacy officer's search of the audit trail: who did what to which object, when, from where, with what outcome.

Filters: an object's reference, a staff member (by e-mail address or part of the name), the action, the object
type, the outcome, a period (Amsterdam days), and a person: a person filter first finds the reports, registrations
and cases the person appears in (gdt.services.privacy.people) and then the events on those references. Every
filter is a condition one of the audit trail's indexes answers: object type and reference
(ix_audit_events_object; a reference alone is looked up under the object types that carry one), the staff member
and time (ix_audit_events_actor), the period (occurred_at).

Searching is itself audited ("search", object type "audit"), and so is the CSV export ("export"): the detail names
which filters were used, never their values (a person's name or phone number must not land in the audit trail it
protects). The newest events come first.
"""
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, db
from gdt.labels import ROLE_LABELS
from gdt.models import AuditEvent, User
from gdt.models.audit import AUDIT_OUTCOMES
from gdt.services.core import audit
from gdt.services.core.errors import ValidationFailed
from gdt.services.privacy import people

ACTION_LABELS = {
    "view": _l("Bekeken"), "search": _l("Gezocht"), "export": _l("Geëxporteerd"), "create": _l("Aangemaakt"),
    "update": _l("Gewijzigd"), "delete": _l("Verwijderd"), "correct": _l("Gecorrigeerd"),
    "claim": _l("Opgepakt"), "release": _l("Vrijgegeven"), "refer": _l("Doorverwezen"),
    "escalate": _l("Geëscaleerd"), "close": _l("Gesloten"), "reopen": _l("Heropend"), "review": _l("Herbeoordeeld"),
    "merge": _l("Samengevoegd"), "bundle": _l("Gebundeld"), "assign_coordinator": _l("Regisseur toegewezen"),
    "decide_mode": _l("Werkwijze bepaald"), "involve_partner": _l("Ketenpartner betrokken"),
    "remove_partner": _l("Ketenpartner verwijderd"), "add_party": _l("Betrokkene toegevoegd"),
    "add_note": _l("Notitie toegevoegd"), "plan_meeting": _l("Overleg gepland"), "hold_meeting": _l("Overleg gehouden"),
    "cancel_meeting": _l("Overleg afgezegd"), "agree_action": _l("Afspraak gemaakt"),
    "download_attachment": _l("Bijlage gedownload"), "view_thumbnail": _l("Voorbeeld bijlage bekeken"),
    "retry_delivery": _l("Bezorging opnieuw gestart"), "open_link": _l("Link geopend"),
    "rectify": _l("Gerectificeerd"), "erase": _l("Gewist"), "decide": _l("Beslist"),
    "login": _l("Ingelogd"), "logout": _l("Uitgelogd"), "sso_login": _l("Ingelogd via SSO"),
    "second_factor": _l("Tweede factor"), "reauthenticate": _l("Opnieuw aangemeld"),
    "change_password": _l("Wachtwoord gewijzigd"), "set_password": _l("Wachtwoord ingesteld"),
    "request_password_reset": _l("Wachtwoordherstel aangevraagd"), "change_role": _l("Rol gewijzigd"),
    "issue_token": _l("Token uitgegeven"), "revoke_token": _l("Token ingetrokken"), "revoke": _l("Ingetrokken"),
    "end_session": _l("Sessie beëindigd"), "end_sessions": _l("Sessies beëindigd"), "import": _l("Geïmporteerd"),
    "change_setting": _l("Instelling gewijzigd"), "destruction_propose": _l("Vernietiging voorgesteld"),
    "destruction_approve": _l("Vernietiging goedgekeurd"), "destruction_execute": _l("Vernietigd"),
    "destruction_exclude": _l("Uitgezonderd van vernietiging"),
    "destruction_statement": _l("Verklaring van vernietiging"),
    "destruction_restore": _l("Vernietiging teruggedraaid"), "legal_hold_place": _l("Bewaarplicht opgelegd"),
    "legal_hold_lift": _l("Bewaarplicht opgeheven"), "move_meeting": _l("Overleg verplaatst"),
    "create_person": _l("Persoon vastgelegd"), "change_person": _l("Persoon gewijzigd"),
    "add_person_address": _l("Adres van persoon toegevoegd"), "link_party": _l("Betrokkene aan persoon gekoppeld"),
    "link_person": _l("Persoon aan melding gekoppeld"), "merge_person": _l("Personen samengevoegd"),
    "earlier_in_view": _l("Eerder in beeld bekeken"), "create_saved_search": _l("Zoekopdracht bewaard"),
    "change_saved_search": _l("Bewaarde zoekopdracht gewijzigd"),
    "delete_saved_search": _l("Bewaarde zoekopdracht verwijderd"),
    "change_notification_choices": _l("Keuzes voor meldingen gewijzigd"), "activate": _l("Geactiveerd"),
    "deactivate": _l("Gedeactiveerd"),
    "set_team": _l("Team ingesteld"), "set_target": _l("Streefwaarde ingesteld"),
    "set_value": _l("Waarde ingevoerd"), "delete_target": _l("Streefwaarde verwijderd"),
    "delete_value": _l("Waarde verwijderd"), "enrol_totp": _l("Authenticator-app gekoppeld"),
    "remove_totp": _l("Authenticator-app ontkoppeld"), "issue_recovery_codes": _l("Herstelcodes uitgegeven"),
    "regenerate_recovery_codes": _l("Herstelcodes vernieuwd"), "use_recovery_code": _l("Herstelcode gebruikt"),
    "reset_second_factor": _l("Tweede factor hersteld"), "second_factor_throttle": _l("Tweede factor geblokkeerd"),
    "register_passkey": _l("Passkey geregistreerd"), "rename_passkey": _l("Passkey hernoemd"),
    "remove_passkey": _l("Passkey verwijderd"), "use_passkey": _l("Ingelogd met passkey"),
    "login_throttle": _l("Inloggen vertraagd"), "revoke_tokens": _l("Tokens ingetrokken"),
    "use_token": _l("Token gebruikt"), "rotate_webhook_secret": _l("Webhookgeheim vernieuwd"),
    "sso_role_change": _l("Rol gewijzigd via SSO"), "user_create": _l("Gebruiker aangemaakt"),
    "anonymise": _l("Geanonimiseerd"), "demo": _l("Demogegevens geladen"),
    "destruction_take_off": _l("Van vernietigingslijst gehaald"), "setup": _l("Installatie ingericht"),
    "reencrypt_totp_secrets": _l("Geheimen tweede factor opnieuw versleuteld"),
    "sso_backchannel_logout": _l("Uitgelogd via SSO"), "use_account_link": _l("Accountkoppeling gebruikt"),
    "upload_document": _l("Document toegevoegd"), "update_document": _l("Documentgegevens gewijzigd"),
    "view_document": _l("Document bekeken"), "download_document": _l("Document gedownload"),
    "ask": _l("Vraag aan melder gesteld"), "withdraw": _l("Vraag aan melder ingetrokken"),
    "answer": _l("Beantwoord door melder"), "view_resident_page": _l("Mijn melding bekeken"),
    "preview": _l("Voorbeeld bekeken"), "preview_letter": _l("Brief bekeken (voorbeeld)"),
    "generate_letter": _l("Brief gemaakt"),
    "view_resident_logbook": _l("Logboek van melder bekeken"), "issue_resident_link": _l("Link Mijn melding gemaakt"),
    "revoke_resident_link": _l("Links Mijn melding ingetrokken"),
    "record_intervention": _l("Interventie vastgelegd"), "intervention_decide": _l("Interventie besloten"),
    "intervention_take_effect": _l("Interventie in werking"), "intervention_end": _l("Interventie beëindigd"),
    "intervention_withdraw": _l("Interventie ingetrokken"), "view_intervention": _l("Interventie bekeken"),
    "signalen_sync": _l("Signalen opgehaald"), "signalen_update": _l("Status naar Signalen gestuurd"),
    "signalen_resend": _l("Status opnieuw naar Signalen gestuurd"), "event_resend": _l("Gebeurtenis opnieuw verstuurd"),
    "rotate_secret": _l("Nieuw geheim gemaakt"),
}
OBJECT_TYPE_LABELS = {
    "report": _l("Melding"), "case": _l("Casus"), "attachment": _l("Bijlage"), "referral": _l("Doorverwijzing"),
    "meeting": _l("Overleg"), "user": _l("Gebruiker"), "user_session": _l("Sessie"), "api_client": _l("API-client"),
    "subject_request": _l("Verzoek betrokkene"), "destruction_list": _l("Vernietigingslijst"),
    "statistics": _l("Statistieken"), "indicator": _l("Indicator"), "indicators": _l("Indicatoren"),
    "indicator_value": _l("Indicatorwaarde"), "area": _l("Wijk of buurt"), "closing_day": _l("Sluitingsdag"),
    "case_result": _l("Resultaat"), "setting": _l("Instelling"), "local_mail": _l("Verzonden mail"),
    "reference_data": _l("Basisgegevens"), "retention": _l("Bewaartermijnen"),
    "audit": _l("Audittrail"), "person": _l("Persoon"), "inspection": _l("Inzage-export"),
    "address": _l("Adres"), "legal_holds": _l("Bewaarplichten"), "map": _l("Kaart"),
    "map_buurten": _l("Kaart per buurt"), "people_duplicates": _l("Mogelijk dubbele personen"),
    "saved_list": _l("Werklijst"), "resident_question": _l("Vraag aan melder"),
    "satisfaction": _l("Tevredenheidsantwoord"), "standard_text": _l("Standaardtekst"),
    "letter_template": _l("Briefsjabloon"), "resident_log_entry": _l("Aantekening in logboek melder"),
    "intervention_type": _l("Soort interventie"), "signalen": _l("Signalen"),
    "event_subscription": _l("Abonnement op gebeurtenissen"),
}
OUTCOME_LABELS = {"ok": _l("Gelukt"), "denied": _l("Geweigerd"), "error": _l("Fout")}
# The object types whose events carry a reference someone types (a report's, case's, request's, list's).
REFERENCED_TYPES = ("report", "case", "attachment", "referral", "subject_request", "destruction_list", "inspection")
PERSON_TYPES = ("report", "case", "attachment", "inspection")  # events on a person's reports and cases
GET_FILTERS = ("reference", "user", "action", "object_type", "outcome", "date_from", "date_to")  # never personal
PERSON_FILTERS = ("person_name", "person_email", "person_phone", "person_postcode", "person_house_number")
CSV_HEADER = ("Wanneer", "Medewerker", "Rol", "Actie", "Soort object", "Kenmerk", "Uitkomst", "Herkomst",
              "Details")


@dataclass(frozen=True)
class AuditFilter:
    reference: str | None = None
    user: str | None = None  # an e-mail address or part of a name
    action: str | None = None
    object_type: str | None = None
    outcome: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    person: people.Criteria | None = None

    @property
    def used(self) -> list[str]:
        """The filters in use by name, for the audit detail: never their values."""
        names = [name for name in ("reference", "user", "action", "object_type", "outcome")
                 if getattr(self, name)]
        if self.date_from or self.date_to:
            names.append("period")
        return names + [f"person_{field}" for field in (self.person.fields if self.person else [])]

    def as_args(self) -> dict[str, str]:
        """The non-personal filters as query parameters (for the address bar and the page links)."""
        values = {"reference": self.reference, "user": self.user, "action": self.action,
                  "object_type": self.object_type, "outcome": self.outcome,
                  "date_from": self.date_from.isoformat() if self.date_from else None,
                  "date_to": self.date_to.isoformat() if self.date_to else None}
        return {key: value for key, value in values.items() if value}


@dataclass(frozen=True)
class AuditLine:
    """One event as the page and the CSV show it."""

    occurred_at: datetime
    actor_name: str | None
    actor_role: str | None
    action: str
    object_type: str
    object_ref: str | None
    outcome: str
    origin: str | None
    detail_keys: list[str]


def parse(args: Mapping[str, str], *, with_person: bool = False) -> AuditFilter:
    """The filter from a form or query string; ValidationFailed names every wrong field."""
    errors: dict[str, str] = {}
    text = {name: (args.get(name) or "").strip() or None for name in GET_FILTERS}
    date_from, date_to = _day(text["date_from"], "date_from", errors), _day(text["date_to"], "date_to", errors)
    if date_from and date_to and date_to < date_from:
        errors["date_to"] = _l("De einddatum ligt vóór de begindatum.")
    if text["outcome"] and text["outcome"] not in AUDIT_OUTCOMES:
        errors["outcome"] = _l("Kies een uitkomst uit de lijst.")
    for name, limit in (("reference", 254), ("user", 254), ("action", 40), ("object_type", 20)):
        if text[name] and len(text[name]) > limit:
            errors[name] = _l("Gebruik hoogstens %(max)d tekens.", max=limit)
    person = _person(args, errors) if with_person else None
    if errors:
        raise ValidationFailed(errors)
    return AuditFilter(reference=text["reference"].upper() if text["reference"] else None, user=text["user"],
                       action=text["action"], object_type=text["object_type"], outcome=text["outcome"],
                       date_from=date_from, date_to=date_to, person=person)


def query(found: AuditFilter) -> sa.Select:
    """The matching events, newest first."""
    return _where(sa.select(AuditEvent), found).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def search(found: AuditFilter, *, actor: User) -> sa.Select:
    """The query for the page, the search audited (which filters, not their values)."""
    audit.record_now(actor, "search", "audit", None, detail={"filters": found.used})
    return query(found)


def lines(events: list[AuditEvent]) -> list[AuditLine]:
    """A page of events with their actors' names (one query for the page)."""
    ids = {event.actor_id for event in events if event.actor_id is not None}
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all()) if ids else {}
    return [_line(event, names.get(event.actor_id)) for event in events]


def export_rows(found: AuditFilter, *, actor: User) -> Iterator[tuple[str, ...]]:
    """The CSV rows (the Dutch header first), streamed from the database; the export is audited before the first
    row. Values are plain text: the caller writes them with formula injection neutralised."""
    audit.record_now(actor, "export", "audit", None, detail={"filters": found.used, "format": "csv"})
    return _rows(found)


def _rows(found: AuditFilter) -> Iterator[tuple[str, ...]]:
    yield CSV_HEADER
    statement = (_where(sa.select(AuditEvent, User.name).outerjoin(User, User.id == AuditEvent.actor_id), found)
                 .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()))
    for event, name in db.session.execute(statement.execution_options(yield_per=1000)):
        line = _line(event, name)
        yield (line.occurred_at.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M:%S"), line.actor_name or "",
               line.actor_role or "", line.action, line.object_type, line.object_ref or "", line.outcome,
               line.origin or "", ", ".join(line.detail_keys))


def _line(event: AuditEvent, name: str | None) -> AuditLine:
    return AuditLine(
        occurred_at=event.occurred_at,
        actor_name=name if event.actor_id is not None else None,
        actor_role=str(ROLE_LABELS.get(event.actor_role, event.actor_role)) if event.actor_role else None,
        action=str(ACTION_LABELS.get(event.action, event.action)),
        object_type=str(OBJECT_TYPE_LABELS.get(event.object_type, event.object_type)),
        object_ref=event.object_ref, outcome=str(OUTCOME_LABELS.get(event.outcome, event.outcome)),
        origin=event.origin, detail_keys=sorted((event.detail or {}).keys()))


def _where(statement: sa.Select, found: AuditFilter) -> sa.Select:
    if found.object_type:
        statement = statement.where(AuditEvent.object_type == found.object_type)
    if found.reference:
        if not found.object_type:  # the object index leads with the type
            statement = statement.where(AuditEvent.object_type.in_(REFERENCED_TYPES))
        statement = statement.where(AuditEvent.object_ref == found.reference)
    if found.user:
        statement = statement.where(AuditEvent.actor_id.in_(_user_ids(found.user)))
    if found.action:
        statement = statement.where(AuditEvent.action == found.action)
    if found.outcome:
        statement = statement.where(AuditEvent.outcome == found.outcome)
    if found.date_from:
        statement = statement.where(AuditEvent.occurred_at >= _start_of(found.date_from))
    if found.date_to:
        statement = statement.where(AuditEvent.occurred_at < _start_of(found.date_to + timedelta(days=1)))
    if found.person is not None:
        references = sorted({match.reference for match in people.matches(found.person)})
        if not found.object_type:
            statement = statement.where(AuditEvent.object_type.in_(PERSON_TYPES))
        statement = statement.where(AuditEvent.object_ref.in_(references) if references else sa.false())
    return statement


def _user_ids(typed: str) -> list[int]:
    """Staff members by their full e-mail address or part of their name: looked up first, so the events are found
    along the actor index."""
    if "@" in typed:
        condition = sa.func.lower(User.email) == typed.lower()
    else:
        escaped = typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        condition = User.name.ilike(f"%{escaped}%", escape="\\")
    return list(db.session.scalars(sa.select(User.id).where(condition))) or [-1]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=AMSTERDAM)


def _day(raw: str | None, name: str, errors: dict) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw) if len(raw) == 10 and raw[4] == "-" else _dutch_day(raw)
    except ValueError:
        errors[name] = _l("Vul een datum in als dag-maand-jaar, zoals 15-05-2026.")
        return None


def _dutch_day(raw: str) -> date:
    day, month, year = (int(part) for part in raw.split("-"))
    return date(year, month, day)


def _person(args: Mapping[str, str], errors: dict) -> people.Criteria | None:
    typed = {name: (args.get(name) or "").strip() for name in PERSON_FILTERS}
    if not any(typed.values()):
        return None
    try:
        return people.criteria(name=typed["person_name"], email=typed["person_email"], phone=typed["person_phone"],
                               postcode=typed["person_postcode"], house_number=typed["person_house_number"])
    except ValidationFailed as failed:
        errors.update({f"person_{key}": message for key, message in failed.errors.items()})
    return None
