"""The processing register entry (AVG art. 30): recipients from the active partners, retention from the rules,
security measures from the settings, and the PDF."""
import io

import pypdf
import sqlalchemy as sa

from gdt.models import RetentionRule
from gdt.services.privacy import processing_register as register


def test_the_recipients_are_the_active_partners_with_how_data_reaches_them(app, make):
    make.partner("politie", name="Politie Eenheid Oost")
    make.partner("woonbron", name="Woonbron", delivery_method="webhook", webhook_url="https://woonbron.example/in")
    make.partner("oud", name="Opgeheven stichting", is_active=False)
    make.user("partner", partner=make.partner("politie"))
    found = {recipient.name: recipient for recipient in register.recipients()}
    assert "Opgeheven stichting" not in found
    police, housing = found["Politie Eenheid Oost"], found["Woonbron"]
    assert police.channels[0].startswith("E-mail met een persoonlijke, ondertekende link die "
                                         f"{app.config['REFERRAL_LINK_DAYS']} dagen")
    assert any(channel.startswith("Partneraccount") for channel in police.channels)
    assert housing.channels == ["Ondertekend bericht aan het eigen systeem van de partner (webhook)"]


def test_the_retention_periods_are_the_rules_in_force_in_dutch(make, db):
    make.defaults()
    db.session.add_all([
        RetentionRule(kind="audit", key="", months=60, source="BIO 12.4.1"),
        RetentionRule(kind="case_result", key="*", months=24, nomination="destroy"),
        RetentionRule(kind="case_result", key="de-escalated", months=18, nomination="keep",
                      source="Selectielijst gemeenten 2020"),
        RetentionRule(kind="contact", key="", months=12),
    ])
    db.session.commit()
    lines = register.retention()
    found = {line.what: (line.period, line.starts, line.nomination, line.source) for line in lines}
    assert lines[0].what == "Gesloten casus: elk ander resultaat"
    assert found["Gesloten casus: elk ander resultaat"] == ("2 jaar", "na het sluiten van de casus", "Vernietigen",
                                                          None)
    own = [line for line in lines[1:] if line.what.startswith("Gesloten casus: ")]
    assert [(line.period, line.nomination, line.source) for line in own] == [
        ("18 maanden", "Blijvend bewaren", "Selectielijst gemeenten 2020")]  # results without a rule: not repeated
    assert found["Contactgegevens van de melder"] == ("1 jaar", "na de afhandeling van de melding", "Vernietigen",
                                                      None)
    assert found["Auditlog"] == ("5 jaar", "na de dag van de gebeurtenis", "Vernietigen", "BIO 12.4.1")
    # A kind without a row: the built-in default applies, and the register says so.
    assert "Melding die het team niet oppakte: doorverwezen naar een ketenpartner" in found
    assert "Foto's en geluidsfragmenten" in found
    rule = db.session.scalar(sa.select(RetentionRule).where(RetentionRule.kind == "audit"))
    rule.months = 84
    db.session.commit()
    assert {line.what: line.period for line in register.retention()}["Auditlog"] == "7 jaar"  # read when asked


def test_the_security_measures_follow_the_settings(app):
    saved = app.config["MFA_REQUIRED"], app.config["SESSION_IDLE_MINUTES"]
    try:
        app.config.update(MFA_REQUIRED=True, SESSION_IDLE_MINUTES=15.0)
        measures = dict(register.security_measures(app.config))
        assert measures["Tweede factor"].startswith("Verplicht")
        assert "na 15 minuten zonder activiteit" in measures["Sessies"]
        assert "argon2id" in measures["Wachtwoorden"]
        app.config.update(MFA_REQUIRED=False)
        assert "MFA_REQUIRED staat uit" in dict(register.security_measures(app.config))["Tweede factor"]
    finally:
        app.config.update(MFA_REQUIRED=saved[0], SESSION_IDLE_MINUTES=saved[1])


def test_the_pdf_is_dutch_and_lists_partners_and_rules(app, make, db):
    make.partner("politie", name="Politie Eenheid Oost")
    db.session.add(RetentionRule(kind="attachments", key="", months=6))
    db.session.commit()
    with app.test_request_context():
        data = register.render_pdf()
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert data.startswith(b"%PDF")
    for expected in ("Verwerkingsregister (AVG art. 30)", app.config["MUNICIPALITY_NAME"], "Politie Eenheid Oost",
                     "Foto's en geluidsfragmenten", "6 maanden", "Doorgifte buiten de EU"):
        assert expected in text, expected
