"""Saved work lists: save a filter or a search by name, share it with the team, rename, delete, pin to /start.

Who: coordinators save the report queue's and the case list's filters and searches; intake clerks the report
queue's filters (their queue) and searches. A list opens for its owner, and a shared one for the coordinators of
the owner's team (every coordinator when the owner has no team; teams: gdt.services.core.teams). Opening a list
shows the viewer what they may see themselves: a shared list never shows more than its page would.

Only the owner renames, shares or deletes; anyone who may open a list pins it on their own start page.

Audit: a filter is no personal data, a search text may be (a name): creating, changing and deleting a saved
search is audited, with field names only (never the text).
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import SavedList, SavedListPin, User
from gdt.services.core import audit
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.core.transaction import check_version, unit_of_work
from gdt.services.worklists import filters
from gdt.validation import InvalidValue, clean_name, clean_text

KINDS_BY_ROLE = {"coordinator": ("reports", "cases", "search"), "intake": ("reports", "search")}
ROLES = tuple(KINDS_BY_ROLE)
NAME_MAX = 80
SEARCH_MAX = 200
MAX_LISTS = 50  # per owner: a work list is a shortcut, not an archive
MAX_PINNED = 8  # per user: the start page stays short and its counts cheap

MISSING = _l("Deze werklijst bestaat niet (meer), of is niet met u gedeeld.")


def kinds_for(user: User) -> tuple[str, ...]:
    return KINDS_BY_ROLE.get(user.role, ())


def may_share(user: User) -> bool:
    """Sharing is among coordinators (a team); an intake clerk's queue is their own."""
    return user.role == "coordinator"


def may_pin(user: User) -> bool:
    """Pinned lists show on the start page (Mijn werk), which coordinators have."""
    return user.role == "coordinator"


def visible_lists(viewer: User) -> sa.Select:
    """The lists `viewer` may open: their own, and the ones a colleague of their team shared, of a kind their
    role has (a coordinator's shared list of cases does not reach an intake clerk)."""
    return (sa.select(SavedList).join(User, User.id == SavedList.owner_id)
            .where(sa.or_(SavedList.owner_id == viewer.id, _shared_with(viewer)),
                   SavedList.kind.in_(kinds_for(viewer))))


def _shared_with(viewer: User) -> sa.ColumnElement[bool]:
    if not may_share(viewer):
        return sa.false()
    same_team = User.team.is_(None) if viewer.team is None else sa.or_(User.team.is_(None), User.team == viewer.team)
    return sa.and_(SavedList.shared_with_team.is_(True), User.role == "coordinator", same_team)


def lists_for(viewer: User) -> list[SavedList]:
    """Own lists first, then the shared ones, each by name."""
    mine = sa.case((SavedList.owner_id == viewer.id, 0), else_=1)
    return list(db.session.scalars(visible_lists(viewer).order_by(mine, sa.func.lower(SavedList.name), SavedList.id)))


def get(viewer: User, list_id: int) -> SavedList:
    """A list `viewer` may open; one that is not theirs to see answers exactly as one that does not exist."""
    found = db.session.scalar(visible_lists(viewer).where(SavedList.id == list_id))
    if found is None:
        raise NotFound(MISSING)
    return found


def get_owned(actor: User, list_id: int) -> SavedList:
    found = get(actor, list_id)
    if found.owner_id != actor.id:
        raise Forbidden(_l("Alleen wie de werklijst heeft bewaard, kan haar wijzigen of verwijderen."))
    return found


def create(owner: User, *, name: str | None, kind: str, raw_filters=None, search_text: str | None = None,
           shared: bool = False) -> SavedList:
    """Save a list. `raw_filters`: the page's request args (only its own filter keys are kept)."""
    if kind not in kinds_for(owner):
        raise ServiceError(_l("Deze lijst kunt u niet bewaren."), field="kind")
    clean = _clean_name(owner, name)
    text = _clean_search(search_text) if kind == "search" else None
    if shared and not may_share(owner):
        raise ServiceError(_l("Alleen regisseurs delen werklijsten met hun team."), field="shared")
    if db.session.scalar(sa.select(sa.func.count()).where(SavedList.owner_id == owner.id)) >= MAX_LISTS:
        raise ServiceError(_l("U heeft al %(max)d werklijsten. Verwijder er eerst een.", max=MAX_LISTS),
                           field="name")
    saved = SavedList(owner=owner, name=clean, kind=kind, search_text=text, shared_with_team=shared,
                      filters=filters.clean(kind, raw_filters or {}))
    with unit_of_work():
        db.session.add(saved)
        db.session.flush()
        _audit(owner, "create", saved, ["name", "search_text", "shared_with_team"])
    return saved


def rename(actor: User, saved: SavedList, name: str | None, *, seen_version) -> SavedList:
    _own(actor, saved)
    check_version(saved, seen_version)
    clean = _clean_name(actor, name, renaming=saved)
    with unit_of_work():
        saved.name = clean
        _audit(actor, "change", saved, ["name"])
    return saved


def set_shared(actor: User, saved: SavedList, shared: bool, *, seen_version) -> SavedList:
    """Share with the team or keep personal again; unsharing takes the list off colleagues' start pages."""
    _own(actor, saved)
    check_version(saved, seen_version)
    if shared and not may_share(actor):
        raise ServiceError(_l("Alleen regisseurs delen werklijsten met hun team."), field="shared")
    with unit_of_work():
        saved.shared_with_team = shared
        if not shared:
            db.session.execute(sa.delete(SavedListPin).where(SavedListPin.list_id == saved.id,
                                                             SavedListPin.user_id != actor.id))
        _audit(actor, "change", saved, ["shared_with_team"])
    return saved


def delete(actor: User, saved: SavedList, *, seen_version) -> None:
    _own(actor, saved)
    check_version(saved, seen_version)
    with unit_of_work():
        _audit(actor, "delete", saved, ["name", "search_text"])
        db.session.execute(sa.delete(SavedListPin).where(SavedListPin.list_id == saved.id))
        db.session.delete(saved)


def is_pinned(user: User, saved: SavedList) -> bool:
    return db.session.get(SavedListPin, (user.id, saved.id)) is not None


def pinned_ids(user: User) -> set[int]:
    return set(db.session.scalars(sa.select(SavedListPin.list_id).where(SavedListPin.user_id == user.id)))


def pin(user: User, saved: SavedList) -> None:
    get(user, saved.id)  # only a list the user may open
    if not may_pin(user):
        raise ServiceError(_l("Alleen regisseurs hebben een startpagina met werklijsten."), field="pinned")
    if is_pinned(user, saved):
        return
    if len(pinned_ids(user)) >= MAX_PINNED:
        raise ServiceError(_l("Er staan al %(max)d werklijsten op uw startpagina. Haal er eerst een af.",
                              max=MAX_PINNED), field="pinned")
    with unit_of_work():
        db.session.add(SavedListPin(user_id=user.id, list_id=saved.id))


def unpin(user: User, saved: SavedList) -> None:
    with unit_of_work():
        db.session.execute(sa.delete(SavedListPin).where(SavedListPin.user_id == user.id,
                                                         SavedListPin.list_id == saved.id))


def pinned(viewer: User) -> list[SavedList]:
    """The lists on `viewer`'s start page, in the order they were pinned; a list no longer shared with them (or
    of a kind their role lost) is left out."""
    query = (visible_lists(viewer).join(SavedListPin, sa.and_(SavedListPin.list_id == SavedList.id,
                                                              SavedListPin.user_id == viewer.id))
             .order_by(SavedListPin.pinned_at, SavedList.id))
    return list(db.session.scalars(query))


def search_text(viewer: User, list_id: int) -> str:
    """The text of a saved search `viewer` may open, for the search page to run it (the text stays out of URLs)."""
    saved = get(viewer, list_id)
    if saved.kind != "search":
        raise NotFound(MISSING)
    return saved.search_text


def _own(actor: User, saved: SavedList) -> None:
    if saved.owner_id != actor.id:
        raise Forbidden(_l("Alleen wie de werklijst heeft bewaard, kan haar wijzigen of verwijderen."))


def _clean_name(owner: User, raw: str | None, *, renaming: SavedList | None = None) -> str:
    try:
        name = clean_name(raw, max_length=NAME_MAX)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="name") from invalid
    if not name:
        raise ServiceError(_l("Geef de werklijst een naam, zoals Geluidsoverlast te laat."), field="name")
    taken = sa.select(SavedList.id).where(SavedList.owner_id == owner.id, SavedList.name == name)
    if renaming is not None:
        taken = taken.where(SavedList.id != renaming.id)
    if db.session.scalar(taken) is not None:
        raise ServiceError(_l("U heeft al een werklijst met deze naam. Kies een andere naam."), field="name")
    return name


def _clean_search(raw: str | None) -> str:
    try:
        text = clean_text(raw, max_length=SEARCH_MAX, multiline=False)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="search_text") from invalid
    if not text:
        raise ServiceError(_l("Er is geen zoekopdracht om te bewaren."), field="search_text")
    return text


def _audit(actor: User, verb: str, saved: SavedList, fields: list[str]) -> None:
    """Only a saved search can hold personal data (a name in its text); a filter holds none."""
    if saved.kind == "search":
        audit.record(actor, f"{verb}_saved_search", "saved_list", str(saved.id), detail={"fields": fields})
