"""Names of CBS wijken and buurten: the import of `flask areas import` and the admin's page (both separators, BOM,
idempotent, every problem with its line, nothing changed on error, one history row per changed code) and the demo's
names."""
import sqlalchemy as sa

from gdt.models import Area, AuditEvent
from gdt.services.admin import areas as admin_areas
from gdt.services.core import areas
from gdt.services.core.import_reader import ImportFailed

GOOD = "code;naam\nWK077201;Centrum\nBU07720110;Witte Dame\nbu07720111;  Binnenstad \n"


def stored(db) -> dict[str, str]:
    return dict(db.session.execute(sa.select(Area.code, Area.name)).all())


def write(tmp_path, text: str, *, name: str = "gebieden.csv", bom: bool = False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_a_semicolon_file_with_a_bom_is_read(db, tmp_path):
    summary = admin_areas.import_areas(write(tmp_path, GOOD, bom=True), actor=None)
    assert (summary.added, summary.renamed, summary.unchanged) == (3, 0, 0)
    assert stored(db) == {"WK077201": "Centrum", "BU07720110": "Witte Dame", "BU07720111": "Binnenstad"}


def test_a_comma_file_without_a_bom_is_read_with_quoted_names(db, tmp_path):
    text = 'Code,Naam\r\nWK077202,"Stratum, Tuindorp"\r\nBU07720201,Schrijversbuurt\r\n'
    admin_areas.import_areas(write(tmp_path, text), actor=None)
    assert stored(db) == {"WK077202": "Stratum, Tuindorp", "BU07720201": "Schrijversbuurt"}


def test_importing_again_renames_and_counts_and_keeps_codes_not_in_the_file(db, tmp_path):
    admin_areas.import_areas(write(tmp_path, GOOD), actor=None)
    again = "code;naam\nWK077201;Centrum\nBU07720110;De Witte Dame\nWK077203;Tongelre\n"
    summary = admin_areas.import_areas(write(tmp_path, again), actor=None)
    assert (summary.added, summary.renamed, summary.unchanged, summary.total) == (1, 1, 1, 3)
    assert stored(db) == {"WK077201": "Centrum", "BU07720110": "De Witte Dame", "BU07720111": "Binnenstad",
                          "WK077203": "Tongelre"}
    same = admin_areas.import_areas(write(tmp_path, again), actor=None)
    assert (same.added, same.renamed, same.unchanged) == (0, 0, 3)


def test_every_problem_is_listed_with_its_line_and_nothing_changes(db, tmp_path):
    admin_areas.import_areas(write(tmp_path, "code;naam\nWK077201;Centrum\n"), actor=None)
    text = ("code;naam\n"
            "WK077201;Nieuwe naam\n"  # would rename, but the file has problems
            "GM0772;Eindhoven\n"  # a municipality, not a wijk or buurt
            "BU0772011;Te kort\n"
            "WK077204;\n"
            "\n"  # a blank line is skipped
            ";Zonder code\n"
            "WK077201;Dubbel\n"
            f"WK077205;{'x' * 101}\n"
            "WK077206;Regel\x07met belletje\n")
    try:
        admin_areas.import_areas(write(tmp_path, text), actor=None)
    except ImportFailed as failed:
        problems = [(problem.row, problem.column) for problem in failed.errors]
        messages = {(problem.row, problem.column): problem.message for problem in failed.errors}
    else:
        raise AssertionError("the file should have been refused")
    assert problems == [(3, "code"), (4, "code"), (5, "naam"), (7, "code"), (8, "code"), (9, "naam"), (10, "naam")]
    assert "WK077201" in messages[(3, "code")] and "BU07720110" in messages[(3, "code")]
    assert messages[(8, "code")] == "Deze code staat al in regel 2."
    assert messages[(9, "naam")] == "Gebruik hoogstens 100 tekens."
    assert stored(db) == {"WK077201": "Centrum"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1  # the first import only


def test_a_wrong_header_or_an_empty_file_is_refused(db, tmp_path):
    for text, column, message in (("code;name\nWK077201;Centrum\n", "name", "Onbekende kolom"),
                                  ("code\nWK077201\n", "naam", "ontbreekt"),
                                  ("code;naam\n", "(bestand)", "geen wijken of buurten")):
        try:
            admin_areas.import_areas(write(tmp_path, text), actor=None)
        except ImportFailed as failed:
            assert any(problem.column == column and message in problem.message for problem in failed.errors), text
        else:
            raise AssertionError(text)
    assert stored(db) == {}


def test_a_file_that_is_not_utf8_is_refused(db, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("code;naam\nWK077201;Gestel-Zuid é\n".encode("latin-1"))
    try:
        admin_areas.import_areas(path, actor=None)
    except ImportFailed as failed:
        assert "UTF-8" in failed.errors[0].message and failed.errors[0].row == 1
    else:
        raise AssertionError("latin-1 should have been refused")
    assert stored(db) == {}


def test_the_import_is_audited_with_its_counts(db, make, tmp_path):
    admin = make.user("admin")
    admin_areas.import_areas(write(tmp_path, GOOD), actor=admin)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.object_type == "area"))
    assert (event.actor_id, event.action, event.detail) == (admin.id, "import", {"added": 3, "renamed": 0,
                                                                                 "unchanged": 0})


def test_names_are_looked_up_for_the_codes_asked(db, tmp_path):
    admin_areas.import_areas(write(tmp_path, GOOD), actor=None)
    assert areas.area_names(["WK077201", "BU07720110", "WK077299", None]) == {
        "WK077201": "Centrum", "BU07720110": "Witte Dame"}
    assert areas.area_names([]) == {}


def test_missing_names_are_added_and_stored_ones_kept(db, tmp_path):
    admin_areas.import_areas(write(tmp_path, "code;naam\nWK077201;Centrum (eigen naam)\n"), actor=None)
    added = areas.add_missing_names({"WK077201": "Centrum", "WK077202": "Stratum"}, actor=None)
    assert added == 1 and stored(db) == {"WK077201": "Centrum (eigen naam)", "WK077202": "Stratum"}


# --- the command -----------------------------------------------------------------------------------

def test_the_command_reports_what_it_did(runner, db, tmp_path):
    result = runner.invoke(args=["areas", "import", str(write(tmp_path, GOOD, bom=True))])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Read 3 areas: 3 added, 0 renamed, 0 unchanged."
    again = runner.invoke(args=["areas", "import", str(write(tmp_path, "code,naam\nWK077201,Centrum-Oost\n"))])
    assert again.output.strip() == "Read 1 areas: 0 added, 1 renamed, 0 unchanged."
    assert stored(db)["WK077201"] == "Centrum-Oost"


def test_the_command_names_each_line_and_changes_nothing(runner, db, tmp_path):
    result = runner.invoke(args=["areas", "import", str(write(tmp_path, "code;naam\nWK077201;Centrum\nXX;Fout\n"))])
    assert result.exit_code == 1
    assert "line 3, column code: Geen CBS-wijkcode" in result.stderr
    assert "1 error(s); nothing was changed" in result.stderr and "Traceback" not in result.output
    assert stored(db) == {}
