"""Legal holds (bewaarplicht, juridische blokkade): a case that must not be destroyed or anonymised while one is in
force, for a court case, a complaint or an enquiry.

A hold is in force from when it is placed until it is lifted or its `until` day has passed (the `until` day itself
still counts). Destruction (`held_case_ids`), anonymisation and an erasure on a request (`in_force`) ask here. The
coordinators who may see the case, the archivist and the privacy officer place and lift holds; each is audited
and stays on record after it is lifted (who, when, why).
"""
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Case, User
from gdt.models.retention import LegalHold
from gdt.services.core import access, audit
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.core.transaction import unit_of_work
from gdt.services.core.working_days import today
from gdt.validation import InvalidValue, clean_text

REASON_MAX = 500
MANAGING_ROLES = ("archivist", "privacy")  # besides the coordinators who may see the case


def in_force_condition(on: date) -> sa.ColumnElement[bool]:
    return sa.and_(LegalHold.lifted_at.is_(None), sa.or_(LegalHold.until.is_(None), LegalHold.until >= on))


def held_case_ids(on: date) -> sa.Select:
    """The ids of the cases with a hold in force on `on` (a subquery for `NOT IN`)."""
    return sa.select(LegalHold.case_id).where(in_force_condition(on))


def in_force(case_id: int, on: date | None = None) -> bool:
    """Whether a hold is in force on case `case_id` on `on` (default today)."""
    return db.session.scalar(sa.select(sa.exists().where(
        LegalHold.case_id == case_id, in_force_condition(on or today())))) is True


def holds_of(case: Case, on: date | None = None) -> list[LegalHold]:
    """The holds in force on `case`, oldest first."""
    return list(db.session.scalars(sa.select(LegalHold).where(
        LegalHold.case_id == case.id, in_force_condition(on or today())).order_by(LegalHold.placed_at, LegalHold.id)))


@dataclass(frozen=True)
class HoldLine:
    """One hold on the archivist's list: the case's reference, never its content."""

    hold: LegalHold
    case_reference: str
    placed_by: str


def all_in_force(on: date | None = None) -> sa.Select:
    """Every hold in force, longest-standing first (for a page of them: `lines`)."""
    return sa.select(LegalHold).where(in_force_condition(on or today())).order_by(LegalHold.placed_at, LegalHold.id)


def lines(found: list[LegalHold]) -> list[HoldLine]:
    """The holds with their case's reference and who placed them: two queries for the lot."""
    references = dict(db.session.execute(sa.select(Case.id, Case.reference).where(
        Case.id.in_({hold.case_id for hold in found}))).all())
    names = dict(db.session.execute(sa.select(User.id, User.name).where(
        User.id.in_({hold.placed_by_id for hold in found}))).all())
    return [HoldLine(hold, references[hold.case_id], names[hold.placed_by_id]) for hold in found]


def view_list(*, actor: User) -> None:
    """Record that `actor` looked at the holds in force (references and reasons: still audited)."""
    audit.record_now(actor, "view", "legal_holds")


def may_manage(actor: User, case: Case) -> bool:
    """The archivist, the privacy officer, and a coordinator who may see the case."""
    return actor.role in MANAGING_ROLES or (actor.role == "coordinator" and access.can_view_case(actor, case))


def find_case(reference: str | None) -> Case:
    case = db.session.scalar(sa.select(Case).where(Case.reference == (reference or "").strip().upper()))
    if case is None:
        raise NotFound(_l("Er is geen casus met dit kenmerk."), field="case")
    return case


def find(hold_id: int) -> LegalHold:
    hold = db.session.get(LegalHold, hold_id)
    if hold is None:
        raise NotFound(_l("Deze bewaarplicht bestaat niet."))
    return hold


def place(case: Case, *, reason: str | None, until: date | None, actor: User) -> LegalHold:
    """Place a hold on `case`: a reason is required; `until` (optional) may not lie in the past."""
    if not may_manage(actor, case):
        raise Forbidden(_l("U mag op deze casus geen bewaarplicht plaatsen."))
    try:
        reason = clean_text(reason, max_length=REASON_MAX)
    except InvalidValue as invalid:
        raise ServiceError(str(invalid.message), field="reason") from invalid
    if not reason:
        raise ServiceError(_l("Geef de reden van de bewaarplicht, zoals: lopende rechtszaak of klachtprocedure."),
                           field="reason")
    if until is not None and until < today():
        raise ServiceError(_l("Kies een einddatum vanaf vandaag, of laat het veld leeg tot de bewaarplicht wordt "
                              "opgeheven."), field="until")
    if case.destroyed_at is not None:
        raise ServiceError(_l("Deze casus is al vernietigd."), code="destroyed")
    with unit_of_work():
        hold = LegalHold(case_id=case.id, reason=reason, until=until, placed_by_id=actor.id, placed_at=utcnow())
        db.session.add(hold)
        db.session.flush()
        audit.record(actor, "legal_hold_place", "case", case.reference,
                     detail={"hold": hold.id, "until": until.isoformat() if until else None})
    return hold


def lift(hold: LegalHold, *, actor: User) -> LegalHold:
    """Lift a hold; it stays on record with who lifted it and when."""
    case = db.session.get(Case, hold.case_id)
    if not may_manage(actor, case):
        raise Forbidden(_l("U mag deze bewaarplicht niet opheffen."))
    with unit_of_work():
        db.session.refresh(hold, with_for_update=True)
        if hold.lifted_at is not None:
            raise ServiceError(_l("Deze bewaarplicht is al opgeheven."), code="lifted")
        hold.lifted_at, hold.lifted_by_id = utcnow(), actor.id
        audit.record(actor, "legal_hold_lift", "case", case.reference, detail={"hold": hold.id})
    return hold


def placed_on(hold: LegalHold) -> datetime:
    return hold.placed_at.astimezone(AMSTERDAM)
