"""Interventions in Chromium, with axe at 1280 and 320 px: a coordinator climbs the ladder on a case — a talk that
did not help, mediation, a warning with its letter from a template, and a behavioural order that is refused
without its decision letter and decided by the mayor with it — and the case page shows the rungs climbed."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from gdt.db import db
from gdt.services.interventions import catalogue
from gdt.services.letters import admin as letter_templates
from tests import dates
from tests.e2e.conftest import check_page, open_case_with_subject

pytestmark = pytest.mark.e2e
REFERENCE = "GDT-2026-700401"


@pytest.fixture(scope="module")
def case_reference(live_app):
    with live_app.app_context():
        catalogue.ensure_defaults()
        letter_templates.ensure_defaults()
        db.session.remove()
    return open_case_with_subject(live_app, REFERENCE, days_ago=60)


def _days_ago(days: int) -> str:
    return (dates.today() - timedelta(days=days)).isoformat()


def _record(page, base_url, reference, type_label, status_label, proposed_on):
    page.goto(f"{base_url}/cases/{reference}#interventies")
    page.locator("#interventies").get_by_role("link", name="Interventie vastleggen").click()
    page.get_by_label("Soort interventie").select_option(label=type_label)
    page.get_by_label(status_label, exact=True).check()
    page.get_by_label("Voorgesteld op").fill(proposed_on)


def _letter(page, base_url, reference, template, intervention=None):
    page.goto(f"{base_url}/cases/{reference}")
    page.locator("#brieven").get_by_role("link", name="Brief maken").click()
    page.get_by_label("Briefsjabloon").select_option(label=template)
    page.get_by_label("Aan").select_option(label="Piet de Vries (Overlastgever)")
    page.get_by_label("Adres van de geadresseerde").fill("Lindelaan 12, 5611 AB Eindhoven")
    if intervention:
        page.get_by_label("Hoort bij interventie").select_option(label=intervention)
    page.get_by_role("button", name="Opslaan in het dossier").click()
    expect(page.locator("#documenten")).to_contain_text(f"{template} aan Piet de Vries")


def _decide_as_mayor(page, section):
    """The proposed behavioural order's page, its form "Besluit vastleggen" with the mayor chosen."""
    section.get_by_role("link", name="Voorgesteld – Gedragsaanwijzing").click()
    decide = page.locator("section", has=page.get_by_role("heading", name="Besluit vastleggen"))
    decide.get_by_label("Burgemeester").check()
    return decide


def test_a_coordinator_climbs_the_ladder_up_to_a_behavioural_order(login, base_url, axe, case_reference):
    page = login("coordinator")
    page.goto(f"{base_url}/cases/{case_reference}#interventies")
    section = page.locator("#interventies")
    expect(section).to_contain_text("Nog geen interventies vastgelegd.")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        check_page(axe, page, width, "interventions-case-empty")
    page.set_viewport_size({"width": 1280, "height": 900})

    _record(page, base_url, case_reference, "Gesprek", "Beëindigd (afgerond)", _days_ago(50))
    page.get_by_label("Regisseur").check()
    page.get_by_label("Besloten op").fill(_days_ago(48))
    page.get_by_label("Beëindigd op").fill(_days_ago(45))
    page.get_by_label("Resultaat", exact=True).select_option(label="Niet geholpen")
    page.get_by_label("Toelichting op het resultaat").fill("Bewoner erkent de overlast niet.")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        check_page(axe, page, width, "interventions-new")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Interventie vastleggen").click()
    expect(page.get_by_text("Interventie Gesprek is vastgelegd.")).to_be_visible()
    expect(section).to_contain_text("Hoogste trede tot nu toe: Gesprek.")

    _record(page, base_url, case_reference, "Buurtbemiddeling", "Besloten", _days_ago(40))
    page.get_by_label("Regisseur").check()
    page.get_by_label("Besloten op").fill(_days_ago(38))
    page.get_by_role("button", name="Interventie vastleggen").click()
    expect(section).to_contain_text("Hoogste trede tot nu toe: Buurtbemiddeling.")

    _letter(page, base_url, case_reference, "Waarschuwingsbrief")
    _record(page, base_url, case_reference, "Waarschuwing", "Besloten", _days_ago(10))
    page.get_by_label("Regisseur").check()
    page.get_by_label("Besloten op").fill(_days_ago(9))
    page.get_by_label("Besluitbrief").select_option(index=1)
    page.get_by_role("button", name="Interventie vastleggen").click()
    expect(section).to_contain_text("Hoogste trede tot nu toe: Waarschuwing.")

    _record(page, base_url, case_reference, "Gedragsaanwijzing (art. 151d Gemeentewet)",
            "Voorgesteld, nog niet besloten", _days_ago(3))
    page.get_by_role("button", name="Interventie vastleggen").click()
    expect(section).to_contain_text("Hoogste trede tot nu toe: Waarschuwing.")  # a proposal is not climbed yet

    decide = _decide_as_mayor(page, section)
    decide.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.locator("#error-summary")).to_contain_text("Een formele stap gaat niet zonder besluitbrief")
    check_page(axe, page, 1280, "interventions-refused")

    _letter(page, base_url, case_reference, "Besluit gedragsaanwijzing", intervention="Gedragsaanwijzing "
            "(art. 151d Gemeentewet)")
    decide = _decide_as_mayor(page, section)
    decide.get_by_label("Besluitbrief").select_option(label=f"Besluit gedragsaanwijzing aan Piet de Vries "
                                                            f"({dates.today().strftime('%d-%m-%Y')})")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        check_page(axe, page, width, "interventions-show")
    page.set_viewport_size({"width": 1280, "height": 900})
    decide.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.get_by_text("Gedragsaanwijzing: Besloten.")).to_be_visible()
    expect(section).to_contain_text("Hoogste trede tot nu toe: Gedragsaanwijzing.")
    expect(section.locator(".gdt-ladder__rung--climbed")).to_have_count(4)
    expect(section).to_contain_text("(burgemeester)")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        check_page(axe, page, width, "interventions-case")
    expect(page.locator("body")).to_contain_text("Interventie besloten")  # the case's history
