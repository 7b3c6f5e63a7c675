"""The search page (/zoeken) and the header's box: POST only for terms, need-to-know per role, escaped marks."""
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, CasePartner


@pytest.fixture
def world(make):
    police = make.partner("politie", name="Politie")
    case = make.case(reference="GDT-2026-000100")
    case.partners.append(CasePartner(partner=police))
    make.report("escalated", reference="GDT-2026-000001", case=case, street="Kerkstraat", house_number=7,
                description="Vuurwerk <b>op</b> het balkon.")
    make.session.commit()
    return {"police": police, "case": case}


def test_the_header_has_the_box_for_roles_that_search_only(client_as, world):
    for role in ("coordinator", "intake"):
        page = client_as(role).get("/", follow_redirects=True).get_data(as_text=True)
        assert 'action="/zoeken"' in page and 'role="search"' in page, role
    for role in ("manager", "admin", "archivist", "privacy"):
        client = client_as(role)
        assert 'action="/zoeken"' not in client.get("/", follow_redirects=True).get_data(as_text=True), role
        assert client.post("/zoeken", data={"q": "vuurwerk"}).status_code == 403, role


def test_a_coordinator_finds_and_opens_with_marked_escaped_words(client_as, world, db):
    response = client_as("coordinator").post("/zoeken", data={"q": "vuurwerk"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'href="/reports/GDT-2026-000001"' in page
    assert '<mark class="gdt-search__mark">Vuurwerk</mark> &lt;b&gt;op&lt;/b&gt; het balkon.' in page
    assert "Meldingen" in page and "Kerkstraat 7" in page
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "search")).one()
    assert event.detail["terms"] == "vuurwerk"


def test_the_case_opens_on_the_role_s_own_page(client_as, make, world):
    officer = make.user("partner", partner=world["police"])
    page = client_as(user=officer).post("/zoeken", data={"q": "GDT-2026-000100"}).get_data(as_text=True)
    assert 'href="/partner/casussen/GDT-2026-000100"' in page
    page = client_as("coordinator").post("/zoeken", data={"q": "GDT-2026-000100"}).get_data(as_text=True)
    assert 'href="/cases/GDT-2026-000100"' in page


def test_intake_sees_that_an_address_is_known_without_a_link(client_as, world):
    page = client_as("intake").post("/zoeken", data={"q": "5611 AB 7"}).get_data(as_text=True)
    assert "Dit adres is bekend bij het team" in page
    assert "GDT-2026-000001" not in page and "GDT-2026-000100" not in page


def test_bad_input_says_so_and_searches_nothing(client_as, db, world):
    response = client_as("coordinator").post("/zoeken", data={"q": "a"})
    assert response.status_code == 422
    assert "Vul ten minste 2 tekens in om te zoeken." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEvent.action == "search")) == 0


def test_nothing_found_says_so(client_as, world):
    page = client_as("coordinator").post("/zoeken", data={"q": "olifant"}).get_data(as_text=True)
    assert "Niets gevonden dat u mag inzien" in page


def test_the_terms_are_never_in_the_address(client_as, world):
    client = client_as("coordinator")
    page = client.get("/zoeken").get_data(as_text=True)
    assert 'method="post"' in page and "Gevonden voor" not in page
    assert "Gevonden voor" not in client.get("/zoeken?q=vuurwerk").get_data(as_text=True)  # a GET does not search


def test_what_was_searched_can_be_kept_as_a_work_list_its_text_posted_not_in_a_url(client_as, world, make):
    page = client_as("coordinator").post("/zoeken", data={"q": "vuurwerk"}).get_data(as_text=True)
    assert 'action="/werklijsten/nieuw"' in page and "Bewaar als werklijst" in page
    assert '<input type="hidden" name="search_text" value="vuurwerk">' in page
    officer = make.user("partner", partner=world["police"])
    page = client_as(user=officer).post("/zoeken", data={"q": "vuurwerk"}).get_data(as_text=True)
    assert "Bewaar als werklijst" not in page  # partners keep no work lists
