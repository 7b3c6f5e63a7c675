"""Categories kept by the admin: a key that is fixed once used, help text and public or staff-only, the category's own
triage deadline (or the general norm), a suggested partner, retiring without losing old reports or statistics, and
never without a category residents can choose."""
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Category, ReferenceChange, ReportEvent, ReportTally
from gdt.services.admin import categories
from gdt.services.core import deadlines, reference_data
from gdt.services.core.errors import ServiceError, ValidationFailed
from gdt.services.core.reference_data import DEFAULT_CATEGORIES
from gdt.services.intake import report_corrections, report_intake
from gdt.services.intake.report_corrections import CorrectionInput
from gdt.services.referrals import feedback
from gdt.services.referrals.feedback import Feedback
from gdt.services.reporting import funnel

PHONE = dict(description="Harde muziek", postcode="5611AB", house_number="1", reporter_is_anonymous=True)


@pytest.fixture
def admin(make):
    make.defaults()
    return make.user("admin")


def _new(admin, key="burenruzie", label="Burenruzie", **fields):
    return categories.create_category(key, label, actor=admin, **fields)


def _update(category, admin, **changes):
    fields = dict(label=category.label, help_text=category.help_text, is_public=category.is_public,
                  triage_working_days=category.triage_working_days, position=category.position,
                  suggested_partner=category.suggested_partner.key if category.suggested_partner else None)
    return categories.update_category(category, actor=admin, **fields | changes)


def _rows(db) -> dict[str, tuple]:
    db.session.expire_all()
    return {row.key: tuple(row) for row in db.session.execute(sa.select(
        Category.key, Category.label, Category.help_text, Category.is_public, Category.triage_working_days,
        Category.suggested_partner_id, Category.position, Category.is_active))}


def _audited(db, key: str) -> list[tuple]:
    return db.session.execute(sa.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.detail)
                              .where(AuditEvent.object_type == "category", AuditEvent.object_ref == key)
                              .order_by(AuditEvent.id)).all()


def _phone_report(make, key: str, **fields):
    data = report_intake.ReportInput(category=key, **PHONE | fields)
    return report_intake.register_phone_report(data, actor=make.user("intake"))


# --- create, validate ----------------------------------------------------------------------------------------------

def test_a_new_category_is_public_without_its_own_deadline_goes_last_and_is_offered_everywhere(admin, db, make):
    category = _new(admin, " Burenruzie ", " Ruzie  tussen buren ", help_text="Ruzie met de buren\r\nover geluid.",
                    suggested_partner="wijkteam")
    assert (category.key, category.label, category.help_text, category.is_public, category.triage_working_days,
            category.suggested_partner.key, category.position, category.is_active) == (
        "burenruzie", "Ruzie  tussen buren", "Ruzie met de buren over geluid.", True, None, "wijkteam",
        len(DEFAULT_CATEGORIES), True)
    assert reference_data.active_categories()[-1] == category
    assert reference_data.public_categories()[-1] == category
    assert _audited(db, "burenruzie") == [("create", admin.id, None)]
    [line] = categories.history(category)
    assert line.what == "Aangemaakt" and line.who == admin.name
    assert "Voorgestelde ketenpartner: Wijkteam" in line.details and "Sleutel: burenruzie" in line.details


@pytest.mark.parametrize("key", ["", "Buren ruzie", "-ruzie", "ruzie-", "ruzie--buren", "ruzie_buren", "rüzie",
                                 "a" * 41, "new"])
def test_the_key_must_be_a_slug(admin, db, key):
    before = _rows(db)
    with pytest.raises(ServiceError) as refused:
        _new(admin, key)
    assert refused.value.field == "key"
    assert _rows(db) == before


def test_a_key_that_exists_is_refused(admin, db):
    with pytest.raises(ServiceError) as refused:
        _new(admin, "GELUIDSOVERLAST")
    assert refused.value.field == "key" and "bestaat al" in str(refused.value.message)


@pytest.mark.parametrize("fields, field", [
    ({"label": " "}, "label"), ({"label": "x" * 81}, "label"), ({"help_text": "x" * 301}, "help_text"),
    ({"triage_working_days": "0"}, "triage_working_days"), ({"triage_working_days": "31"}, "triage_working_days"),
    ({"triage_working_days": "drie"}, "triage_working_days"), ({"triage_working_days": "2.5"}, "triage_working_days"),
    ({"triage_working_days": True}, "triage_working_days"),
    ({"suggested_partner": "bestaat-niet"}, "suggested_partner"),
])
def test_wrong_fields_are_refused_with_a_message_per_field(admin, db, fields, field):
    before = _rows(db)
    with pytest.raises(ValidationFailed) as refused:
        _new(admin, **fields)
    assert set(refused.value.errors) == {field}
    assert _rows(db) == before


def test_the_deadline_message_names_the_range_and_the_general_norm(admin):
    with pytest.raises(ValidationFailed) as refused:
        _new(admin, triage_working_days="40")
    assert str(refused.value.errors["triage_working_days"]) == (
        "Vul een aantal werkdagen in van 1 tot en met 30, of laat het leeg voor de algemene termijn (3 werkdagen).")


def test_every_wrong_field_is_refused_at_once(admin):
    with pytest.raises(ValidationFailed) as refused:
        _new(admin, "Geen sleutel", "", triage_working_days="99", suggested_partner="niemand")
    assert set(refused.value.errors) == {"key", "label", "triage_working_days", "suggested_partner"}


def test_the_suggested_partner_must_be_active_unless_it_already_was_the_suggestion(admin, make):
    make.partner("ggz", is_active=False)
    with pytest.raises(ValidationFailed) as refused:
        _new(admin, suggested_partner="ggz")
    assert str(refused.value.errors["suggested_partner"]) == "Kies een actieve ketenpartner, of geen."
    category = _new(admin, suggested_partner="politie")
    make.partner("politie", is_active=False)  # deactivated since: saving the page unchanged keeps it
    _update(category, admin, label="Burenruzie (algemeen)")
    assert category.suggested_partner.key == "politie"
    assert reference_data.suggested_partner(category) is None  # but it is no longer suggested
    with pytest.raises(ValidationFailed):
        _update(category, admin, suggested_partner="ggz")


# --- update and the key ----------------------------------------------------------------------------------------------

def test_update_changes_every_field_and_keeps_the_values_before_and_after(admin, db):
    category = reference_data.category_by_key("verward-gedrag")
    _update(category, admin, label="Verward of zorgwekkend gedrag", help_text="Iemand lijkt in de war.",
            is_public=False, triage_working_days="1", suggested_partner="ggz", position="0")
    assert _rows(db)["verward-gedrag"][1:] == ("Verward of zorgwekkend gedrag", "Iemand lijkt in de war.", False, 1,
                                               reference_data.partner_by_key("ggz").id, 0, True)
    [(action, actor, detail)] = _audited(db, "verward-gedrag")
    assert (action, actor) == ("update", admin.id)
    assert set(detail["fields"]) == {"label", "help_text", "is_public", "triage_working_days", "suggested_partner_id",
                                     "position"}
    [line] = categories.history(category)
    assert line.what == "Gewijzigd" and "Eigen termijn voor triage: – → 1 werkdag" in line.details
    assert "Voorgestelde ketenpartner: – → GGZ" in line.details and "Te kiezen door bewoners: ja → nee" in line.details


def test_an_update_that_changes_nothing_leaves_no_history(admin, db):
    category = reference_data.category_by_key("vervuiling")
    _update(category, admin)
    assert categories.history(category) == []


def test_the_key_may_change_while_nothing_uses_the_category_and_its_history_follows(admin, db):
    category = _new(admin)
    assert categories.key_fixed_because(category) is None
    _update(category, admin, key="ruzie-tussen-buren")
    assert category.key == "ruzie-tussen-buren"
    assert [line.what for line in categories.history(category)] == ["Gewijzigd", "Aangemaakt"]
    assert "Sleutel: burenruzie → ruzie-tussen-buren" in categories.history(category)[0].details
    assert _audited(db, "ruzie-tussen-buren")[0][2]["previous_key"] == "burenruzie"


def test_the_key_cannot_take_another_categorys_key(admin):
    category = _new(admin)
    with pytest.raises(ServiceError) as refused:
        _update(category, admin, key="overig")
    assert refused.value.field == "key" and "bestaat al" in str(refused.value.message)


def test_the_key_is_fixed_once_a_report_has_the_category(admin, db, make):
    category = _new(admin)
    make.report(category=category)
    make.report(category=category, channel="partner")
    assert categories.key_fixed_because(category) == "2 meldingen hebben deze categorie."
    with pytest.raises(ServiceError) as refused:
        _update(category, admin, key="ruzie")
    assert refused.value.field == "key" and refused.value.code == "key_fixed"
    assert str(refused.value.message) == "De sleutel staat vast: 2 meldingen hebben deze categorie."
    assert _rows(db)["burenruzie"][0] == "burenruzie"
    _update(category, admin, key="burenruzie", label="Burenruzie en pesten")  # the same key: fine
    assert category.label == "Burenruzie en pesten"


def test_the_key_is_fixed_once_the_statistics_count_it(admin, db):
    category = _new(admin)
    db.session.add(ReportTally(period=202600, facet="category", category_id=category.id, count=0))
    db.session.commit()
    assert categories.key_fixed_because(category) == "De statistieken tellen meldingen in deze categorie."


def test_the_key_is_fixed_once_a_correction_named_it_even_when_no_report_has_it_any_more(admin, db, make):
    category = _new(admin)
    clerk = make.user("intake")
    report = make.report(category=category, registered_by_id=clerk.id)
    data = CorrectionInput(category="overig", postcode=report.postcode, house_number=str(report.house_number),
                           house_number_addition=None, street=None, city=None, bag_id=None,
                           description=report.description, reason="Verkeerd gekozen.")
    report_corrections.correct_report(report, data, actor=clerk, seen_version=report.version)
    assert db.session.scalar(sa.select(ReportEvent.detail).where(ReportEvent.event == "correct"))["from"] == (
        "burenruzie")
    db.session.execute(sa.delete(ReportTally))  # PostgreSQL tallied the report too (+1, −1): only the event counts here
    assert categories.key_fixed_because(category) == "Een correctie van een melding noemt deze categorie."
    other = _new(admin, "buren")  # "buren" is part of "burenruzie" but not named itself
    assert categories.key_fixed_because(other) is None


# --- retire, reactivate --------------------------------------------------------------------------------------------

def test_a_retired_category_is_offered_nowhere_but_old_reports_lists_and_statistics_keep_it(admin, db, make):
    old = make.report(category=make.category("stankoverlast"), received_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    category = reference_data.category_by_key("stankoverlast")
    categories.set_category_active(category, False, actor=admin)

    assert category not in reference_data.active_categories() + reference_data.public_categories()
    assert reference_data.all_categories()[-1] == category  # list filters still offer it, last
    db.session.expire_all()
    assert old.category.key == "stankoverlast" and old.category.label == "Stankoverlast"
    assert ("stankoverlast", "Stankoverlast", 1) in [(row["key"], row["label"], row["count"])
                                                     for row in funnel.yearly_funnel(2026)["categories"]]
    with pytest.raises(ValidationFailed) as refused:
        _phone_report(make, "stankoverlast")
    assert set(refused.value.errors) == {"category"}
    assert _audited(db, "stankoverlast") == [("deactivate", admin.id, None)]
    assert categories.history(category)[0].what == "Gedeactiveerd"

    categories.set_category_active(category, True, actor=admin)
    assert category in reference_data.public_categories()
    assert _phone_report(make, "stankoverlast").category == category


def test_a_report_whose_category_was_retired_keeps_it_when_only_its_address_is_corrected(admin, make):
    clerk = make.user("intake")
    report = make.report(category=make.category("stankoverlast"), registered_by_id=clerk.id)
    categories.set_category_active(make.category("stankoverlast"), False, actor=admin)
    data = CorrectionInput(category="stankoverlast", postcode="5611AB", house_number="3", house_number_addition=None,
                           street=None, city=None, bag_id=None, description=report.description,
                           reason="Huisnummer verkeerd verstaan.")
    report_corrections.correct_report(report, data, actor=clerk, seen_version=report.version)
    assert (report.category.key, report.house_number) == ("stankoverlast", 3)
    with pytest.raises(ValidationFailed):  # but no other report may be moved into it
        report_corrections.correct_report(make.report(registered_by_id=clerk.id),
                                          data, actor=clerk, seen_version=1)


def _retire_all_public_but(keep: str, admin) -> None:
    for category in reference_data.public_categories():
        if category.key != keep:
            categories.set_category_active(category, False, actor=admin)


def test_the_last_active_public_category_cannot_be_retired_or_made_staff_only(admin, db):
    staff_only = _new(admin, "huiselijk-geweld", "Huiselijk geweld", is_public=False)
    _retire_all_public_but("overig", admin)
    last = reference_data.category_by_key("overig")
    before = _rows(db)
    with pytest.raises(ServiceError) as refused:
        categories.set_category_active(last, False, actor=admin)
    assert refused.value.code == "last_public_category" and "laatste actieve categorie" in str(refused.value.message)
    with pytest.raises(ServiceError):
        _update(last, admin, is_public=False)
    assert _rows(db) == before
    categories.set_category_active(staff_only, False, actor=admin)  # a staff-only one may go
    _update(staff_only, admin, is_public=True)  # a retired one may become public; it counts once active again
    categories.set_category_active(staff_only, True, actor=admin)
    categories.set_category_active(last, False, actor=admin)
    assert reference_data.public_categories() == [staff_only]


# --- public and staff channels -------------------------------------------------------------------------------------

def test_a_staff_only_category_is_offered_to_staff_and_refused_for_residents(admin, make):
    category = _new(admin, "huiselijk-geweld", "Huiselijk geweld", is_public=False)
    assert category in reference_data.active_categories() and category not in reference_data.public_categories()
    assert _phone_report(make, "huiselijk-geweld").category == category
    data = report_intake.ReportInput(category="huiselijk-geweld", **PHONE)
    with pytest.raises(ValidationFailed) as refused:
        report_intake.clean_report_input(data, resident=True)
    assert str(refused.value.errors["category"]) == "Kies een categorie."
    data.category = "geluidsoverlast"
    assert report_intake.clean_report_input(data, resident=True)["category"] == make.category()


# --- the triage deadline per category ------------------------------------------------------------------------------

MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _end_of(day: int) -> datetime:
    """23:59:59 Amsterdam time (winter: UTC+1) on that day of March 2026."""
    return datetime(2026, 3, day, 22, 59, 59, tzinfo=UTC)


def test_the_triage_deadline_uses_the_categorys_working_days_or_else_the_general_norm(app, admin, monkeypatch):
    own = _new(admin, triage_working_days="5")
    general = reference_data.category_by_key("overig")
    assert deadlines.triage_due(MONDAY, own) == _end_of(9)  # Monday + 5 working days: next Monday
    assert deadlines.triage_due(MONDAY, general) == _end_of(5)  # + 3 (TRIAGE_NORM_WORKING_DAYS)
    assert deadlines.triage_due(MONDAY, None) == _end_of(5)
    monkeypatch.setitem(app.config, "TRIAGE_NORM_WORKING_DAYS", 4)  # the norm falls back to the setting as it is
    assert deadlines.triage_due(MONDAY, general) == _end_of(6)
    assert deadlines.triage_due(MONDAY, own) == _end_of(9)
    assert categories.deadline_words(general) == "4 werkdagen (algemeen)"
    assert categories.deadline_words(own) == "5 werkdagen"
    _update(own, admin, triage_working_days="1")
    assert categories.deadline_words(own) == "1 werkdag"


def test_a_report_gets_its_categorys_deadline_at_intake_and_a_correction_does_not_move_it(admin, make):
    _new(admin, triage_working_days="10")
    report = _phone_report(make, "burenruzie")
    assert report.triage_due_at == deadlines.triage_due(report.received_at, report.category)
    assert report.triage_due_at > deadlines.triage_due(report.received_at, None)
    due = report.triage_due_at
    data = CorrectionInput(category="overig", postcode=report.postcode, house_number=str(report.house_number),
                           house_number_addition=None, street=None, city=None, bag_id=None,
                           description=report.description, reason="Andere categorie.")
    report_corrections.correct_report(report, data, actor=report.registered_by, seen_version=report.version)
    assert report.category.key == "overig" and report.triage_due_at == due


def test_a_report_returned_by_the_partner_gets_a_new_deadline_of_its_category(admin, make):
    category = _new(admin, triage_working_days="20")
    politie = make.partner("politie")
    report = make.report("referred", category=category, referred_partner=politie)
    referral = make.referral(report, partner=politie)
    feedback.record(referral, Feedback("return_to_team", reason="Hoort bij het team."), seen_version=referral.version)
    start = report.events[-1].occurred_at
    assert report.triage_due_at == deadlines.triage_due(start, category)
    assert report.triage_due_at > deadlines.triage_due(start, None)


def test_the_change_history_is_kept_under_the_id_with_every_change(admin, db):
    category = _new(admin)
    _update(category, admin, triage_working_days="5")
    categories.set_category_active(category, False, actor=admin)
    keys = set(db.session.scalars(sa.select(ReferenceChange.object_key)
                                  .where(ReferenceChange.object_type == "category")))
    assert keys == {str(category.id)}
    assert [line.what for line in categories.history(category)] == ["Gedeactiveerd", "Gewijzigd", "Aangemaakt"]
