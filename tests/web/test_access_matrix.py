"""Every route declares who may use it, and every role gets exactly that: 403 elsewhere, never a 500.

API routes only API clients may call (required_roles like ("client:app",)) answer a staff member's
session with 401: a session is no credential there at all, whatever the role.
"""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.models import (
    Action,
    Area,
    CasePartner,
    ClosingDay,
    Indicator,
    Meeting,
    MeetingInvitee,
    PartnerRegistration,
    Passkey,
    SubjectRequest,
    UserSession,
)
from gdt.models.retention import DestructionItem, DestructionList, LegalHold, RetentionRule
from gdt.models.users import ROLES
from gdt.services.core import partner_links, tokens
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import attachments
from tests import attachment_files as files
from tests import dates

PUBLIC_ENDPOINTS = {"static"}
# Public routes that answer otherwise on purpose: /metrics hides itself (404) from all but its configured scraper,
# and /health/ready says 503 while a check fails (the tests' database has no alembic_version).
# Single sign-on is off in the tests' settings (no OIDC_ISSUER): its pages answer 404 (tests/web/test_sso.py has it on).
# An invitation or reset page without its link answers 410 (gone), for every role.
OWN_ANSWERS = {"metrics.scrape": {404}, "health.ready": {200, 503}, "auth.sso_start": {404},
               "auth.sso_callback": {404}, "auth.sso_frontchannel_logout": {404}, "auth.invitation": {410},
               "auth.password_reset": {410}}
# The matrix's `token` is a partner link's, which opens no resident page: refused as a tampered link (403), for
# everyone alike (the page itself: tests/web/test_resident_page.py).
OWN_ANSWERS["resident.page"] = {403}
# A saved work list is its owner's and their team's: the matrix's list is the coordinator's, so intake gets 404.
OWN_ANSWERS |= {endpoint: {200, 302, 404} for endpoint in ("worklists.open_list", "worklists.rename",
                                                              "worklists.remove")}
# The search API without its terms (no ?q=) is bad input, for every role that may search.
OWN_ANSWERS |= {"api_search.search": {422}}
# "Werkt het?" in the API without its year (no ?year=) is bad input too, for managers and coordinators.
OWN_ANSWERS |= {"api_statistics.yearly_outcomes": {422}}


def test_every_view_declares_who_may_use_it(app):
    undeclared = [endpoint for endpoint, view in app.view_functions.items()
                  if endpoint not in PUBLIC_ENDPOINTS and not hasattr(view, "required_roles")]
    assert undeclared == []


@pytest.fixture
def world(make, client_as):
    """One user per role, a report registered by the intake user, a case, a partner."""
    users = {role: make.user(role) for role in ROLES}
    report = make.report(registered_by_id=users["intake"].id)
    case = make.case()
    partner = make.partner("politie")
    # The report is also the partner user's organisation's registration, so every role has one it may see.
    make.session.add(PartnerRegistration(report_id=report.id, partner_id=users["partner"].partner_id,
                                         registrant_name="Wijkagent", reason="Dreigende escalatie."))
    with unit_of_work():
        attachment = attachments.store(report, attachments.prepare("foto.jpg", files.jpeg_with_gps()))  # + thumbnail
    referral = make.referral(partner=users["partner"].partner)
    # The partner user's organisation takes part in the case: a held meeting it was invited to, an action it owns.
    own = users["partner"].partner
    make.session.add(CasePartner(case=case, partner=own))
    soon = datetime.now(UTC) + timedelta(days=3)
    meeting = Meeting(case=case, starts_at=soon, location="Stadhuis", status="held", minutes="Afspraken gemaakt.",
                      invitees=[MeetingInvitee(partner=own, attended=True)])
    action = Action(case=case, meeting=meeting, description="Huisbezoek", owner_partner=own, due_at=soon,
                    status="open")
    make.session.add_all([meeting, action])
    make.session.commit()
    values = {"reference": report.reference, "user_id": users["admin"].id, "key": partner.key, "year": 2026,
              "attachment_id": attachment.id, "referral_id": referral.id, "token": partner_links.issue(referral),
              "case_token": partner_links.issue_for_case(case.id, own.id), "meeting_id": meeting.id,
              "action_id": action.id, "token_id": tokens.issue_user_token_with_expiry(users["admin"], actor=None)[0].id}
    make.session.add(Indicator(key="meldingen", name="Meldingen", source="reports_total", unit="count"))
    make.session.commit()
    values["indicator"] = "meldingen"
    values["case_id"] = case.id
    values["category_id"] = report.category_id  # /admin/categories/<category_id>
    values["list_name"] = "overdue-actions"  # a start-page section in full
    values["filename"] = "theme.css"  # the theme's files (/theme/<filename>)
    make.session.add_all([Area(code="WK077201", name="Centrum"),
                          ClosingDay(day=dates.today() + timedelta(days=30), description="Brugdag")])
    make.session.commit()
    values["code"] = "WK077201"  # /admin/areas/<code>
    values["day"] = (dates.today() + timedelta(days=30)).isoformat()  # /admin/closing-days/<day>/remove
    passkey = Passkey(user_id=users["admin"].id, credential_id=b"matrix", public_key=b"key", name="Sleutel")
    make.session.add(passkey)
    make.session.commit()
    values["passkey_id"] = passkey.id  # /account/passkeys/<passkey_id>/remove
    values["client_id"] = tokens.issue_api_client("matrix-app", "app", actor=None)[0].id  # /admin/api-access/…
    values["session_id"] = make.session.scalar(sa.select(UserSession.id).limit(1)) or 1  # /account/sessions/<id>
    make.session.add(SubjectRequest(reference="AVG-2026-0001", kind="inspection", received_on=dates.today(),
                                    subject_name="Verzoeker", references=[report.reference],
                                    created_by_id=users["privacy"].id))
    make.session.commit()
    values["request_ref"] = "AVG-2026-0001"  # /privacy/verzoeken/<request_ref>
    destruction_list = DestructionList(kind="records", as_of=dates.today())
    make.session.add(destruction_list)
    make.session.flush()
    item = DestructionItem(list_id=destruction_list.id, object_type="report", object_id=report.id,
                           reference=report.reference, due_on=dates.today())
    make.session.add(item)
    make.session.commit()
    values["list_ref"], values["item_id"] = destruction_list.reference, item.id  # /archief/vernietiging/<reference>
    from gdt.services.retention import rules as retention_rules
    retention_rules.ensure_defaults()
    values["rule_id"] = make.session.scalar(sa.select(RetentionRule.id).limit(1))  # /archief/bewaartermijnen/<id>
    values["result_key"] = "de-escalated"  # /archief/bewaartermijnen/resultaat/<result_key>
    hold = LegalHold(case_id=case.id, reason="Rechtszaak", placed_by_id=users["archivist"].id)
    make.session.add(hold)
    make.session.commit()
    values["hold_id"] = hold.id  # /archief/bewaarplichten/<hold_id>/opheffen
    from gdt.services.worklists import saved_lists
    values["worklist_id"] = saved_lists.create(users["coordinator"], name="Open", kind="cases",
                                               raw_filters={"status": "open"}).id  # /werklijsten/<worklist_id>
    from gdt.models import CaseParty, Person
    people = [Person(name="Anna Bakker", name_key="anna bakker"), Person(name="Anna Bakker", name_key="anna bakker")]
    party = CaseParty(case=case, name="Anna Bakker", role="subject")
    make.session.add_all([*people, party])
    make.session.commit()
    values["person_id"], values["other_id"] = people[0].id, people[1].id  # /personen/<person_id>/merge/<other_id>
    values["party_id"] = party.id  # /personen/parties/<party_id>/link
    from gdt.services.notifications.notify import notify
    with unit_of_work():  # /voor-mij/<notification_id>: the coordinator's own
        values["notification_id"] = notify(users["coordinator"], "meeting_planned", case=case).id
    from gdt.services.documents import store as document_store
    from tests import document_files  # /documents/<document_id>/versions/<number>: shared with the case's partners
    values["document_id"] = document_store.add_document(
        case, document_type="besluit", title="Besluit", document_date=dates.today(), visible_to_partners=True,
        data=document_files.pdf(), filename="besluit.pdf", actor=users["coordinator"]).id
    values["number"] = 1
    from gdt.models.resident_contact import ResidentQuestion  # /questions/<question_id>/withdraw
    question = ResidentQuestion(report_id=report.id, text="Wanneer hoort u het?", asked_by_id=users["coordinator"].id)
    make.session.add(question)
    make.session.commit()
    values["question_id"] = question.id
    from gdt.services.texts import admin as standard_texts  # /admin/standaardteksten/<text_id>
    values["text_id"] = standard_texts.create_text(title="Vraag", moment="question", category_id=None,
                                                   body="Over melding {kenmerk}:", actor=None).id
    from gdt.services.letters import admin as letter_templates  # /admin/brieven/<template_id>
    values["template_id"] = letter_templates.create_template(name="Brief", is_decision=False, subject="Onderwerp",
                                                             body="Beste {{ geadresseerde }},", actor=None).id
    from gdt.services.interventions import recording  # /interventions/<intervention_id>, …/steps/<event>
    from tests.interventions import add_default_types
    add_default_types(make.session)
    values["intervention_id"] = recording.record(case, type_code="gesprek", status="proposed",
                                                 proposed_on=dates.today(), actor=None).id
    values["event"] = "decide"
    values["type_id"] = recording.get(values["intervention_id"], actor=users["coordinator"]).type_id  # /admin/…
    values["signal_id"] = 999_999  # /admin/deliveries/signalen/<signal_id>/resend: POST only
    from gdt.services.events import subscriptions as event_subscriptions  # /admin/abonnementen/<subscription_id>
    values["subscription_id"] = event_subscriptions.create(name="Matrix", url="http://127.0.0.1:9/x",
                                                           event_types=["nl.gdt.case.closed"], actor=None)[0].id
    values["delivery_id"] = 999_999  # /admin/abonnementen/mislukt/<delivery_id>/resend: POST only
    clients = {role: client_as(user=user) for role, user in users.items()}
    for client in clients.values():  # opened once, as from the mail: the clean link addresses need the session
        client.get(f"/doorverwijzing/{values['token']}")
        client.get(f"/casus/{values['case_token']}")
    return values, case, clients


def _rules(app, method):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or method not in rule.methods:
            continue
        yield rule, app.view_functions[rule.endpoint].required_roles


def _url(rule, values, case):
    arguments = {name: values[name] for name in rule.arguments if name != "id"}
    if "/cases/" in rule.rule or "/casussen/" in rule.rule:  # the pages' and the API's case routes
        arguments["reference"] = case.reference
    if rule.rule.startswith("/archief/vernietiging/"):  # a destruction list's reference, not a report's
        arguments["reference"] = values["list_ref"]
    if rule.rule.startswith("/casus/"):
        arguments["token"] = values["case_token"]
    if rule.rule.startswith("/admin/case-results/"):  # a result key, not a partner key
        arguments["key"] = "de-escalated"
    if rule.rule.startswith("/admin/indicators/"):  # an indicator key, not a partner key
        arguments["key"] = values["indicator"]
    if "id" in rule.arguments:  # the API's /meetings/<id>, /actions/<id>, /documents/<id> and /interventions/<id>
        arguments["id"] = values["action_id"] if "/actions/" in rule.rule else \
            values["document_id"] if "/documents/" in rule.rule else \
            values["intervention_id"] if "/interventions/" in rule.rule else values["meeting_id"]
    return rule.build(arguments)[1]


def _denied(roles) -> int:
    """401 where only API clients are allowed, 403 where other staff roles are."""
    return 401 if all(role.startswith("client:") for role in roles) else 403


def test_every_role_on_every_page(app, world):
    values, case, clients = world
    anonymous = app.test_client()
    checked = 0
    for rule, roles in _rules(app, "GET"):
        url = _url(rule, values, case)
        for role, client in clients.items():
            status = client.get(url).status_code
            assert status != 500, (url, role)
            if roles and role not in roles:
                assert status == _denied(roles), (url, role, status)
            else:
                assert status in OWN_ANSWERS.get(rule.endpoint, {200, 302}), (url, role, status)
            checked += 1
        if roles:
            assert anonymous.get(url).status_code in (302, 401), url
    assert checked > 40


def test_every_role_on_every_form_post(app, world):
    values, case, clients = world
    for rule, roles in _rules(app, "POST"):
        url = _url(rule, values, case)
        for role, client in clients.items():
            if roles and role not in roles:
                assert client.post(url, data={}).status_code == _denied(roles), (url, role)
