"""The history of a report or a case in words: one line per event, saying what changed with labels, never keys.

An event row (`ReportEvent`, `CaseEvent`) holds the workflow event, the status before and after and a `detail` of
keys and ids (docs/architecture.md, "Audit": no personal values). This module turns those into what a person reads:
"Werkwijze bepaald — Nog niet bepaald → Casusregie", "Overleg gepland — 10-12-2026 14:00 · Stadhuis". A status is
named only when it changed. The names behind the keys (partners, users, results, meetings, actions, people) are
looked up once per history, so a long history costs a fixed number of queries.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l

from gdt import labels
from gdt.db import db
from gdt.models import Case, CaseResult, Partner, Report, User
from gdt.models.interventions import InterventionType


@dataclass(frozen=True)
class HistoryLine:
    occurred_at: datetime
    who: str
    what: str
    details: tuple[str, ...]


@dataclass
class _Names:
    """The names behind the keys and ids an event's detail holds."""

    users: dict[int, str]
    partners: dict[str, str]
    results: dict[str, str]
    meetings: dict[int, object]
    actions: dict[int, object]
    parties: dict[int, object]
    intervention_types: dict[str, str]

    def partner(self, key: str | None) -> str:
        return self.partners.get(key, key or "–")

    def user(self, user_id: int | None) -> str:
        return self.users.get(user_id, str(_l("onbekende gebruiker")))


def case_lines(case: Case) -> list[HistoryLine]:
    """The case's history, oldest first; the case's meetings, actions and parties must be loaded (view_case)."""
    names = _names(case.events, meetings=case.meetings, actions=case.actions, parties=case.parties)
    return [_line(event, names, _case_what(event, names), labels.CASE_STATUS_LABELS) for event in case.events]


def report_lines(report: Report) -> list[HistoryLine]:
    names = _names(report.events)
    return [_line(event, names, _report_what(event, names), labels.REPORT_STATUS_LABELS) for event in report.events]


def _line(event, names: _Names, what: tuple[str, list[str]], statuses: dict) -> HistoryLine:
    title, details = what
    if event.from_status is not None and event.from_status != event.to_status:
        details = [*details, str(_l("Status: %(before)s → %(after)s", before=statuses.get(event.from_status),
                                    after=statuses.get(event.to_status)))]
    return HistoryLine(occurred_at=event.occurred_at, who=_who(event, names), what=str(title),
                       details=tuple(str(detail) for detail in details if detail))


def _who(event, names: _Names) -> str:
    detail = event.detail or {}
    if event.actor_id is not None:
        return names.user(event.actor_id)
    if detail.get("via") == "link":
        if detail.get("partner"):
            return str(_l("%(partner)s (via link)", partner=names.partner(detail["partner"])))
        return str(_l("Ketenpartner (via link)"))
    return str(_l("Systeem"))


def _names(events: Iterable, *, meetings=(), actions=(), parties=()) -> _Names:
    events = list(events)
    user_ids, partner_keys, result_keys, type_codes = set(), set(), set(), set()
    for event in events:
        detail = event.detail or {}
        user_ids.add(event.actor_id)
        if "intervention" in detail:
            type_codes.add(detail.get("type"))
        if event.event == "assign_coordinator":
            user_ids |= {detail.get("from"), detail.get("to")}
        partner_keys.add(detail.get("partner"))
        result_keys.add(detail.get("result"))
    for found in (user_ids, partner_keys, result_keys, type_codes):
        found.discard(None)
    return _Names(
        users=dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(user_ids))).all())
        if user_ids else {},
        partners=dict(db.session.execute(sa.select(Partner.key, Partner.name).where(Partner.key.in_(partner_keys)))
                      .all()) if partner_keys else {},
        results=dict(db.session.execute(sa.select(CaseResult.key, CaseResult.label)
                                        .where(CaseResult.key.in_(result_keys))).all()) if result_keys else {},
        meetings={meeting.id: meeting for meeting in meetings},
        actions={action.id: action for action in actions},
        parties={party.id: party for party in parties},
        intervention_types=dict(db.session.execute(
            sa.select(InterventionType.code, InterventionType.name).where(InterventionType.code.in_(type_codes)))
            .all()) if type_codes else {},
    )


def mode_label(mode: str | None, regie_kind: str | None = None) -> str:
    """"Casusregie" rather than "Casus-/procesregie – Casusregie": the most precise name of the way of working."""
    if mode == "regie" and regie_kind in labels.REGIE_KIND_LABELS:
        return str(labels.REGIE_KIND_LABELS[regie_kind])
    return str(labels.MODE_LABELS[mode or "undecided"])


def _change(label, before: str | None, after: str) -> str:
    """'Label: before → after', or 'Label: after' when there was nothing before or nothing changed."""
    if before is None or before == after:
        return str(_l("%(label)s: %(after)s", label=label, after=after))
    return str(_l("%(label)s: %(before)s → %(after)s", label=label, before=before, after=after))


def _case_what(event, names: _Names) -> tuple[str, list[str]]:
    detail = event.detail or {}
    describe = _CASE_EVENTS.get(event.event)
    if describe is not None:
        return describe(detail, names)
    if event.event == "change":
        return _case_change(detail, names)
    return labels.EVENT_LABELS.get(event.event, event.event), _referral_details(detail, names)


def _assigned(detail: dict, names: _Names) -> tuple[str, list[str]]:
    before = names.user(detail["from"]) if detail.get("from") else None
    return labels.EVENT_LABELS["assign_coordinator"], [_change(_l("Regisseur"), before, names.user(detail.get("to")))]


def _mode(detail: dict, names: _Names) -> tuple[str, list[str]]:
    after = mode_label(detail.get("to"), detail.get("regie_kind"))
    before = mode_label(detail.get("from"), detail.get("from_regie_kind")) if "from_regie_kind" in detail \
        else (mode_label(detail.get("from")) if detail.get("from") != detail.get("to") else None)
    return labels.EVENT_LABELS["decide_mode"], [_change(_l("Werkwijze"), before, after)]


def _involved(detail: dict, names: _Names) -> tuple[str, list[str]]:
    details = [names.partner(detail.get("partner"))]
    given = [str(_PARTNER_FIELDS[field]) for field in detail.get("fields", ()) if field in _PARTNER_FIELDS]
    if given:
        details.append(str(_l("Vastgelegd: %(fields)s", fields=", ".join(given))))
    return labels.EVENT_LABELS["involve_partner"], details


def _note(detail: dict, names: _Names) -> tuple[str, list[str]]:
    if "shareable" not in detail:
        return labels.EVENT_LABELS["add_note"], []
    return labels.EVENT_LABELS["add_note"], [_l("Gedeeld met ketenpartners") if detail["shareable"] else _l("Intern")]


def _reviewed(detail: dict, names: _Names) -> tuple[str, list[str]]:
    if not detail.get("next_due"):
        return labels.EVENT_LABELS["review"], []
    due = datetime.fromisoformat(detail["next_due"])
    return labels.EVENT_LABELS["review"], [_l("Volgende herbeoordeling uiterlijk %(date)s", date=_date(due))]


def _closed(detail: dict, names: _Names) -> tuple[str, list[str]]:
    details = []
    if detail.get("result"):
        details.append(_l("Resultaat: %(result)s", result=_result(detail["result"], names)))
    if detail.get("carried_over"):
        details.append(_l("Open afspraken overgedragen: %(count)d", count=detail["carried_over"]))
    return _l("Casus gesloten"), details


def _reopened(detail: dict, names: _Names) -> tuple[str, list[str]]:
    details = []
    if detail.get("reason"):
        details.append(_l("Reden: %(reason)s", reason=detail["reason"]))
    if detail.get("result"):
        details.append(_l("Eerder resultaat: %(result)s", result=_result(detail["result"], names)))
    return _l("Casus heropend"), details


def _case_change(detail: dict, names: _Names) -> tuple[str, list[str]]:
    if "party_role" in detail:
        party = names.parties.get(detail.get("party"))
        role = labels.PARTY_ROLE_LABELS.get(detail["party_role"], detail["party_role"])
        return _l("Betrokkene toegevoegd"), [f"{party.name} – {role}" if party is not None else
                                             str(_l("Rol: %(role)s", role=role))]
    if "meeting" in detail:
        return _meeting_change(detail, names)
    if "action" in detail:
        return _action_change(detail, names)
    if "intervention" in detail:
        return _intervention_change(detail, names)
    if detail.get("bundled"):
        details = [_l("Melding %(reference)s", reference=detail.get("report"))]
        if detail.get("other_address"):
            details.append(_l("Ander adres dan de casus, bevestigd door de regisseur"))
        return _l("Melding aan de casus toegevoegd"), details
    if "merged" in detail:
        return _l("Casus hierin samengevoegd"), [
            _l("Uit casus %(reference)s", reference=detail["merged"]),
            _l("Meldingen overgenomen: %(count)d", count=detail.get("reports", 0))]
    return labels.EVENT_LABELS["change"], []


_MEETING_TITLES = {"planned": _l("Overleg gepland"), "held": _l("Overleg gehouden"),
                   "cancelled": _l("Overleg afgezegd"), "moved": _l("Overleg verplaatst")}
_ACTION_TITLES = {"agreed": _l("Afspraak gemaakt"), "update": _l("Voortgang van een afspraak"),
                  "complete": _l("Afspraak gedaan"), "drop": _l("Afspraak vervallen")}
_INTERVENTION_TITLES = {"recorded": _l("Interventie vastgelegd"), "decide": _l("Interventie besloten"),
                        "take_effect": _l("Interventie in werking"), "end": _l("Interventie beëindigd"),
                        "withdraw": _l("Interventie ingetrokken")}
_PARTNER_FIELDS = {"role": _l("rol"), "contact_name": _l("contactpersoon"), "contact_phone": _l("telefoon"),
                   "contact_email": _l("e-mail")}


def _meeting_change(detail: dict, names: _Names) -> tuple[str, list[str]]:
    title = _MEETING_TITLES.get(detail["meeting"], labels.EVENT_LABELS["change"])
    if detail["meeting"] == "moved":  # the moment and place before and after, as they were then
        was, now = detail["from"], detail["to"]
        return title, [_l("Van %(old)s · %(old_location)s naar %(new)s · %(new_location)s",
                          old=_moment(datetime.fromisoformat(was["starts_at"])), old_location=was["location"],
                          new=_moment(datetime.fromisoformat(now["starts_at"])), new_location=now["location"])]
    meeting = names.meetings.get(detail.get("meeting_id"))
    details = []
    if meeting is not None:
        details.append(_l("Gepland op %(moment)s · %(location)s", moment=_moment(meeting.starts_at),
                          location=meeting.location))
    if detail.get("held_on"):
        details.append(_l("Gehouden op %(date)s", date=_date(date.fromisoformat(detail["held_on"]))))
    if detail.get("invited") is not None:
        invited = [names.partner(key) for key in detail["invited"]]
        details.append(_l("Uitgenodigd: %(partners)s", partners=", ".join(invited)) if invited
                       else _l("Geen ketenpartners uitgenodigd"))
    if detail.get("decisions"):
        details.append(_l("Besluiten: %(count)d", count=detail["decisions"]))
    if detail["meeting"] == "cancelled" and meeting is not None and meeting.cancel_reason:
        details.append(_l("Reden: %(reason)s", reason=meeting.cancel_reason))
    return title, details


def _action_change(detail: dict, names: _Names) -> tuple[str, list[str]]:
    title = _ACTION_TITLES.get(detail["action"], labels.EVENT_LABELS["change"])
    action = names.actions.get(detail.get("action_id"))
    details = []
    if action is not None:
        details.append(_clip(action.description))
        if detail["action"] == "agreed":
            details.append(_l("Uitvoerder: %(owner)s", owner=action.owner_label))
            details.append(_l("Uiterlijk: %(date)s", date=_date(action.due_at)))
        elif detail["action"] == "drop" and action.drop_reason:
            details.append(_l("Reden: %(reason)s", reason=action.drop_reason))
    return title, details


def _intervention_change(detail: dict, names: _Names) -> tuple[str, list[str]]:
    """"Interventie besloten — Gedragsaanwijzing · Status: Besloten": the rung and where it stands now."""
    title = _INTERVENTION_TITLES.get(detail["intervention"], labels.EVENT_LABELS["change"])
    status = labels.INTERVENTION_STATUS_LABELS.get(detail.get("status"), detail.get("status"))
    return title, [names.intervention_types.get(detail.get("type"), detail.get("type")),
                   _l("Status: %(status)s", status=status)]


def _referral_details(detail: dict, names: _Names) -> list[str]:
    """A referral's steps (delivery, the partner's feedback), in a report's or an advice case's history."""
    details = []
    if detail.get("partner"):
        details.append(_l("Ketenpartner: %(partner)s", partner=names.partner(detail["partner"])))
    if detail.get("outcome"):
        details.append(_l("Uitkomst: %(outcome)s", outcome=labels.HANDLED_OUTCOME_LABELS.get(detail["outcome"],
                                                                                          detail["outcome"])))
    if detail.get("method"):
        details.append(_l("Via: %(method)s", method=labels.DELIVERY_METHOD_LABELS.get(detail["method"],
                                                                                   detail["method"])))
    if detail.get("attempts"):
        details.append(_l("Pogingen: %(count)d", count=detail["attempts"]))
    return details


_CASE_EVENTS: dict[str, Callable[[dict, _Names], tuple[str, list[str]]]] = {
    "open": lambda detail, names: (labels.EVENT_LABELS["open"], [
        _l("Vanuit melding %(reference)s", reference=detail["report"])] if detail.get("report") else []),
    "assign_coordinator": _assigned,
    "decide_mode": _mode,
    "involve_partner": _involved,
    "remove_partner": lambda detail, names: (labels.EVENT_LABELS["remove_partner"],
                                             [names.partner(detail.get("partner"))]),
    "refer": lambda detail, names: (_l("Advies doorgegeven aan een ketenpartner"),
                                    [names.partner(detail.get("partner"))]),
    "add_note": _note,
    "review": _reviewed,
    "close": _closed,
    "reopen": _reopened,
    "merge": lambda detail, names: (_l("Samengevoegd met een andere casus"),
                                    [_l("Naar casus %(reference)s", reference=detail.get("into"))]),
}


def _report_what(event, names: _Names) -> tuple[str, list[str]]:
    detail = event.detail or {}
    if event.event == "correct" and event.correction is not None:
        return _corrected(event.correction)
    if event.event == "rectify":  # on a request of the person concerned (privacy.subject_requests)
        request = _l("Op verzoek %(reference)s", reference=detail.get("request"))
        if event.correction is not None:
            what, lines = _corrected(event.correction)
            return what, [*lines, request]
        field = labels.RECTIFIED_FIELD_LABELS.get(detail.get("field"), detail.get("field"))
        return labels.EVENT_LABELS["rectify"], [_l("Gewijzigd: %(field)s", field=field), request]
    if event.event == "refer":
        return labels.EVENT_LABELS["refer"], [_l("Naar %(partner)s", partner=names.partner(detail.get("partner")))]
    if event.event == "escalate":
        case = _l("Casus %(reference)s", reference=detail.get("case"))
        return labels.EVENT_LABELS["escalate"], [case, _l("Toegevoegd aan een bestaande casus")] \
            if detail.get("bundled") else [case]
    if event.event == "merge":
        return _l("Casus samengevoegd"), [_l("Van casus %(before)s naar casus %(after)s", before=detail.get("from"),
                                            after=detail.get("case"))]
    if detail.get("event"):  # the partner's feedback that moved the report (handled: closed; returned: reopened)
        return labels.EVENT_LABELS.get(detail["event"], detail["event"]), _referral_details(detail, names)
    return labels.EVENT_LABELS.get(event.event, event.event), _referral_details(detail, names)


def _corrected(correction) -> tuple[str, list[str]]:
    """A correction before triage (intake.report_corrections) in one sentence: what, from what to what, and why."""
    values = {"before": correction.before, "after": correction.after, "reason": correction.reason}
    if correction.field == "category":
        return _l("Categorie gewijzigd van %(before)s naar %(after)s — reden: %(reason)s", **values), []
    if correction.field == "address":
        return _l("Adres gewijzigd van %(before)s naar %(after)s — reden: %(reason)s", **values), []
    if correction.after is None:
        return _l("Correctie van de beschrijving ingetrokken: de tekst zoals gemeld geldt weer — reden: %(reason)s",
                  reason=correction.reason), []
    return _l("Beschrijving gecorrigeerd — reden: %(reason)s", reason=correction.reason), [
        _l("Gecorrigeerde tekst: %(text)s", text=_clip(correction.after))]


def _result(key: str, names: _Names) -> str:
    return names.results.get(key) or str(labels.CASE_RESULT_LABELS.get(key, key))


def _moment(value: datetime) -> str:
    return format_datetime(value, "dd-MM-yyyy HH:mm")


def _date(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return format_datetime(value, "dd-MM-yyyy")
    return format_date(value, "dd-MM-yyyy")


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
