"""Letters from templates: every seeded template with every field renders (read back from the PDF), the sandbox
refuses what reaches outside it, WeasyPrint fetches nothing, the admin's rules and saving a letter on a case."""
import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pypdf
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, CaseParty
from gdt.models.documents import CaseDocument
from gdt.models.letters import LetterTemplate
from gdt.services.core.errors import Conflict, Forbidden, ValidationFailed
from gdt.services.letters import admin, generate, pdf, sandbox
from gdt.services.letters.defaults import DEFAULT_TEMPLATES
from gdt.services.letters.fields import DEMO_FIELDS, FIELDS

OBJECTION = "Bent u het niet eens met dit besluit? Dan kunt u binnen zes weken na de dag van verzending bezwaar maken"
EVERY_FIELD = "\n\n".join(f"{name}: {{{{ {name} }}}}" for name in FIELDS)


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def images_in(data: bytes) -> int:
    return sum(len(page.images) for page in pypdf.PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def templates(db):
    admin.ensure_defaults()
    return {template.name: template for template in admin.list_templates()}


@pytest.fixture
def letter_case(make):
    coordinator = make.user("coordinator", name="Regisseur Roos")
    case = make.case()
    make.report("escalated", case=case, street="Lindelaan", house_number=12, postcode="5611AB", city="Eindhoven")
    party = CaseParty(case=case, name="Piet de Vries", role="subject")
    make.session.add(party)
    make.session.commit()
    return case, coordinator, party


def test_the_defaults_are_the_four_templates_once(db, templates):
    assert sorted(templates) == sorted(name for name, *_ in DEFAULT_TEMPLATES)
    assert [name for name, template in templates.items() if template.is_decision] == ["Besluit gedragsaanwijzing"]
    assert admin.ensure_defaults() == 0


@pytest.mark.parametrize("name", [row[0] for row in DEFAULT_TEMPLATES])
def test_every_seeded_template_renders_with_every_field(app, db, templates, name):
    template = templates[name]
    data = pdf.render(admin.demo_letter(template.name, template.is_decision, template.subject, template.body))
    text = text_of(data)
    for value in ("J. Voorbeeld", "C-2026-0042", "8 december 2026", "A. de Regisseur", "Gemeente Voorbeeld",
                  "Ons kenmerk", "Onderwerp", "Postbus 1000"):
        assert value in text
    assert " ".join(sandbox.render_subject(template.subject, DEMO_FIELDS).split()) in text
    assert (OBJECTION in text) == template.is_decision
    assert "{{" not in text and "{%" not in text
    metadata = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert metadata.title == f"{name} C-2026-0042"


def test_the_intention_invites_a_zienswijze(app, db, templates):
    template = templates["Voornemen gedragsaanwijzing"]
    text = text_of(pdf.render(admin.demo_letter(template.name, False, template.subject, template.body)))
    assert "zienswijze" in text and "4:8" in text and "151d" in text


def test_a_template_with_every_field_shows_each_value(app, db):
    text = text_of(pdf.render(admin.demo_letter("Alle velden", False, "Alles voor {{ geadresseerde }}",
                                                EVERY_FIELD)))
    for name, value in DEMO_FIELDS.items():
        assert f"{name}: {value}" in text
    assert "Alles voor J. Voorbeeld" in text


def test_field_values_are_escaped(app, db):
    body = sandbox.render_body("Beste {{ geadresseerde }}", dict(DEMO_FIELDS, geadresseerde="<b>Jan</b>"))
    assert "&lt;b&gt;Jan&lt;/b&gt;" in body and "<b>" not in body


@pytest.mark.parametrize("body, says", [
    ("{{ ''.__class__.__mro__ }}", "alleen de velden"),
    ("{{ kenmerk.__class__ }}", "alleen de velden"),
    ("{{ kenmerk.upper.__globals__ }}", "alleen de velden"),
    ("{% import 'base.html' as base %}", "include, import, extends"),
    ("{% from 'base.html' import x %}", "include, import, extends"),
    ('{% include "base.html" %}', "include, import, extends"),
    ('{% extends "base.html" %}', "include, import, extends"),
    ("{{ config }}", "config is geen veld"),
    ("{{ request.environ }}", "request is geen veld"),
    ("{{ kenmrk }}", "kenmrk is geen veld"),
    ("{% if %}", "Fout in het sjabloon op regel 1"),
    ("{{ kenmerk", "Fout in het sjabloon"),
    ("{% for i in kenmerk %}{% for j in kenmerk %}x{% endfor %}{% endfor %}", "geen herhalingen"),
    ("{{ range(10) }}", "range is geen veld"),
    ("{{ 'x' * 1000000000 }}", "geen herhalingen"),
    ("{{ kenmerk|center(1000000000) }}", "Fout in het sjabloon"),
    ("{% macro m() %}x{% endmacro %}", "geen herhalingen"),
    ("{% set a = toelichting ~ toelichting %}{{ a }}", "variabelen (set, with)"),
    ('{{ kenmerk|replace("", "xxxxxxxxxx")|replace("", "xxxxxxxxxx") }}', "Fout in het sjabloon"),
    ("{% with a = kenmerk %}{{ a }}{% endwith %}", "variabelen (set, with)"),
])
def test_a_template_reaching_outside_the_sandbox_is_refused_with_a_message(app, db, body, says):
    with pytest.raises(ValidationFailed) as refused:
        admin.create_template(name="Poging", is_decision=False, subject="Onderwerp", body=body, actor=None)
    message = str(refused.value.errors["body"])
    assert says in message
    assert db.session.scalar(sa.select(LetterTemplate).where(LetterTemplate.name == "Poging")) is None


def test_the_subject_is_checked_too(app, db):
    with pytest.raises(ValidationFailed) as refused:
        admin.create_template(name="Poging", is_decision=False, subject="{{ self }}", body="Tekst", actor=None)
    assert "self is geen veld" in str(refused.value.errors["subject"])


class _Recorder(BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red; }")

    def log_message(self, *args):
        pass


def test_weasyprint_fetches_nothing_a_template_names(app, db, tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("GEHEIM-WACHTWOORD")
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        body = (f'<img src="file:///etc/passwd" alt="x">\n\n<img src="file://{secret}" alt="y">\n\n'
                f'<link rel="stylesheet" href="{url}/style.css">\n\n<img src="{url}/foto.png" alt="z">\n\n'
                f'<p style="background: url({url}/achtergrond.png)">Tekst</p>\n\n'
                f'<iframe src="file://{secret}"></iframe><object data="file://{secret}"></object>')
        admin.create_template(name="Met bronnen", is_decision=False, subject="Onderwerp", body=body, actor=None)
        data = admin.preview_pdf(name="Met bronnen", is_decision=False, subject="Onderwerp", body=body)
    finally:
        server.shutdown()
        server.server_close()
    text = text_of(data)
    assert "Tekst" in text.replace(" ", "")
    assert "root:" not in text and "GEHEIM" not in text and b"GEHEIM" not in data
    assert _Recorder.hits == []
    assert images_in(data) == 0  # nothing fetched is embedded (the shipped logo is an SVG, drawn as vectors)


def test_the_fetcher_serves_only_data_urls(app):
    fetcher = pdf.data_only_fetcher()
    for url in ("file:///etc/passwd", "http://127.0.0.1/x", "https://example.org/x", "ftp://x/y"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain;base64,SGFsbG8=") is not None


def test_admin_edit_uses_optimistic_locking_and_audits(app, db, make, templates):
    admin_user = make.user("admin")
    template = templates["Waarschuwingsbrief"]
    seen = template.version
    admin.update_template(template, name=template.name, is_decision=False, subject="Waarschuwing",
                          body=template.body, seen_version=seen, actor=admin_user)
    with pytest.raises(Conflict):
        admin.update_template(template, name=template.name, is_decision=False, subject="Oud", body=template.body,
                              seen_version=seen, actor=admin_user)
    assert template.subject == "Waarschuwing"
    with pytest.raises(ValidationFailed) as refused:
        admin.update_template(template, name="uitnodiging voor een gesprek", is_decision=False, subject="x",
                              body="x", seen_version=template.version, actor=admin_user)
    assert "al een briefsjabloon" in str(refused.value.errors["name"])
    admin.set_template_active(template, False, actor=admin_user)
    assert template not in generate.active_templates()
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type == "letter_template"))
    assert set(actions) >= {"update", "deactivate"}


def choices(templates, party, **overrides):
    return {"template_id": templates["Waarschuwingsbrief"].id, "party_id": party.id,
            "address": "Lindelaan 12, 5611 AB Eindhoven", "toelichting": "Meldingen over harde muziek."} | overrides


def test_a_coordinator_saves_a_warning_letter_on_the_case(app, db, templates, letter_case):
    case, coordinator, party = letter_case
    assert generate.case_address(case) == "Lindelaan 12, 5611 AB Eindhoven"
    document = generate.save(case, actor=coordinator, **choices(templates, party))
    assert isinstance(document, CaseDocument)
    assert document.document_type == "brief" and not document.visible_to_partners
    assert document.title == "Waarschuwingsbrief aan Piet de Vries"
    version = document.versions[0]
    assert version.source == "letter" and version.letter_template_name == "Waarschuwingsbrief"
    assert version.content_type == "application/pdf"
    from gdt.services.core.attachment_store import directory
    text = text_of((directory() / version.storage_name).read_bytes())
    assert "Piet de Vries" in text and case.reference in text and "Regisseur Roos" in text
    assert "Meldingen over harde muziek." in text and "Lindelaan 12" in text
    audited = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "generate_letter"))
    assert audited.object_ref == case.reference and audited.detail["document"] == document.id


def test_a_decision_is_saved_as_besluit_with_the_objection_clause(app, db, templates, letter_case):
    case, coordinator, _party = letter_case
    template = templates["Besluit gedragsaanwijzing"]
    data = generate.preview(case, actor=coordinator, template_id=template.id, addressee_name="Mevrouw K. Jansen",
                            address="Lindelaan 12, 5611 AB Eindhoven")
    assert OBJECTION in text_of(data) and "Mevrouw K. Jansen" in text_of(data)
    document = generate.save(case, actor=coordinator, template_id=template.id, addressee_name="Mevrouw K. Jansen",
                             address="Lindelaan 12, 5611 AB Eindhoven")
    assert document.document_type == "besluit"


def test_bad_choices_are_refused_with_messages_and_nothing_saved(app, db, templates, letter_case, make):
    case, coordinator, party = letter_case
    other_party = CaseParty(case=make.case(), name="Iemand anders", role="subject")
    make.session.add(other_party)
    make.session.commit()
    with pytest.raises(ValidationFailed) as refused:
        generate.save(case, actor=coordinator, template_id="x", party_id=other_party.id, address="",
                      intervention_id=999999)
    assert set(refused.value.errors) == {"template_id", "party_id", "address", "intervention_id"}
    templates["Waarschuwingsbrief"].is_active = False
    with pytest.raises(ValidationFailed) as refused:
        generate.save(case, actor=coordinator, **choices(templates, party))
    assert "template_id" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:
        generate.save(case, actor=coordinator, **choices(templates, party, template_id=templates[
            "Uitnodiging voor een gesprek"].id, party_id=None, addressee_name=""))
    assert "addressee_name" in refused.value.errors
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 0


@pytest.mark.parametrize("role", ["partner", "intake", "manager", "admin"])
def test_only_the_cases_coordinators_write_letters(app, db, templates, letter_case, make, role):
    case, _coordinator, party = letter_case
    with pytest.raises(Forbidden):
        generate.save(case, actor=make.user(role), **choices(templates, party))
