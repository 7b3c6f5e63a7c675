"""The four groups of a search, each one query per kind of match, access applied in SQL (gdt.services.core.access).

Every query asks the database for its best rows only (LIMIT): a match's candidates newest first, then ranked by
how well they match (text rank, trigram similarity). Destroyed reports and cases hold no content and are left out
by condition too. Intake learns of an address or a person only THAT it is known (a count, no link, no names).
"""
from collections.abc import Iterable

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from gdt import labels
from gdt.db import db
from gdt.models import (
    Case,
    CaseNote,
    CasePartner,
    CaseParty,
    Partner,
    PartnerRegistration,
    Person,
    PersonAddress,
    PersonLink,
    Report,
    User,
)
from gdt.models.signalen import SignalenSignal
from gdt.services.core import access
from gdt.services.people.visibility import can_view_people
from gdt.services.search import matching
from gdt.services.search.results import Hit, Part, mark, similarity
from gdt.services.search.terms import Terms

CANDIDATES = 100  # rows per match, newest first, that are ranked for the best `per_group`
WORD_MATCHES = 2000  # PostgreSQL: text matches read from the index, of which the newest are candidates
SQLITE_ALIKE = 0.5  # SQLite: a name's share of the query's trigrams to count as a match (PostgreSQL: pg_trgm's)
MATCHED_ON = {
    "reference": _l("Kenmerk"), "address": _l("Adres"), "street": _l("Straat"), "description": _l("Omschrijving"),
    "reporter": _l("Melder"), "email": _l("E-mailadres"), "phone": _l("Telefoonnummer"), "partner": _l("Ketenpartner"),
    "note": _l("Journaalnotitie"), "party": _l("Betrokkene"), "name": _l("Naam"), "birth_date": _l("Geboortedatum"),
    "signal": _l("Signalen-nummer"),
}


class Scope:
    """The viewer and what they may open, as queries (gdt.services.core.access), built once per search."""

    def __init__(self, viewer: User):
        self.viewer = viewer
        self.reports = access.visible_reports(viewer)
        self.cases = access.visible_cases(viewer)


class Found:
    """The hits of one group by key: a row matched twice keeps its best score and its first reason."""

    def __init__(self):
        self.hits: dict[str, Hit] = {}

    def add(self, hit: Hit) -> None:
        earlier = self.hits.get(hit.key)
        if earlier is None or hit.score > earlier.score:
            self.hits[hit.key] = hit

    def best(self, limit: int) -> list[Hit]:
        return sorted(self.hits.values(), key=lambda hit: -hit.score)[:limit]


def _loading(model) -> tuple:
    """What a hit shows of its row, loaded with it (one statement per match, not one per hit)."""
    return {Report: (so.joinedload(Report.category),), CaseNote: (so.joinedload(CaseNote.case),),
            CaseParty: (so.joinedload(CaseParty.case),), Person: (so.selectinload(Person.addresses),)}.get(model, ())


def _ranked(query: sa.Select, model, condition, score, *, recency, text: str | None = None, value=None,
            words: bool = False, limit: int) -> list[tuple]:
    """(row, score) for the best rows of `query` (already limited by access) that meet `condition`.

    On PostgreSQL the text matches are gathered through their index first (a materialised CTE): asked for the
    newest matching rows directly, the planner may walk the date index and test every row's trigrams or tsvector
    (seconds at a million reports when few rows match). `text` (a name, trigrams): all matches, few, and the
    viewer's access checked on those only. `words` (full text): at most WORD_MATCHES of them, access included."""
    if matching.postgresql() and text is not None:
        found = (sa.select(model.id.label("id"), recency.label("recency")).where(condition)
                 .cte(f"{model.__tablename__}_matches").prefix_with("MATERIALIZED"))
        candidates = (query.where(model.id.in_(sa.select(found.c.id))).with_only_columns(model.id)
                      .order_by(recency.desc()).limit(CANDIDATES))
    elif matching.postgresql() and words:
        found = (query.where(condition).with_only_columns(model.id.label("id"), recency.label("recency"))
                 .limit(WORD_MATCHES).cte(f"{model.__tablename__}_matches").prefix_with("MATERIALIZED"))
        candidates = sa.select(found.c.id).order_by(found.c.recency.desc()).limit(CANDIDATES)
    else:
        candidates = query.where(condition).with_only_columns(model.id).order_by(recency.desc()).limit(CANDIDATES)
    if score is not None:
        rows = db.session.execute(sa.select(model, score).where(model.id.in_(candidates)).options(*_loading(model))
                                  .order_by(score.desc(), recency.desc()).limit(limit)).unique().all()
        return [(row, float(rank or 0)) for row, rank in rows]
    rows = db.session.scalars(sa.select(model).where(model.id.in_(candidates)).options(*_loading(model))
                              .order_by(recency.desc())).unique().all()
    if text is None:
        return [(row, 0.5) for row in rows[:limit]]
    scored = [(row, max((similarity(text, word) for word in _words(value(row))), default=0.0)) for row in rows]
    return sorted([pair for pair in scored if pair[1] >= SQLITE_ALIKE], key=lambda pair: -pair[1])[:limit]


def _words(text: str | None) -> list[str]:
    words = (text or "").split()
    return [*words, " ".join(words)] if words else []


def partner_ids(text: str) -> tuple[int, ...]:
    """Partners by (part of) their name (a short list, no personal data): read once per search (run_search)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return tuple(db.session.scalars(sa.select(Partner.id).where(Partner.name.ilike(f"%{escaped}%", escape="\\"))))


# Reports ---------------------------------------------------------------------------------------------------------

def reports(scope: "Scope", terms: Terms, limit: int) -> list[Hit]:
    query = scope.reports.where(Report.destroyed_at.is_(None))
    found = Found()
    for reason, condition, score, text, value in _report_matches(terms):
        for report, rank in _ranked(query, Report, condition, score, recency=Report.received_at, text=text,
                                    words=reason == "description",
                                    value=value, limit=limit):
            found.add(_report_hit(report, terms, reason, rank))
    return found.best(limit)


def _report_matches(terms: Terms) -> Iterable[tuple]:
    """(reason, condition, score, text to score in Python, value to score) per way a report can match."""
    if terms.kind == "reference":
        yield "reference", Report.reference == terms.reference, sa.literal(2.0), None, None
    elif terms.kind == "signal":
        from_signal = sa.select(SignalenSignal.report_id).where(SignalenSignal.id_display == terms.reference)
        yield "signal", Report.id.in_(from_signal), sa.literal(2.0), None, None
    elif terms.kind == "address":
        yield "address", _address_condition(Report, terms), sa.literal(1.5), None, None
    elif terms.kind == "email":
        yield "email", sa.func.lower(Report.reporter_email) == terms.email, sa.literal(1.5), None, None
    elif terms.kind == "phone":
        yield "phone", Report.reporter_phone.in_(terms.phones), sa.literal(1.5), None, None
    elif terms.kind == "words":
        yield "description", *matching.words("report", Report.id, terms.text), None, None
        # The street and the reporter in one statement (two trigram indexes, OR-ed); which one matched is the
        # better alike of the two (_report_hit).
        (street, street_score), (reporter, reporter_score) = (
            matching.names("report", Report.id, column, terms.text) for column in (Report.street, Report.reporter_name))
        score = None if street_score is None else sa.func.greatest(street_score, reporter_score)
        condition = sa.or_(street, reporter) if matching.postgresql() else street  # SQLite: one FTS table for both
        yield ("name", condition, score, terms.text,
               lambda report: f"{report.street or ''} {report.reporter_name or ''}")
        if partners := terms.partner_ids:
            registered = sa.select(PartnerRegistration.report_id).where(PartnerRegistration.partner_id.in_(partners))
            yield ("partner", sa.or_(Report.referred_partner_id.in_(partners), Report.id.in_(registered)),
                   sa.literal(0.4), None, None)


def _address_condition(model, terms: Terms):
    condition = model.postcode == terms.postcode
    return condition if terms.house_number is None else sa.and_(condition, model.house_number == terms.house_number)


def _report_hit(report: Report, terms: Terms, reason: str, score: float) -> Hit:
    if reason == "name":
        alike = {field: max((similarity(terms.text, word) for word in _words(getattr(report, column))), default=0)
                 for field, column in (("street", "street"), ("reporter", "reporter_name"))}
        reason = "reporter" if alike["reporter"] > alike["street"] else "street"
    snippet = {"description": lambda: report.description_corrected or report.description,
               "reporter": lambda: report.reporter_name, "email": lambda: report.reporter_email,
               "phone": lambda: report.reporter_phone, "partner": lambda: _report_partner(report)}.get(
        reason, lambda: None)()
    return Hit("report", report.reference, mark(report.reference, terms.words), str(MATCHED_ON[reason]),
               snippet=mark(snippet, terms.words, excerpt=True),
               context=((str(_l("Categorie")), report.category.label),
                        (str(_l("Status")), str(labels.REPORT_STATUS_LABELS[report.status]))),
               when=report.received_at, when_label=str(_l("Ontvangen")), score=score,
               address_parts=mark(report.display_address, terms.words if reason in ("street", "address") else ()))


def _report_partner(report: Report) -> str | None:
    if report.registration is not None:
        return report.registration.partner.name
    return report.referred_partner.name if report.referred_partner is not None else None


# Cases -------------------------------------------------------------------------------------------------------------

def cases(scope: "Scope", terms: Terms, limit: int) -> list[Hit]:
    viewer = scope.viewer
    if viewer.role not in ("coordinator", "partner"):
        return []
    visible = scope.cases.where(Case.destroyed_at.is_(None))
    matches: list[tuple] = []
    for reason, model, query, condition, score, text, value in _case_matches(viewer, visible, terms):
        recency = {Case: Case.opened_at, CaseNote: CaseNote.created_at, CaseParty: CaseParty.added_at}[model]
        for row, rank in _ranked(query, model, condition, score, recency=recency, text=text, value=value,
                                 words=reason == "note",
                                 limit=limit):
            matches.append((row if model is Case else row.case, reason, rank,
                            None if model is Case else (row.body if model is CaseNote else row.name)))
    addresses = _case_addresses({case.id for case, *_rest in matches})
    found = Found()
    for case, reason, rank, matched_text in matches:
        found.add(_case_hit(case, terms, reason, rank, matched_text, addresses.get(case.id, "—")))
    return found.best(limit)


def _case_addresses(case_ids: set[int]) -> dict[int, str]:
    """Each case's address: that of its first report (one statement for all hits)."""
    if not case_ids:
        return {}
    first = (sa.select(Report).where(Report.case_id.in_(case_ids))
             .order_by(Report.case_id, Report.received_at.desc()))
    return {report.case_id: report.display_address for report in db.session.scalars(first)}


def _case_matches(viewer: User, visible: sa.Select, terms: Terms) -> Iterable[tuple]:
    if terms.kind == "reference":
        yield "reference", Case, visible, Case.reference == terms.reference, sa.literal(2.0), None, None
    elif terms.kind in ("address", "email", "phone"):
        condition = {"address": lambda: _address_condition(Report, terms),
                     "email": lambda: sa.func.lower(Report.reporter_email) == terms.email,
                     "phone": lambda: Report.reporter_phone.in_(terms.phones)}[terms.kind]()
        in_reports = sa.select(Report.case_id).where(condition, Report.destroyed_at.is_(None))
        yield terms.kind, Case, visible, Case.id.in_(in_reports), sa.literal(1.5), None, None
    elif terms.kind == "words":
        notes = visible.join(CaseNote, CaseNote.case_id == Case.id)
        if viewer.role == "partner":  # partners read only the notes marked shareable (access.notes_for_partner)
            notes = notes.where(CaseNote.shareable)
        yield "note", CaseNote, notes, *matching.words("note", CaseNote.id, terms.text), None, None
        condition, score = matching.names("party", CaseParty.id, CaseParty.name, terms.text)
        yield ("party", CaseParty, visible.join(CaseParty, CaseParty.case_id == Case.id), condition, score,
               terms.text, lambda party: party.name)
        if partners := terms.partner_ids:
            involved = sa.select(CasePartner.case_id).where(CasePartner.partner_id.in_(partners))
            yield "partner", Case, visible, Case.id.in_(involved), sa.literal(0.4), None, None


def _case_hit(case: Case, terms: Terms, reason: str, score: float, matched_text: str | None, address: str) -> Hit:
    if reason == "partner":
        matched_text = ", ".join(link.partner.name for link in case.partners)
    return Hit("case", case.reference, mark(case.reference, terms.words), str(MATCHED_ON[reason]),
               snippet=mark(matched_text, terms.words, excerpt=True),
               context=((str(_l("Status")), str(labels.CASE_STATUS_LABELS[case.status])),
                        (str(_l("Werkwijze")), str(labels.MODE_LABELS.get(case.mode, "—")))),
               when=case.opened_at, when_label=str(_l("Geopend")), score=score,
               address_parts=mark(address, terms.words if reason == "address" else ()))


# People ------------------------------------------------------------------------------------------------------------

def people(scope: "Scope", terms: Terms, limit: int) -> list[Hit]:
    viewer = scope.viewer
    if viewer.role == "intake":
        return _known_people(terms)
    if not can_view_people(viewer):
        return []
    query = sa.select(Person).where(_live_person(), _person_visible(scope))
    found = Found()
    for reason, condition, score, text in _person_matches(terms):
        for person, rank in _ranked(query, Person, condition, score, recency=Person.created_at, text=text,
                                    value=lambda person: person.name, limit=limit):
            found.add(_person_hit(person, terms, reason, rank))
    return found.best(limit)


def _live_person():
    return sa.and_(Person.merged_into_id.is_(None), Person.removed_at.is_(None))


def _person_visible(scope: "Scope"):
    """A person in a case or a report the viewer may open (gdt.services.people.visibility)."""
    one = sa.literal(1)
    in_case = (scope.cases.join(PersonLink, PersonLink.case_id == Case.id)
               .where(PersonLink.person_id == Person.id, Case.destroyed_at.is_(None)).with_only_columns(one))
    in_report = (scope.reports.join(PersonLink, PersonLink.report_id == Report.id)
                 .where(PersonLink.person_id == Person.id, Report.destroyed_at.is_(None)).with_only_columns(one))
    return sa.or_(in_case.exists(), in_report.exists())


def _person_matches(terms: Terms) -> Iterable[tuple]:
    if terms.kind == "words":
        yield "name", *matching.names("person", Person.id, Person.name, terms.text), terms.text
    elif terms.kind == "email":
        yield "email", sa.func.lower(Person.email) == terms.email, sa.literal(1.5), None
    elif terms.kind == "phone":
        yield "phone", Person.phone.in_(terms.phones), sa.literal(1.5), None
    elif terms.kind == "birth_date":
        yield "birth_date", Person.date_of_birth == terms.birth_date, sa.literal(1.5), None
    elif terms.kind == "address":
        living = sa.select(PersonAddress.person_id).where(_address_condition(PersonAddress, terms))
        yield "address", Person.id.in_(living), sa.literal(1.5), None


def _person_hit(person: Person, terms: Terms, reason: str, score: float) -> Hit:
    address = person.addresses[-1] if person.addresses else None
    shown = _address_text(address) if address is not None else "—"
    context = []
    if person.date_of_birth is not None:
        context.append((str(_l("Geboortedatum")), person.date_of_birth.strftime("%d-%m-%Y")))
    return Hit("person", str(person.id), mark(person.name, terms.words), str(MATCHED_ON[reason]),
               snippet=mark({"email": person.email, "phone": person.phone}.get(reason), terms.words),
               context=tuple(context), when=person.created_at, when_label=str(_l("Geregistreerd")), score=score,
               address_parts=mark(shown, terms.words if reason == "address" else ()))


def _known_people(terms: Terms) -> list[Hit]:
    """Intake: how many people the team knows by these terms, nothing more."""
    count = 0
    for _reason, condition, score, text in _person_matches(terms):
        query = sa.select(Person.id).where(_live_person(), condition)
        if score is None and text is not None:  # SQLite: the candidates by trigram, scored here
            names = db.session.scalars(sa.select(Person.name).where(Person.id.in_(query))).all()
            count += sum(1 for name in names if max((similarity(text, w) for w in _words(name)), default=0)
                         >= SQLITE_ALIKE)
        else:
            count += db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    if not count:
        return []
    return [Hit("person", "known", (Part(terms.text),), str(_l("Bekend bij het team")), count=count, linked=False)]


# Addresses ---------------------------------------------------------------------------------------------------------

def addresses(scope: "Scope", terms: Terms, limit: int) -> list[Hit]:
    viewer = scope.viewer
    if viewer.role == "intake":
        return _known_address(terms)
    if viewer.role != "coordinator":
        return []  # partners find the addresses of their own registrations among the reports
    if terms.kind == "address":
        condition = _address_condition(Report, terms)
    elif terms.kind == "words":
        condition, _score = matching.names("report", Report.id, Report.street, terms.text)
    else:
        return []
    visible = scope.reports.where(Report.destroyed_at.is_(None), condition)
    key = (Report.postcode, Report.house_number, Report.house_number_addition)
    rows = db.session.execute(
        visible.with_only_columns(*key, sa.func.max(Report.street), sa.func.max(Report.city), sa.func.count(),
                                  sa.func.max(Report.received_at))
        .group_by(*key).order_by(sa.func.count().desc(), sa.func.max(Report.received_at).desc())
        .limit(limit)).all()
    hits = []
    for postcode, number, addition, street, city, count, latest in rows:
        if terms.kind == "words" and max((similarity(terms.text, w) for w in _words(street)), default=0) < 0.3:
            continue  # SQLite's trigram candidates: only streets alike
        text = _address_text(_Address(postcode, number, addition, street, city))
        hits.append(Hit("address", f"{postcode}{number}{addition or ''}", mark(text, terms.words),
                        str(MATCHED_ON["address" if terms.kind == "address" else "street"]),
                        context=((str(_l("Meldingen")), str(count)),), when=latest,
                        when_label=str(_l("Laatste melding")), count=count, score=1.0))
    return hits


def _known_address(terms: Terms) -> list[Hit]:
    """Intake: that the team knows an address (how many reports and people there), not from which cases."""
    if terms.kind != "address" or terms.house_number is None:
        return []
    reports_there = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(
        _address_condition(Report, terms), Report.destroyed_at.is_(None)))
    people_there = db.session.scalar(sa.select(sa.func.count(sa.distinct(PersonAddress.person_id))).where(
        _address_condition(PersonAddress, terms)))
    count = reports_there + people_there
    if not count:
        return []
    return [Hit("address", "known", (Part(terms.text),), str(_l("Bekend bij het team")), count=count, linked=False,
                context=((str(_l("Meldingen")), str(reports_there)), (str(_l("Personen")), str(people_there))))]


class _Address:
    def __init__(self, postcode, house_number, addition, street, city):
        self.postcode, self.house_number, self.house_number_addition = postcode, house_number, addition
        self.street, self.city = street, city


def _address_text(address) -> str:
    number = f"{address.house_number}{'-' + address.house_number_addition if address.house_number_addition else ''}"
    postcode = f"{address.postcode[:4]} {address.postcode[4:]}" if address.postcode else ""
    street = f"{address.street} " if address.street else ""
    city = f" {address.city}" if address.city else ""
    return f"{street}{number}, {postcode}{city}"

