"""The correction page: "Corrigeren" on the report and triage pages, the form filled with the report as it is, Dutch
errors with a summary, the address lookup without JavaScript, CSRF, a stale form, and a triaged report refused."""
import re

import pytest
import sqlalchemy as sa

from gdt.models import Report, ReportCorrection
from gdt.services.triage import report_triage


def _value(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page).group(1)


def _form(page: str) -> dict:
    """What the browser sends back when nothing is touched."""
    selected = re.search(r'<option selected value="([^"]*)"', page) or re.search(r'<option value="([^"]*)" selected',
                                                                              page)
    description = re.search(r'<textarea[^>]*name="description"[^>]*>\r?\n?(.*?)</textarea>', page, re.S).group(1)
    fields = {name: _value(page, name) for name in ("postcode", "house_number", "version")}
    for name in ("house_number_addition", "street", "city", "bag_id"):
        found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page)
        fields[name] = found.group(1) if found else ""
    return fields | {"category": selected.group(1), "description": description.replace("&#39;", "'"), "reason": ""}


@pytest.fixture
def clerk(make):
    return make.user("intake")


@pytest.fixture
def report(make, clerk):
    return make.report(registered_by_id=clerk.id, street="Stationsplein", city="Eindhoven",
                       bag_id="0772200000001037", wijk_code="WK077211", buurt_code="BU07721111")


def url(report: Report) -> str:
    return f"/intake/reports/{report.reference}/correct"


def test_the_report_and_triage_pages_link_to_the_correction_page_while_it_awaits_triage(client_as, clerk, report,
                                                                                          make):
    link = f'href="{url(report)}"'
    assert link in client_as(user=clerk).get(f"/intake/reports/{report.reference}").text
    coordinator = make.user("coordinator")
    assert link in client_as(user=coordinator).get(f"/reports/{report.reference}").text
    report_triage.escalate_report(report, "Dreigt.", actor=coordinator, seen_version=report.version)
    assert link not in client_as(user=coordinator).get(f"/reports/{report.reference}").text
    assert link not in client_as(user=clerk).get(f"/intake/reports/{report.reference}").text


def test_the_form_shows_the_report_as_it_is_and_the_residents_words(client_as, clerk, report):
    page = client_as(user=clerk).get(url(report)).text
    fields = _form(page)
    assert (fields["category"], fields["postcode"], fields["house_number"], fields["street"], fields["bag_id"]) == (
        "geluidsoverlast", "5611 AB", "1", "Stationsplein", "0772200000001037")
    assert fields["description"] == report.description
    assert "Zoals gemeld" in page and 'data-address-url="/intake/address"' in page
    assert 'data-filled="Stationsplein"' in page  # intake.js may replace it with a new address's street


def test_a_correction_is_saved_and_shown_in_words_on_the_report_and_in_its_history(client_as, clerk, report, make, db):
    client = client_as(user=clerk)
    fields = _form(client.get(url(report)).text)
    sent = fields | {"category": "vervuiling", "description": "Harde muziek en geschreeuw.",
                     "reason": "Categorie verkeerd gekozen."}
    response = client.post(url(report), data=sent)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/intake/reports/{report.reference}")
    page = client.get(response.headers["Location"]).text
    assert "is gecorrigeerd" in page
    assert "Beschrijving zoals gemeld" in page and report.description in page
    assert "Harde muziek en geschreeuw." in page and "reden: Categorie verkeerd gekozen." in page
    history = client_as("coordinator").get(f"/reports/{report.reference}").text
    assert "Categorie gewijzigd van Geluidsoverlast naar Vervuiling — reden: Categorie verkeerd gekozen." in history
    assert "Beschrijving gecorrigeerd — reden: Categorie verkeerd gekozen." in history
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportCorrection)) == 2


def test_mistakes_come_back_in_dutch_with_a_summary_and_nothing_is_saved(client_as, clerk, report, db):
    client = client_as(user=clerk)
    fields = _form(client.get(url(report)).text)
    response = client.post(url(report), data=fields | {"postcode": "12", "description": "", "reason": ""})
    page = response.text
    assert response.status_code == 422
    assert 'id="error-summary"' in page and "Er is iets niet goed ingevuld" in page
    assert 'href="#reason"' in page and "Geef de reden van de correctie." in page
    assert 'href="#postcode"' in page and 'href="#description"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportCorrection)) == 0


def test_sending_the_form_unchanged_says_so(client_as, clerk, report):
    client = client_as(user=clerk)
    response = client.post(url(report), data=_form(client.get(url(report)).text) | {"reason": "Niets"})
    assert response.status_code == 422 and "Er is niets gewijzigd." in response.text


def test_zoek_adres_without_javascript_fills_the_new_address_and_saves_nothing(client_as, clerk, report, db):
    client = client_as(user=clerk)
    fields = _form(client.get(url(report)).text)
    page = client.post(url(report), data=fields | {"postcode": "5612HC", "house_number": "4", "lookup": "Zoek adres"})
    assert page.status_code == 200
    assert "Gevonden in de BAG:" in page.text and _value(page.text, "street") == "Woenselse Markt"
    db.session.expire_all()
    assert db.session.get(Report, report.id).postcode == "5611AB"
    saved = client.post(url(report), data=_form(page.text) | {"reason": "Verkeerd adres genoteerd."})
    assert saved.status_code == 302
    db.session.expire_all()
    stored = db.session.get(Report, report.id)
    assert (stored.street, stored.wijk_code, stored.buurt_code) == ("Woenselse Markt", "WK077212", "BU07721222")


def test_a_stale_form_gets_the_usual_conflict_message(client_as, clerk, report, make):
    client = client_as(user=clerk)
    fields = _form(client.get(url(report)).text)
    colleague = client_as(user=make.user("coordinator"))
    assert colleague.post(url(report), data=fields | {"category": "intimidatie", "reason": "Bedreiging."}).status_code \
        == 302
    response = client.post(url(report), data=fields | {"category": "vervuiling", "reason": "Vuil."})
    assert response.status_code == 422 and "intussen door iemand anders gewijzigd" in response.text


def test_a_triaged_report_is_refused_with_a_clear_message(client_as, clerk, report, make):
    coordinator = make.user("coordinator")
    client = client_as(user=coordinator)
    fields = _form(client.get(url(report)).text)
    report_triage.escalate_report(report, "Dreigt.", actor=coordinator, seen_version=report.version)
    page = client.get(url(report))
    assert page.status_code == 409
    assert "Deze melding is al beoordeeld (in behandeling GDT)" in page.text and "<form" not in page.text.split(
        "<main", 1)[-1].split("Terug naar de melding")[0]
    posted = client.post(url(report), data=fields | {"category": "vervuiling", "reason": "Te laat."})
    assert posted.status_code == 409 and "al beoordeeld" in posted.text


def test_only_who_may_see_the_report_may_correct_it(client_as, report):
    assert client_as("intake").get(url(report)).status_code == 403  # another clerk's report
    for role in ("manager", "admin", "partner"):
        assert client_as(role).get(url(report)).status_code == 403


def test_the_form_needs_its_csrf_token(app, client_as, clerk, report, monkeypatch, db):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    client = client_as(user=clerk)
    page = client.get(url(report)).text
    fields = _form(page) | {"category": "vervuiling", "reason": "Verkeerd."}
    assert client.post(url(report), data=fields).status_code == 400
    assert client.post(url(report), data=fields | {"csrf_token": "vervalst"}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportCorrection)) == 0
    assert client.post(url(report), data=fields | {"csrf_token": _value(page, "csrf_token")}).status_code == 302


def test_the_partner_reads_the_correction_beside_the_reporters_words(make, client_as):
    police = make.partner("politie")
    report = make.report("referred", referred_partner=police, description="Herrie op nummer 3.",
                         description_corrected="Herrie op nummer 5 (verkeerd verstaan).")
    referral = make.referral(report, partner=police)
    page = client_as(user=make.user("partner", partner=police)).get(f"/partner/doorverwijzingen/{referral.id}").text
    assert "Beschrijving zoals gemeld" in page and "Herrie op nummer 3." in page
    assert "Beschrijving, gecorrigeerd door het team" in page and "Herrie op nummer 5 (verkeerd verstaan)." in page
