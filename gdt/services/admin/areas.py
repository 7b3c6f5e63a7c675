"""Wijk and buurt names (admin only): the list by wijk with its buurten, a new code with its name, renaming,
removing, and importing a file (the pages and `flask areas import`).

An area is only the name of a CBS code: reports keep their codes whatever happens here, and a code without a name
is shown bare in the statistics, so removing one is harmless. Every change is audited and kept in the history with
its values; an import keeps one history row (action "import") per code it added or renamed.
Code and name rules and reading a file are gdt.services.core.areas's.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_sqlalchemy.pagination import Pagination

from gdt.db import db
from gdt.models import Area, Report, User
from gdt.services.admin import reference_history
from gdt.services.core import areas, audit, pagination
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.validation import clean_fields

WIJKEN_PER_PAGE = 10
SEARCH_MAX = 100
HISTORY_LABELS = {"name": _l("Naam")}
# The wijk of each row: a wijk's own code, or WK + a buurt's municipality and wijk digits (areas.wijk_of in SQL).
_WIJK = sa.case((Area.code.like("BU%"), sa.literal("WK", sa.String).concat(sa.func.substr(Area.code, 3, 6))),
                else_=Area.code)


@dataclass(frozen=True)
class AreaRow:
    code: str
    name: str | None  # None: a wijk that has buurten with names but no name itself
    reports: int  # reports carrying this code


@dataclass(frozen=True)
class WijkGroup:
    wijk: AreaRow
    buurten: list[AreaRow]


@dataclass(frozen=True)
class AreaImportSummary:
    added: int
    renamed: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.added + self.renamed + self.unchanged


def list_areas(search: str | None, args: Mapping[str, str], *, per_page: int = WIJKEN_PER_PAGE) -> Pagination:
    """A page of `per_page` wijken by code, each with its buurten (`page.items` are WijkGroups), and how many
    reports carry each code. With `search` (part of a name or code), the wijken that match or have a buurt that
    matches; a matching wijk shows all its buurten, otherwise only the buurten that match."""
    search = clean_search(search)
    wijken = sa.select(_WIJK).group_by(_WIJK).order_by(_WIJK)
    if search:
        wijken = wijken.where(_matches(search))
    page = pagination.page_of(wijken, args, per_page=per_page)
    page.items = _groups(list(page.items), search)
    return page


def totals() -> dict[str, int]:
    """How many wijken and buurten have a name."""
    wijken, buurten = db.session.execute(sa.select(sa.func.count().filter(Area.code.like("WK%")),
                                                   sa.func.count().filter(Area.code.like("BU%")))).one()
    return {"wijken": wijken, "buurten": buurten}


def clean_search(raw: str | None) -> str:
    return " ".join((raw or "").split())[:SEARCH_MAX]


def get_area(code: str) -> Area:
    area = db.session.scalar(sa.select(Area).where(Area.code == (code or "").strip().upper()))
    if area is None:
        raise NotFound(_l("Deze code heeft geen naam (meer)."))
    return area


def wijk_row(code: str) -> AreaRow | None:
    """The wijk a buurt code belongs to, with its name if it has one (None for a wijk code)."""
    if not code.startswith("BU"):
        return None
    wijk = areas.wijk_of(code)
    return AreaRow(wijk, areas.area_names([wijk]).get(wijk), reports_with(wijk))


def reports_with(code: str) -> int:
    """How many reports carry this wijk or buurt code."""
    column = Report.buurt_code if code.startswith("BU") else Report.wijk_code
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(column == code))


def create_area(code: str | None, name: str | None, *, actor: User | None) -> Area:
    fields = _clean(code=code, name=name)
    with unit_of_work():
        existing = db.session.scalar(sa.select(Area).where(Area.code == fields["code"]))
        if existing is not None:
            raise ServiceError(_l("Code %(code)s heeft al een naam: %(name)s. Wijzig die naam in de lijst.",
                                  code=existing.code, name=existing.name), field="code")
        area = Area(**fields)
        db.session.add(area)
        reference_history.record_change(actor, "area", area.code, "create", after={"name": area.name})
        audit.record(actor, "create", "area", area.code)
    return area


def rename_area(area: Area, name: str | None, *, actor: User | None) -> Area:
    fields = _clean(name=name)
    with unit_of_work():
        before = area.name
        area.name = fields["name"]
        if reference_history.record_change(actor, "area", area.code, "update", before={"name": before},
                                           after={"name": area.name}) is not None:
            audit.record(actor, "update", "area", area.code, detail={"fields": ["name"]})
    return area


def delete_area(area: Area, *, actor: User | None) -> None:
    """Remove the name; reports keep the code, which the statistics then show bare."""
    with unit_of_work():
        reference_history.record_change(actor, "area", area.code, "delete", before={"name": area.name})
        audit.record(actor, "delete", "area", area.code)
        db.session.delete(area)


def import_areas(path: Path, *, actor: User | None) -> AreaImportSummary:
    """A CSV or XLSX file with the columns `code` and `naam`, all or nothing (areas.read_area_file lists every
    problem): a code already known gets the file's name, codes not in the file keep theirs, nothing is deleted."""
    names = areas.read_area_file(Path(path))
    added = renamed = 0
    with unit_of_work():
        # The whole table in one query: a filter on every code of a national file needs too many bind parameters.
        stored = {area.code: area for area in db.session.scalars(sa.select(Area))}
        for code, name in names.items():
            area = stored.get(code)
            if area is not None and area.name == name:
                continue
            reference_history.record_change(actor, "area", code, "import",
                                            before={"name": area.name if area is not None else None},
                                            after={"name": name})
            if area is None:
                db.session.add(Area(code=code, name=name))
                added += 1
            else:
                area.name = name
                renamed += 1
        summary = AreaImportSummary(added=added, renamed=renamed, unchanged=len(names) - added - renamed)
        audit.record(actor, "import", "area", None,
                     detail={"added": added, "renamed": renamed, "unchanged": summary.unchanged})
    return summary


def history(code: str) -> list[reference_history.ChangeLine]:
    return reference_history.change_lines("area", code, labels=HISTORY_LABELS)


def _matches(search: str) -> sa.ColumnElement[bool]:
    return sa.or_(Area.name.icontains(search, autoescape=True), Area.code.icontains(search, autoescape=True))


def _text_matches(search: str, *texts: str | None) -> bool:
    return any(search.casefold() in text.casefold() for text in texts if text)


def _groups(wijk_codes: list[str], search: str) -> list[WijkGroup]:
    if not wijk_codes:
        return []
    rows = db.session.execute(sa.select(Area.code, Area.name).where(sa.or_(
        Area.code.in_(wijk_codes), *(Area.code.startswith(f"BU{code[2:]}", autoescape=True) for code in wijk_codes)
    )).order_by(Area.code)).all()
    wijk_counts, buurt_counts = _report_counts(wijk_codes)
    names = dict(rows)
    groups = []
    for wijk in wijk_codes:
        show_all = not search or _text_matches(search, wijk, names.get(wijk))
        buurten = [AreaRow(code, name, buurt_counts.get(code, 0)) for code, name in rows
                   if code.startswith("BU") and areas.wijk_of(code) == wijk
                   and (show_all or _text_matches(search, code, name))]
        groups.append(WijkGroup(AreaRow(wijk, names.get(wijk), wijk_counts.get(wijk, 0)), buurten))
    return groups


def _report_counts(wijk_codes: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Reports per wijk and per buurt of these wijken, from one GROUP BY."""
    wijken: dict[str, int] = {}
    buurten: dict[str, int] = {}
    for wijk, buurt, count in db.session.execute(
            sa.select(Report.wijk_code, Report.buurt_code, sa.func.count()).where(Report.wijk_code.in_(wijk_codes))
            .group_by(Report.wijk_code, Report.buurt_code)):
        wijken[wijk] = wijken.get(wijk, 0) + count
        if buurt:
            buurten[buurt] = buurten.get(buurt, 0) + count
    return wijken, buurten


def _clean(**raw) -> dict:
    fields, errors = clean_fields({"code": areas.clean_code, "name": areas.clean_name}, raw)
    if errors:
        raise ValidationFailed(errors)
    return fields
