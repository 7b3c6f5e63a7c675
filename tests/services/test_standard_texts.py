"""Standard texts: safe filling, placeholders refused at save, the category's own text first, and the mails."""
import pytest

from gdt.models import AuditEvent
from gdt.models.standard_texts import StandardText
from gdt.services.core.errors import Conflict, ServiceError
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import receipts
from gdt.services.texts import admin, lookup, placeholders
from gdt.services.texts.defaults import DEFAULT_BODIES, DEFAULT_TEXTS
from gdt.services.triage import report_triage

EMAIL = "melder@example.nl"


def new_text(make, body="Wij pakken melding {kenmerk} op.", moment="receipt", category=None, title="Tekst"):
    return admin.create_text(title=title, moment=moment, category_id=category.id if category else None, body=body,
                             actor=make.user("admin"))


def test_fill_replaces_known_placeholders_and_nothing_else():
    body = "Melding {kenmerk} van {datum_ontvangen}; {onbekend} en {kenmerk.__class__} en {0} blijven staan."
    filled = placeholders.fill(body, {"kenmerk": "GDT-2026-000001", "datum_ontvangen": "01-03-2026"})
    assert filled == ("Melding GDT-2026-000001 van 01-03-2026; {onbekend} en {kenmerk.__class__} en {0} "
                      "blijven staan.")


def test_fill_never_interprets_a_value():
    assert placeholders.fill("{kenmerk} {gemeente}", {"kenmerk": "{gemeente}", "gemeente": "Eindhoven"}) == (
        "{gemeente} Eindhoven")


def test_fill_leaves_a_placeholder_without_a_value_for_the_writer_to_see():
    assert placeholders.fill("Doorgezet naar {partner}.", {"kenmerk": "X"}) == "Doorgezet naar {partner}."


@pytest.mark.parametrize(("body", "moment", "refused"), [
    ("Uw melding {referentie}", "receipt", ["referentie"]),
    ("Uw melding {kenmerk.upper}", "question", ["kenmerk.upper"]),
    ("Uw melding { kenmerk }", "question", [" kenmerk "]),
    ("Doorgezet naar {partner}", "closed", ["partner"]),
    ("Over uw {categorie}", "receipt", ["categorie"]),  # the automatic mails never name what was reported
])
def test_an_unknown_or_misplaced_placeholder_is_refused_at_save(db, make, body, moment, refused):
    assert placeholders.refused_in(body, moment) == refused
    with pytest.raises(ServiceError) as error:
        new_text(make, body=body, moment=moment)
    assert error.value.field == "body" and "{" + refused[0] + "}" in str(error.value.message)
    assert db.session.query(StandardText).count() == 0


def test_allowed_placeholders_per_moment_are_accepted(db, make):
    assert new_text(make, body="Doorgezet naar {partner} ({kenmerk}).", moment="referred").is_active
    assert new_text(make, body="Uw melding over {categorie}: wij hebben een vraag.", moment="question").is_active


def test_choices_prefer_the_categorys_own_text_then_the_general_ones(db, make):
    noise, litter = make.category("geluidsoverlast"), make.category("vervuiling")
    general = new_text(make, title="Algemeen")
    own = new_text(make, title="Zo werkt het bij geluid", category=noise)
    new_text(make, title="Vervuiling", category=litter)
    inactive = new_text(make, title="Oud", category=noise)
    admin.set_text_active(inactive, False, actor=None)
    new_text(make, title="Een vraag", moment="question")

    assert lookup.choices("receipt", noise.id) == [own, general]
    assert lookup.choices("receipt", None) == [general]
    assert lookup.body_for("receipt", noise.id) == own.body
    assert lookup.body_for("closed", noise.id) == DEFAULT_BODIES["closed"]  # none active: the built-in default


def test_an_edit_on_an_older_copy_is_refused_and_changes_nothing(db, make):
    text = new_text(make)
    seen = text.version
    admin.update_text(text, title="Nieuw", moment="receipt", category_id="", body="Eerste {kenmerk}",
                      seen_version=seen, actor=None)
    with pytest.raises(Conflict):
        admin.update_text(text, title="Later", moment="receipt", category_id="", body="Tweede", seen_version=seen,
                          actor=None)
    db.session.refresh(text)
    assert (text.title, text.body) == ("Nieuw", "Eerste {kenmerk}")


def test_changes_are_audited_without_the_text(db, make):
    text = new_text(make, body="Geheim {kenmerk}")
    admin.set_text_active(text, False, actor=None)
    events = db.session.query(AuditEvent).filter_by(object_type="standard_text").order_by(AuditEvent.id).all()
    assert [event.action for event in events] == ["create", "deactivate"]
    assert all("Geheim" not in str(event.detail) for event in events)


def test_ensure_defaults_adds_one_text_per_moment_once(db):
    assert admin.ensure_defaults() == len(DEFAULT_TEXTS)
    assert admin.ensure_defaults() == 0
    assert {text.moment for text in admin.list_texts()} == {moment for moment, _, _ in DEFAULT_TEXTS}
    for moment, _title, body in DEFAULT_TEXTS:
        assert placeholders.refused_in(body, moment) == []


def test_preview_uses_the_made_up_values():
    assert admin.preview("Melding {kenmerk} in {gemeente}") == "Melding GDT-2026-000123 in Gemeente Voorbeeld"


@pytest.mark.integration
def test_the_receipt_mail_uses_the_categorys_text_filled_for_the_report(app, db, make, inbox):
    noise = make.category("geluidsoverlast")
    new_text(make, category=noise, body="Binnen {termijn} kijken wij naar melding {kenmerk} ({gemeente}).")
    report = make.report(reporter_email=EMAIL, category=noise)
    with unit_of_work():
        receipts.queue_receipt(report)
    [(_, sent)] = inbox.received
    text = " ".join(sent.get_content().split())
    assert "Wat gebeurt er nu?" in text
    days, municipality = app.config["TRIAGE_NORM_WORKING_DAYS"], app.config["MUNICIPALITY_NAME"]
    assert f"Binnen {days} werkdagen kijken wij naar melding {report.reference} ({municipality})." in text
    assert "Een medewerker van het De-escalatieteam" not in text


@pytest.mark.integration
def test_without_a_text_the_receipt_keeps_the_default_wording(db, make, inbox):
    report = make.report(reporter_email=EMAIL)
    with unit_of_work():
        receipts.queue_receipt(report)
    [(_, sent)] = inbox.received
    assert "Een medewerker van het De-escalatieteam van de gemeente beoordeelt uw melding." in " ".join(
        sent.get_content().split())


@pytest.mark.integration
def test_the_referral_notice_names_the_partner_only_where_the_text_asks(db, make, inbox):
    make.partner("politie", name="Politie Eindhoven")
    new_text(make, moment="referred", body="Uw melding {kenmerk} is doorgezet naar {partner}.")
    report = make.report(reporter_email=EMAIL, reporter_may_contact=True)
    report_triage.refer_report(report, "politie", None, actor=make.user(), seen_version=report.version)
    [text] = [mail.get_content() for recipients, mail in inbox.received if recipients == [EMAIL]]
    assert f"Uw melding {report.reference} is doorgezet naar Politie Eindhoven." in text
    assert report.description not in text and report.category.label not in text
