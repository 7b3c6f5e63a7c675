"""The case page as the coordinator's workspace: summary, sections, steps on their own pages (dialogs on the case page),
confirmation pages for irreversible steps, the history in words, and the meeting and action rules on the pages."""
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM
from gdt.models import AuditEvent, CaseEvent, Meeting
from gdt.services.casework import actions, cases, meetings
from gdt.services.triage import report_triage
from tests.support.pages import without_session_warning

REASON = "Buurman bedreigt de bewoners van nummer 14; de politie is al twee keer geweest."


@pytest.fixture
def coordinator(make):
    return make.user("coordinator", name="Carla Regisseur")


@pytest.fixture
def case(make, coordinator):
    report = make.report(street="Kerkstraat", city="Eindhoven")
    opened = report_triage.escalate_report(report, REASON, actor=coordinator, seen_version=report.version)
    make.partner("politie", name="Politie", email="wijkagent@politie.example")
    cases.involve_partner(opened, "politie", "Wijkagent", actor=coordinator, seen_version=opened.version)
    return opened


@pytest.fixture
def client(client_as, coordinator):
    return client_as(user=coordinator)


def _soon(days=3):
    return datetime.now(AMSTERDAM) + timedelta(days=days)


def _today() -> str:
    return datetime.now(AMSTERDAM).date().isoformat()


def _history(page: str) -> str:
    """The history table's text, tags stripped, whitespace folded."""
    table = page[page.index('id="geschiedenis"'):]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", table[:table.index("</table>")]))


# The workspace ----------------------------------------------------------------------------------------------------


def test_the_case_page_opens_with_a_summary_and_a_section_nav(db, case, client):
    page = client.get(f"/cases/{case.reference}").text
    nav = page[page.index('aria-label="Onderdelen van de casus"'):]
    nav = nav[:nav.index("</nav>")]
    sections = ["overzicht", "meldingen", "betrokkenen", "plan", "interventies", "overleg", "documenten", "journaal",
                "bewaren", "geschiedenis"]
    assert re.findall(r'href="#([a-z]+)"', nav) == sections
    for anchor in sections:
        assert f'id="{anchor}"' in page
    summary = page[page.index('id="overzicht"'):page.index('id="meldingen"')]
    for label in ("Kenmerk", "Adres", "Categorie", "Status", "Werkwijze", "Regisseur", "Volgend overleg",
                  "Volgende herbeoordeling"):
        assert f'<dt class="utrecht-data-list__item-key">{label}</dt>' in summary
    assert "Kerkstraat 1, 5611 AB Eindhoven" in summary and "Nog niet bepaald" in summary


def test_the_escalation_reason_from_triage_is_among_the_warnings(db, case, client):
    page = client.get(f"/cases/{case.reference}").text
    warnings = page[page.index('id="waarschuwingen"'):page.index('id="meldingen"')]
    assert "<h3 class=\"utrecht-heading-3\">Waarschuwingen</h3>" in warnings and ">Signalen<" not in page
    assert "Waarom dreigt escalatie?" in warnings and REASON in warnings
    assert case.reports[0].reference in warnings and "Carla Regisseur" in warnings


def test_each_step_is_a_link_to_its_own_page_and_a_dialog_only_when_reversible(db, case, client):
    page = client.get(f"/cases/{case.reference}").text
    for step in ("coordinator", "mode", "review", "bundle", "parties", "partners", "refer", "actions", "meetings",
                 "notes"):
        assert f'href="/cases/{case.reference}/{step}" data-dialog="dialog-{step}"' in page
        assert f'<dialog class="gdt-dialog" id="dialog-{step}" aria-labelledby="dialog-{step}-heading">' in page
        own = client.get(f"/cases/{case.reference}/{step}")
        assert own.status_code == 200 and f'action="/cases/{case.reference}/{step}"' in own.text
    for step in ("close", "merge"):  # irreversible: a plain link to the page that asks to confirm
        assert re.search(rf'href="/cases/{case.reference}/{step}">', page)
        assert f'id="dialog-{step}"' not in page and f'name="{step}-' not in page
    assert 'formmethod="dialog"' in page  # "Annuleren" closes a dialog without a script


def test_a_step_on_its_own_page_is_audited_as_a_view_of_the_case(db, case, client):
    client.get(f"/cases/{case.reference}/notes")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.object_ref == case.reference, AuditEvent.action == "view")) == 1


def test_a_refused_step_shows_its_own_page_with_the_error_summary_and_keeps_the_input(db, case, client):
    refused = client.post(f"/cases/{case.reference}/parties", data={
        "parties-version": case.version, "parties-name": "Karel", "parties-role": ""})
    assert refused.status_code == 422 and "Er is iets niet goed ingevuld" in refused.text
    assert 'href="#parties-role"' in refused.text and 'value="Karel"' in refused.text


def test_a_closed_case_offers_only_reopening(db, make, client):
    closed = make.case("closed")
    page = client.get(f"/cases/{closed.reference}").text
    assert f'href="/cases/{closed.reference}/reopen"' in page
    assert "data-dialog" not in page and "<dialog" not in without_session_warning(page)
    step = client.get(f"/cases/{closed.reference}/notes")
    assert step.status_code == 302 and step.headers["Location"] == f"/cases/{closed.reference}"


@pytest.fixture
def statements(db):
    """The SQL statements sent on the test's connection while the test runs."""
    sent = []
    engine = db.session.get_bind().engine

    def record(_connection, _cursor, statement, *_args):
        sent.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    yield sent
    sa.event.remove(engine, "before_cursor_execute", record)


def test_the_case_page_asks_a_fixed_number_of_queries_however_much_the_case_holds(db, case, coordinator, client,
                                                                                    make, inbox, statements):
    def grow(number: int) -> int:
        for index in range(number):
            cases.add_note(case, f"Notitie {index}", actor=coordinator, shareable=index % 2 == 0)
            cases.add_party(case, f"Persoon {index}", "other", None, actor=coordinator)
            actions.agree(case, f"Afspraak {index}", owner="partner:politie", working_days=5, actor=coordinator)
            meetings.plan(case, _soon(index + 2), "Stadhuis", ["politie"], [], actor=coordinator)
        db.session.expire_all()
        statements.clear()
        assert client.get(f"/cases/{case.reference}").status_code == 200
        return len(statements)

    assert grow(2) == grow(8)  # the same statements for a case with 2 or 8 of everything: no query per row


# Confirmation pages -----------------------------------------------------------------------------------------------


def test_merging_asks_to_confirm_on_a_page_that_names_both_cases(db, case, coordinator, client, make):
    other_report = make.report(postcode="1234AB", house_number=7)
    other = report_triage.escalate_report(other_report, "x", actor=coordinator, seen_version=other_report.version)
    asked = client.post(f"/cases/{other.reference}/merge",
                        data={"merge-version": other.version, "merge-target": case.reference})
    assert asked.status_code == 200
    assert f"Casus {other.reference} samenvoegen met casus {case.reference}?" in asked.text
    assert "kan niet ongedaan worden gemaakt" in asked.text and "Kerkstraat 1, 5611 AB Eindhoven" in asked.text
    assert 'name="merge-confirmed" type="hidden" value="y"' in asked.text
    db.session.expire_all()
    assert other.status == "open" and other_report.case == other  # asking changed nothing
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(  # the target was shown
        AuditEvent.object_ref == case.reference, AuditEvent.action == "view", AuditEvent.actor_id == coordinator.id))
    done = client.post(f"/cases/{other.reference}/merge", data={
        "merge-version": other.version, "merge-target": case.reference, "merge-confirmed": "y"})
    db.session.expire_all()
    assert done.status_code == 302 and other.status == "merged" and other_report.case == case


def test_merging_into_an_unknown_case_is_refused_on_the_first_page(db, case, client):
    refused = client.post(f"/cases/{case.reference}/merge",
                          data={"merge-version": case.version, "merge-target": "GDT-1999-000001"})
    assert refused.status_code == 422 and "Er is geen casus met dit kenmerk." in refused.text
    assert 'href="#merge-target"' in refused.text and "Ja, samenvoegen" not in refused.text


def test_closing_is_a_page_that_says_what_will_happen(db, case, coordinator, client):
    actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)
    meetings.plan(case, _soon(), "Stadhuis", [], [], actor=coordinator)
    page = client.get(f"/cases/{case.reference}/close").text
    assert f"Casus {case.reference} sluiten?" in page and "Dit gebeurt als u de casus sluit:" in page
    assert "Er staat nog 1 afspraak open:" in page and "Huisbezoek" in page
    assert "Er staat nog een overleg gepland op" in page and "Ja, casus sluiten" in page
    assert "Nee, terug naar de casus" in page
    closed = client.post(f"/cases/{case.reference}/close", data={
        "close-version": case.version, "close-result": "de-escalated", "close-carry_over": "y"})
    db.session.expire_all()
    assert closed.status_code == 302 and case.status == "closed"


def test_reopening_is_a_page_that_says_what_will_happen(db, case, coordinator, client):
    cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
    page = client.get(f"/cases/{case.reference}/reopen").text
    assert f"Casus {case.reference} heropenen?" in page and "Dit gebeurt als u de casus heropent:" in page
    assert "Het resultaat ‘Gede-escaleerd’ blijft" in page
    assert "Ja, casus heropenen" in page
    refused = client.post(f"/cases/{case.reference}/reopen", data={"reopen-version": case.version})
    assert refused.status_code == 422 and 'href="#reopen-reason"' in refused.text
    reopened = client.post(f"/cases/{case.reference}/reopen",
                           data={"reopen-version": case.version, "reopen-reason": "Nieuwe incidenten."})
    db.session.expire_all()
    assert reopened.status_code == 302 and case.status == "open"


def test_cancelling_a_meeting_is_a_page_that_says_what_will_happen(db, case, coordinator, client):
    meeting = meetings.plan(case, _soon(), "Stadhuis", ["politie"], [], actor=coordinator)
    assert "cancel-reason" not in client.get(f"/meetings/{meeting.id}").text  # no one-click form on the meeting
    page = client.get(f"/meetings/{meeting.id}/cancel").text
    assert "afzeggen?" in page and "GDT stuurt de genodigden geen bericht" in page and "Politie" in page
    refused = client.post(f"/meetings/{meeting.id}/cancel", data={"cancel-version": meeting.version})
    assert refused.status_code == 422 and 'href="#cancel-reason"' in refused.text
    done = client.post(f"/meetings/{meeting.id}/cancel",
                       data={"cancel-version": meeting.version, "cancel-reason": "Wijkagent ziek."})
    db.session.expire_all()
    assert done.status_code == 302 and meeting.status == "cancelled"
    assert "Overleg afgezegd" in _history(client.get(f"/cases/{case.reference}").text)


def test_dropping_an_action_is_a_page_with_a_required_reason_in_the_error_summary(db, case, coordinator, client):
    action = actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)
    case_page = client.get(f"/cases/{case.reference}").text
    assert f'href="/actions/{action.id}/drop"' in case_page and 'value="drop"' not in case_page
    views = sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.object_ref == case.reference,
                                                                      AuditEvent.action == "view")
    seen = db.session.scalar(views)
    page = client.get(f"/actions/{action.id}/drop").text
    assert db.session.scalar(views) == seen + 1  # the page shows the case's action: an audited view
    assert "Afspraak laten vervallen?" in page and "kan niet ongedaan worden gemaakt" in page
    label = re.search(r'<label class="utrecht-form-label" for="drop-reason">(.*?)</label>', page, re.S).group(1)
    assert label == "Waarom vervalt de afspraak?"  # required, so not "(optioneel)"
    refused = client.post(f"/actions/{action.id}/drop", data={"drop-version": action.version})
    summary = refused.text[refused.text.index('id="error-summary"'):]
    assert refused.status_code == 422
    assert '<a class="utrecht-link" href="#drop-reason">Waarom vervalt de afspraak?: Schrijf waarom de afspraak ' \
           'vervalt.</a>' in summary
    assert action.status == "open"
    done = client.post(f"/actions/{action.id}/drop", data={"drop-version": action.version, "drop-reason": "Verhuisd."})
    db.session.expire_all()
    assert done.status_code == 302 and action.status == "dropped" and action.drop_reason == "Verhuisd."


def test_the_partners_own_update_form_does_not_call_a_required_reason_optional(db, case, coordinator, make, client_as):
    action = actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)
    member = client_as(user=make.user("partner", partner=case.partners[0].partner))
    page = member.get(f"/partner/casussen/{case.reference}").text
    label = re.search(rf'for="action-{action.id}-reason">(.*?)</label>', page, re.S).group(1)
    assert label == "Reden (verplicht als de afspraak vervalt)"
    refused = member.post(f"/partner/casussen/{case.reference}/afspraken/{action.id}", data={
        f"action-{action.id}-version": action.version, f"action-{action.id}-outcome": "drop"})
    assert refused.status_code == 422 and 'id="error-summary"' in refused.text
    assert f'href="#action-{action.id}-reason"' in refused.text


# Adding a report --------------------------------------------------------------------------------------------------


def test_a_report_at_another_address_joins_only_after_an_explicit_confirmation(db, case, client, make):
    elsewhere = make.report(postcode="9999ZZ", house_number=3, street="Dorpsweg", city="Ergens")
    refused = client.post(f"/cases/{case.reference}/bundle",
                          data={"bundle-version": case.version, "bundle-report": elsewhere.reference})
    assert refused.status_code == 422
    assert "gaat over Dorpsweg 3, 9999 ZZ Ergens, een ander adres dan de meldingen in deze casus" in refused.text
    assert 'href="#bundle-other_address"' in refused.text and 'id="bundle-other_address"' in refused.text
    db.session.expire_all()
    assert elsewhere.case is None and elsewhere.status == "received"
    joined = client.post(f"/cases/{case.reference}/bundle", data={
        "bundle-version": case.version, "bundle-report": elsewhere.reference, "bundle-other_address": "y"})
    db.session.expire_all()
    assert joined.status_code == 302 and elsewhere.case == case
    assert "Ander adres dan de casus, bevestigd door de regisseur" in _history(
        client.get(f"/cases/{case.reference}").text)


def test_a_report_at_the_same_address_joins_without_a_question(db, case, client, make):
    same = make.report(postcode=case.reports[0].postcode, house_number=case.reports[0].house_number)
    page = client.get(f"/cases/{case.reference}").text
    assert f'href="/cases/{case.reference}/bundle?melding={same.reference}"' in page  # found at the address
    assert f'value="{same.reference}"' in client.get(f"/cases/{case.reference}/bundle?melding={same.reference}").text
    joined = client.post(f"/cases/{case.reference}/bundle",
                         data={"bundle-version": case.version, "bundle-report": same.reference})
    db.session.expire_all()
    assert joined.status_code == 302 and same.case == case


# History in words -------------------------------------------------------------------------------------------------


def test_the_history_names_each_change_in_words(db, case, coordinator, client, make, inbox):
    colleague = make.user("coordinator", name="Bas Collega")
    cases.assign_coordinator(case, coordinator.id, actor=coordinator, seen_version=case.version)
    cases.assign_coordinator(case, coordinator.id, actor=coordinator, seen_version=case.version)  # no change
    cases.assign_coordinator(case, colleague.id, actor=coordinator, seen_version=case.version)
    cases.decide_mode(case, "regie", actor=coordinator, seen_version=case.version, regie_kind="casus")
    cases.decide_mode(case, "regie", actor=coordinator, seen_version=case.version, regie_kind="proces")
    cases.add_party(case, "Karel de Vries", "subject", None, actor=coordinator)
    meetings.plan(case, _soon(), "Stadhuis", ["politie"], [], actor=coordinator)
    actions.agree(case, "Huisbezoek", owner="partner:politie", working_days=5, actor=coordinator)
    history = _history(client.get(f"/cases/{case.reference}").text)
    assert "Regisseur: Carla Regisseur" in history and "Regisseur: Carla Regisseur → Bas Collega" in history
    assert history.count("Regisseur toegewezen") == 2
    assert "Werkwijze: Nog niet bepaald → Casusregie" in history and "Werkwijze: Casusregie → Procesregie" in history
    assert "Ketenpartner betrokken Politie Vastgelegd: rol" in history
    assert "Betrokkene toegevoegd Karel de Vries – Overlastgever" in history
    assert "Overleg gepland Gepland op" in history and "Uitgenodigd: Politie" in history
    assert "Afspraak gemaakt Huisbezoek Uitvoerder: Politie" in history
    assert "Casus bijgewerkt" not in history and "Open → Open" not in history and "politie" not in history
    assert not re.search(r"(\b[\w-]+) → \1\b", history)


def test_a_status_change_is_named_once_with_its_labels(db, case, coordinator, client):
    cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
    history = _history(client.get(f"/cases/{case.reference}").text)
    assert "Casus gesloten Resultaat: Gede-escaleerd Status: Open → Gesloten" in history
    assert history.count("Status:") == 1


def test_the_history_of_an_older_mode_change_without_the_regie_kind_has_no_arrow_to_itself(db, case, coordinator,
                                                                                              client):
    case.events.append(CaseEvent(event="decide_mode", from_status="open", to_status="open", actor_id=coordinator.id,
                                 detail={"from": "regie", "to": "regie", "regie_kind": "proces"}))
    db.session.commit()
    history = _history(client.get(f"/cases/{case.reference}").text)
    assert "Werkwijze: Procesregie" in history and "→ Procesregie" not in history


# Meetings ---------------------------------------------------------------------------------------------------------


def test_a_new_meeting_invites_every_partner_in_the_case_unless_unticked(db, case, client, make, coordinator):
    make.partner("ggz", name="GGZ", email=None)
    cases.involve_partner(case, "ggz", None, actor=coordinator, seen_version=case.version)
    for page in (client.get(f"/cases/{case.reference}").text, client.get(f"/cases/{case.reference}/meetings").text):
        assert '<input checked id="meetings-partners-0" name="meetings-partners" type="checkbox" value="politie">' \
            in page
        assert '<input checked id="meetings-partners-1" name="meetings-partners" type="checkbox" value="ggz">' in page


def test_the_confirmation_names_who_was_invited(db, case, client, make, coordinator, inbox):
    make.partner("ggz", name="GGZ", email=None)
    cases.involve_partner(case, "ggz", None, actor=coordinator, seen_version=case.version)
    planned = client.post(f"/cases/{case.reference}/meetings", data={
        "meetings-version": case.version, "meetings-starts_at": _soon().strftime("%Y-%m-%dT%H:%M"),
        "meetings-location": "Stadhuis", "meetings-partners": ["politie", "ggz"]}, follow_redirects=True)
    assert "Een uitnodiging met hun casuslink gaat per e-mail naar: Politie." in planned.text
    assert "Geen e-mailadres bekend, nodig zelf uit: GGZ." in planned.text
    assert "Er is geen ketenpartner uitgenodigd" not in planned.text and len(inbox.received) == 1


def test_the_confirmation_says_so_when_nobody_was_invited(db, case, client, inbox):
    planned = client.post(f"/cases/{case.reference}/meetings", data={
        "meetings-version": case.version, "meetings-starts_at": _soon().strftime("%Y-%m-%dT%H:%M"),
        "meetings-location": "Stadhuis"}, follow_redirects=True)
    assert "Er is geen ketenpartner uitgenodigd." in planned.text and "krijgen een uitnodiging" not in planned.text
    assert inbox.received == [] and [invitee.partner for invitee in case.meetings[0].invitees] == []


def _hold(client, meeting, **fields):
    data = {"hold-version": meeting.version, "hold-held_on": _today()} | {f"hold-{k}": v for k, v in fields.items()}
    return client.post(f"/meetings/{meeting.id}/hold", data=data)


def test_a_meeting_held_before_its_planned_day_needs_an_explicit_confirmation(db, case, coordinator, client):
    meeting = meetings.plan(case, _soon(6), "Stadhuis", ["politie"], [], actor=coordinator)
    page = client.get(f"/meetings/{meeting.id}").text
    assert "Gehouden op" in page and 'id="hold-earlier_than_planned"' in page
    refused = _hold(client, meeting, minutes="Besproken.")
    planned_on = meetings.planned_day(meeting).strftime("%d-%m-%Y")
    assert refused.status_code == 422 and f"Het overleg stond gepland op {planned_on}" in refused.text
    assert 'href="#hold-earlier_than_planned"' in refused.text and "Besproken." in refused.text
    db.session.expire_all()
    assert meeting.status == "planned" and meeting.held_on is None
    held = _hold(client, meeting, earlier_than_planned="y")
    db.session.expire_all()
    assert held.status_code == 302 and meeting.status == "held" and meeting.held_on.isoformat() == _today()
    assert f"Gehouden op</dt><dd class=\"utrecht-data-list__item-value\">{meeting.held_on.strftime('%d-%m-%Y')}" \
        in client.get(f"/meetings/{meeting.id}").text


def test_a_meeting_cannot_be_held_in_the_future(db, case, coordinator, client):
    meeting = meetings.plan(case, _soon(1), "Stadhuis", [], [], actor=coordinator)
    tomorrow = (datetime.now(AMSTERDAM) + timedelta(days=1)).date().isoformat()
    refused = _hold(client, meeting, held_on=tomorrow, earlier_than_planned="y")
    assert refused.status_code == 422 and "kan niet in de toekomst gehouden zijn" in refused.text
    assert 'href="#hold-held_on"' in refused.text
    assert db.session.get(Meeting, meeting.id).status == "planned"
