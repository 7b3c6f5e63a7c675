"""Admin pages for the names of wijken and buurten: the grouped list with report counts and a search, a new code,
renaming with the history, removing after a confirmation, and importing a file with every refused line listed."""
import io

import openpyxl
import pytest
import sqlalchemy as sa

from gdt.models import Area


@pytest.fixture
def admin(make):
    return make.user("admin")


@pytest.fixture
def client(client_as, admin):
    return client_as(user=admin)


@pytest.fixture
def named(db):
    db.session.add_all([Area(code="WK077201", name="Centrum"), Area(code="BU07720101", name="Binnenstad"),
                        Area(code="BU07720102", name="Witte Dame"), Area(code="BU07720301", name="Muschberg")])
    db.session.commit()


def stored(db) -> dict[str, str]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(Area.code, Area.name)).all())


def upload(client, content: bytes, name: str = "gebieden.csv"):
    return client.post("/admin/areas/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_the_list_shows_each_wijk_with_its_buurten_and_report_counts(client, make, named):
    make.report(wijk_code="WK077201", buurt_code="BU07720102")
    page = client.get("/admin/areas").text
    rows = page[page.index("<tbody"):page.index("</table>")]
    order = [rows.index(code) for code in ("WK077201", "BU07720101", "BU07720102", "WK077203", "BU07720301")]
    assert order == sorted(order)
    assert 'href="/admin/areas/BU07720102">Witte Dame</a>' in rows
    assert 'data-label="Meldingen">1</td>' in rows
    # A wijk without a name of its own: offered to be named, with its code filled in.
    assert 'href="/admin/areas/new?code=WK077203"' in rows
    assert "1 wijk en 3 buurten hebben een naam." in page


def test_the_search_keeps_the_wijk_and_the_matching_buurten(client, named):
    page = client.get("/admin/areas?q=witte").text
    rows = page[page.index("<tbody"):page.index("</table>")]
    assert "Witte Dame" in rows and "Centrum" in rows and "Binnenstad" not in rows and "Muschberg" not in rows
    assert 'value="witte"' in page and "passen bij ‘witte’" in page
    assert "Geen wijk of buurt gevonden" in client.get("/admin/areas?q=nergens").text


def test_a_new_name_for_a_code(client, db, named):
    assert 'value="WK077203"' in client.get("/admin/areas/new?code=WK077203").text
    response = client.post("/admin/areas/new", data={"code": "wk077203", "name": "Tongelre"})
    assert response.status_code == 302 and response.location.endswith("/admin/areas?q=WK077203")
    assert stored(db)["WK077203"] == "Tongelre"
    assert "WK077203 heet nu Tongelre." in client.get(response.location).text


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"code": "WK07720", "name": "Te kort"}, "code", "WK + 6 cijfers"),
    ({"code": "BU0772010A", "name": "Met een letter"}, "code", "BU + 8 cijfers"),
    ({"code": "WK077201", "name": "Dubbel"}, "code", "heeft al een naam: Centrum"),
    ({"code": "WK077209", "name": ""}, "name", "Vul de naam"),
])
def test_a_refused_code_or_name_is_shown_at_its_field(client, db, named, data, field, message):
    response = client.post("/admin/areas/new", data=data)
    assert response.status_code == 422 and message in response.text
    assert f'id="{field}"' in response.text and 'aria-invalid="true"' in response.text
    assert "WK077209" not in stored(db) and stored(db)["WK077201"] == "Centrum"


def test_renaming_shows_the_change_in_the_history(client, db, named, admin):
    response = client.post("/admin/areas/WK077201", data={"name": "Centrum-Oost"})
    assert response.status_code == 302 and stored(db)["WK077201"] == "Centrum-Oost"
    page = client.get("/admin/areas/WK077201").text
    history = page[page.index('id="wijzigingen"'):]
    assert "Naam: Centrum → Centrum-Oost" in history and admin.name in history
    assert client.get("/admin/areas/wk077201").status_code == 200  # codes are read case-insensitively
    assert client.get("/admin/areas/WK077299").status_code == 404


def test_removing_a_name_asks_first_and_says_the_reports_keep_their_code(client, db, make, named):
    make.report(wijk_code="WK077201", buurt_code="BU07720101")
    confirm = client.get("/admin/areas/WK077201/delete")
    assert confirm.status_code == 200
    assert "1 melding heeft deze code. Ze houdt de code" in confirm.text
    assert "WK077201" in stored(db)
    response = client.post("/admin/areas/WK077201/delete")
    assert response.status_code == 302 and "WK077201" not in stored(db)
    page = client.get("/admin/areas").text
    assert "De naam van WK077201 is verwijderd." in page
    assert 'href="/admin/areas/new?code=WK077201"' in page  # its buurten keep it listed, without a name


def test_an_import_through_the_page_counts_what_it_did(client, db, named):
    response = upload(client, "code;naam\nWK077201;Centrum\nBU07720101;Binnenstad-Noord\nWK077203;Tongelre\n"
                      .encode("utf-8-sig"))
    assert response.status_code == 302
    assert "3 wijken en buurten gelezen: 1 toegevoegd, 1 hernoemd, 1 ongewijzigd." in client.get("/admin/areas").text
    assert stored(db)["BU07720101"] == "Binnenstad-Noord" and stored(db)["WK077203"] == "Tongelre"
    history = client.get("/admin/areas/WK077203").text
    assert "Geïmporteerd" in history and "Naam: Tongelre" in history


def test_a_wrong_file_lists_every_refused_line_and_changes_nothing(client, db, named):
    response = upload(client, b"code;naam\nWK077201;Nieuw\nGM0772;Eindhoven\nWK077204;\nWK077201;Dubbel\n")
    assert response.status_code == 422 and "Er is niets geïmporteerd" in response.text
    problems = response.text[response.text.index('id="problems"'):]
    assert ">Regel</th>" in problems
    for line, column in (("3", "code"), ("4", "naam"), ("5", "code")):
        assert f'data-label="Regel">{line}</td>\n            <td class="utrecht-table__cell" data-label="Kolom">' \
               f'{column}</td>' in problems
    assert "Deze code staat al in regel 2." in problems
    assert stored(db)["WK077201"] == "Centrum"


def test_a_spreadsheet_is_read_and_its_problems_are_by_row(client, db):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (("code", "naam"), ("WK077201", "Centrum"), ("XX", "Fout")):
        sheet.append(row)
    content = io.BytesIO()
    book.save(content)
    response = upload(client, content.getvalue(), "gebieden.xlsx")
    assert response.status_code == 422 and ">Rij</th>" in response.text
    book.active.delete_rows(3)
    content = io.BytesIO()
    book.save(content)
    assert upload(client, content.getvalue(), "gebieden.xlsx").status_code == 302
    assert stored(db) == {"WK077201": "Centrum"}


def test_an_import_without_a_file_is_refused_at_the_field(client):
    response = client.post("/admin/areas/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Kies een bestand." in response.text


def test_a_buurt_names_its_wijk_and_a_name_without_reports_says_so(client, named):
    page = client.get("/admin/areas/BU07720101").text
    assert '<a class="utrecht-link" href="/admin/areas/WK077201">Centrum</a> (WK077201)' in page
    assert "WK077203 (geen naam)" in client.get("/admin/areas/BU07720301").text
    assert "Geen melding heeft deze code." in client.get("/admin/areas/BU07720301/delete").text
