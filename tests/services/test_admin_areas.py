"""The admin's wijk and buurt names: the list by wijk with its buurten and report counts, the search, a new code
(CBS rules), renaming, removing, and the history and audit of each change, an import's included."""
import pytest
import sqlalchemy as sa

from gdt.models import Area, AuditEvent, ReferenceChange
from gdt.services.admin import areas
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed

NAMES = {"WK077201": "Centrum", "BU07720101": "Binnenstad", "BU07720102": "Witte Dame",
         "WK077202": "Stratum", "BU07720201": "Tuindorp", "BU07720202": "Schrijversbuurt",
         "BU07720301": "Muschberg"}  # a buurt whose wijk (WK077203) has no name


@pytest.fixture
def named(db):
    db.session.add_all(Area(code=code, name=name) for code, name in NAMES.items())
    db.session.commit()


@pytest.fixture
def admin(make):
    return make.user("admin")


def shown(page) -> list[tuple]:
    return [((group.wijk.code, group.wijk.name, group.wijk.reports),
             [(buurt.code, buurt.name, buurt.reports) for buurt in group.buurten]) for group in page.items]


def changes(db, code: str) -> list[tuple]:
    return db.session.execute(sa.select(ReferenceChange.action, ReferenceChange.changes, ReferenceChange.actor_id)
                              .where(ReferenceChange.object_type == "area", ReferenceChange.object_key == code)
                              .order_by(ReferenceChange.id)).all()


def audited(db) -> list[tuple]:
    return db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_ref).where(
        AuditEvent.object_type == "area").order_by(AuditEvent.id)).all()


# --- the list ---------------------------------------------------------------------------------------------------

def test_the_list_groups_the_buurten_under_their_wijk_with_report_counts(db, make, named):
    for wijk, buurt in (("WK077201", "BU07720101"), ("WK077201", "BU07720101"), ("WK077201", None),
                        ("WK077203", "BU07720301"), ("WK077299", "BU07729901")):
        make.report(wijk_code=wijk, buurt_code=buurt)
    page = areas.list_areas(None, {})
    assert shown(page) == [
        (("WK077201", "Centrum", 3), [("BU07720101", "Binnenstad", 2), ("BU07720102", "Witte Dame", 0)]),
        (("WK077202", "Stratum", 0), [("BU07720201", "Tuindorp", 0), ("BU07720202", "Schrijversbuurt", 0)]),
        (("WK077203", None, 1), [("BU07720301", "Muschberg", 1)]),
    ]
    assert page.total == 3 and areas.totals() == {"wijken": 2, "buurten": 5}


def test_the_report_counts_come_from_one_group_by(db, make, named):
    make.report(wijk_code="WK077201", buurt_code="BU07720101")
    statements = []

    def count(conn, cursor, statement, *args):
        if "FROM reports" in statement:
            statements.append(statement)

    engine = db.session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        areas.list_areas(None, {})
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1 and "GROUP BY" in statements[0]


@pytest.mark.parametrize(("search", "expected"), [
    ("witte", [("WK077201", ["BU07720102"])]),  # a buurt's name: its wijk with that buurt only
    ("STRATUM", [("WK077202", ["BU07720201", "BU07720202"])]),  # a wijk's name: all its buurten
    ("bu077203", [("WK077203", ["BU07720301"])]),  # a code
    ("  centrum  ", [("WK077201", ["BU07720101", "BU07720102"])]),
    ("%", []),  # no wildcard
    ("_", []),
])
def test_the_search_finds_names_and_codes(db, named, search, expected):
    page = areas.list_areas(search, {})
    assert [(group.wijk.code, [buurt.code for buurt in group.buurten]) for group in page.items] == expected


def test_the_list_pages_by_wijk(db):
    db.session.add_all(Area(code=f"WK0772{n:02d}", name=f"Wijk {n}") for n in range(1, 24))
    db.session.add(Area(code="BU07722301", name="Buurt van 23"))
    db.session.commit()
    first, last = areas.list_areas(None, {}), areas.list_areas(None, {"page": "99"})
    assert (first.pages, len(first.items), first.items[0].wijk.code) == (3, 10, "WK077201")
    assert [group.wijk.code for group in last.items] == ["WK077221", "WK077222", "WK077223"]
    assert [buurt.code for buurt in last.items[-1].buurten] == ["BU07722301"]


# --- new, rename, remove ----------------------------------------------------------------------------------------

def test_a_new_code_is_stored_upper_cased_with_history_and_audit(db, admin):
    area = areas.create_area(" wk077205 ", " Gestel ", actor=admin)
    assert (area.code, area.name) == ("WK077205", "Gestel")
    assert changes(db, "WK077205") == [("create", {"name": [None, "Gestel"]}, admin.id)]
    assert audited(db) == [("create", "WK077205")]


@pytest.mark.parametrize("code", ["WK07720", "WK0772011", "BU0772011", "BU0772011A", "WK07720A", "GM0772", "",
                                  "WK 077201"])
def test_a_code_that_is_no_cbs_wijk_or_buurt_code_is_refused(db, code):
    with pytest.raises(ValidationFailed) as refused:
        areas.create_area(code, "Naam", actor=None)
    assert set(refused.value.errors) == {"code"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Area)) == 0


def test_a_name_is_required_and_at_most_100_characters(db):
    for name in ("", "   ", "x" * 101):
        with pytest.raises(ValidationFailed) as refused:
            areas.create_area("WK077201", name, actor=None)
        assert set(refused.value.errors) == {"name"}


def test_a_code_that_has_a_name_already_is_refused_naming_it(db, named):
    with pytest.raises(ServiceError) as refused:
        areas.create_area("WK077201", "Centrum-Oost", actor=None)
    assert refused.value.field == "code" and "Centrum" in str(refused.value.message)


def test_renaming_keeps_the_old_and_new_name_and_an_unchanged_name_leaves_no_trace(db, named, admin):
    area = areas.get_area("wk077201")
    areas.rename_area(area, "Centrum-Oost", actor=admin)
    areas.rename_area(area, "Centrum-Oost", actor=admin)
    assert changes(db, "WK077201") == [("update", {"name": ["Centrum", "Centrum-Oost"]}, admin.id)]
    assert audited(db) == [("update", "WK077201")]
    assert [(line.what, line.details) for line in areas.history("WK077201")] == [
        ("Gewijzigd", ("Naam: Centrum → Centrum-Oost",))]


def test_removing_a_name_leaves_the_reports_their_code(db, make, named, admin):
    report = make.report(wijk_code="WK077201", buurt_code="BU07720101")
    assert areas.reports_with("WK077201") == 1 and areas.reports_with("BU07720101") == 1
    areas.delete_area(areas.get_area("WK077201"), actor=admin)
    with pytest.raises(NotFound):
        areas.get_area("WK077201")
    db.session.refresh(report)
    assert report.wijk_code == "WK077201"
    assert changes(db, "WK077201") == [("delete", {"name": ["Centrum", None]}, admin.id)]
    assert [(line.what, line.details) for line in areas.history("WK077201")] == [("Verwijderd", ("Naam: Centrum",))]
    assert audited(db) == [("delete", "WK077201")]


# --- import -----------------------------------------------------------------------------------------------------

def test_an_import_keeps_one_history_row_per_code_it_added_or_renamed(db, tmp_path, admin, named):
    path = tmp_path / "gebieden.csv"
    path.write_text("code;naam\nWK077201;Centrum\nBU07720101;Binnenstad-Noord\nWK077203;Tongelre\n")
    summary = areas.import_areas(path, actor=admin)
    assert (summary.added, summary.renamed, summary.unchanged) == (1, 1, 1)
    imported = db.session.execute(sa.select(ReferenceChange.object_key, ReferenceChange.action, ReferenceChange.changes)
                                  .where(ReferenceChange.object_type == "area").order_by(ReferenceChange.id)).all()
    assert imported == [("BU07720101", "import", {"name": ["Binnenstad", "Binnenstad-Noord"]}),
                        ("WK077203", "import", {"name": [None, "Tongelre"]})]
    assert [(line.what, line.details, line.who) for line in areas.history("WK077203")] == [
        ("Geïmporteerd", ("Naam: Tongelre",), admin.name)]
    assert areas.history("BU07720101")[0].details == ("Naam: Binnenstad → Binnenstad-Noord",)


def test_the_command_line_import_is_in_the_history_too(runner, db, tmp_path):
    path = tmp_path / "gebieden.csv"
    path.write_text("code,naam\nWK077201,Centrum\n")
    assert runner.invoke(args=["areas", "import", str(path)]).exit_code == 0
    assert [(line.what, line.who) for line in areas.history("WK077201")] == [
        ("Geïmporteerd", "beheerder via de opdrachtregel")]
