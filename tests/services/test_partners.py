import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Partner, ReferenceChange
from gdt.services.admin import partners
from gdt.services.core import reference_data
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed


def _partner_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Partner))


def test_create_partner_normalises_the_key_and_the_address(make, db):
    partner = partners.create_partner(" Politie-Oost ", "Politie Oost", email=" Meldingen@Politie.NL ", kind="police",
                                      actor=make.user("admin"))
    assert (partner.key, partner.name, partner.kind, partner.email, partner.delivery_method, partner.is_active) == (
        "politie-oost", "Politie Oost", "police", "meldingen@politie.nl", "email", True)
    assert partner.webhook_secret_salt is None  # a mail partner has no secret
    audited = db.session.scalars(sa.select(AuditEvent.object_ref).where(AuditEvent.object_type == "partner")).all()
    assert audited == ["politie-oost"]


@pytest.mark.parametrize("key", ["", "politie oost", "-politie", "politie-", "politie--oost", "politie_oost",
                                 "pölitie", "politie/oost", "a" * 61, "new"])
def test_partner_key_must_be_lower_case_letters_digits_and_single_hyphens(make, db, key):
    admin = make.user("admin")
    with pytest.raises(ServiceError) as refused:
        partners.create_partner(key, "Een partner", actor=admin)
    assert refused.value.field == "key"
    assert _partner_count(db) == 0


def test_duplicate_partner_key_is_refused_and_changes_nothing(make, db):
    existing = make.partner("politie")
    before = _partner_count(db)
    with pytest.raises(ServiceError) as refused:
        partners.create_partner("POLITIE", "Tweede politie", email="twee@politie.nl", actor=make.user("admin"))
    assert refused.value.field == "key" and "bestaat al" in str(refused.value.message)
    assert _partner_count(db) == before and existing.name == "Politie"


def test_create_partner_reports_every_wrong_field_at_once(make):
    with pytest.raises(ValidationFailed) as refused:
        partners.create_partner("Geen Sleutel", " ", email="geen-adres", kind="bakker", actor=make.user("admin"))
    assert set(refused.value.errors) == {"key", "name", "email", "kind"}


def test_update_partner_changes_name_and_kind_and_clears_the_email_only_for_a_webhook(make, db):
    partner = make.partner("wijkteam", email="wijkteam@gemeente.nl")
    admin = make.user("admin")
    with pytest.raises(ValidationFailed) as refused:
        partners.update_partner(partner, name="Wijkteam Centrum", email="", kind="social", actor=admin)
    assert set(refused.value.errors) == {"email"} and "per e-mail" in str(refused.value.errors["email"])
    db.session.refresh(partner)
    assert (partner.name, partner.email) == ("Wijkteam", "wijkteam@gemeente.nl")
    partners.update_partner(partner, name="Wijkteam Centrum", email="", kind="social", actor=admin,
                            delivery_method="webhook", webhook_url="https://wijkteam.example/gdt")
    assert (partner.key, partner.name, partner.kind, partner.email) == ("wijkteam", "Wijkteam Centrum", "social", None)


def test_deactivated_partner_is_no_longer_offered_for_referrals(make, db):
    partner = make.partner("politie")
    partners.set_partner_active(partner, False, actor=make.user("admin"))
    assert not partner.is_active
    assert "politie" not in [active.key for active in reference_data.active_partners()]
    assert partners.get_partner("politie") == partner  # its history stays reachable
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_ref == "politie")).all()
    assert actions == ["deactivate"]


def test_reactivated_partner_is_offered_again(make):
    partner = make.partner("politie", is_active=False)
    partners.set_partner_active(partner, True, actor=make.user("admin"))
    assert "politie" in [active.key for active in reference_data.active_partners()]


def test_unknown_partner_key_is_not_found(db):
    with pytest.raises(NotFound):
        partners.get_partner("bestaat-niet")


def _history_rows(db, key: str) -> list[tuple[str, dict | None]]:
    return [(change.action, change.changes) for change in db.session.scalars(
        sa.select(ReferenceChange).where(ReferenceChange.object_type == "partner", ReferenceChange.object_key == key)
        .order_by(ReferenceChange.id))]


def test_a_mail_partner_needs_an_address_and_a_webhook_partner_a_url(make, db):
    admin = make.user("admin")
    with pytest.raises(ValidationFailed) as by_mail:
        partners.create_partner("ggz-zuid", "GGZ Zuid", kind="care", actor=admin)
    with pytest.raises(ValidationFailed) as by_webhook:
        partners.create_partner("ggz-zuid", "GGZ Zuid", kind="care", delivery_method="webhook", actor=admin)
    with pytest.raises(ValidationFailed) as unknown:
        partners.create_partner("ggz-zuid", "GGZ Zuid", kind="care", delivery_method="fax", actor=admin)
    assert set(by_mail.value.errors) == {"email"} and set(by_webhook.value.errors) == {"webhook_url"}
    assert "Vul het webhookadres in" in str(by_webhook.value.errors["webhook_url"])
    assert set(unknown.value.errors) == {"delivery_method"}
    assert _partner_count(db) == 0 and _history_rows(db, "ggz-zuid") == []


@pytest.mark.parametrize("url", ["http://127.0.0.2/hook", "http://10.0.0.5/hook", "ftp://ggz.example/hook",
                                 "https://user:pw@ggz.example/hook", "ggz.example/hook"])
def test_a_webhook_url_follows_the_outbound_rules_when_created(make, db, url):
    with pytest.raises(ValidationFailed) as refused:
        partners.create_partner("ggz-zuid", "GGZ Zuid", delivery_method="webhook", webhook_url=url,
                                actor=make.user("admin"))
    assert set(refused.value.errors) == {"webhook_url"} and "webadres" in str(refused.value.errors["webhook_url"])
    assert _partner_count(db) == 0


def test_a_new_webhook_partner_gets_its_secret_and_its_history_says_so_without_the_value(make, db):
    from gdt.services.referrals import delivery

    admin = make.user("admin")
    partner = partners.create_partner("ggz-zuid", "GGZ Zuid", kind="care", delivery_method="webhook",
                                      webhook_url="https://ggz.example/gdt", actor=admin)
    secret = partners.webhook_secret(partner)
    assert partner.webhook_secret_salt and secret == delivery.webhook_secret(partner) and len(secret) == 64
    rows = _history_rows(db, "ggz-zuid")
    assert [action for action, _ in rows] == ["create", "rotate_webhook_secret"]
    assert rows[0][1]["webhook_url"] == [None, "https://ggz.example/gdt"] and rows[1][1] is None
    stored = str(rows)
    assert secret not in stored and partner.webhook_secret_salt not in stored
    lines = partners.history(partner)
    assert [line.what for line in lines] == ["Nieuw webhookgeheim gemaakt", "Aangemaakt"]
    assert lines[0].details == () and lines[0].who == admin.name
    assert {"Bezorging: Webhook", "Soort: Zorg (GGZ)", "Naam: GGZ Zuid"} <= set(lines[1].details)


def test_every_change_is_in_the_history_with_the_values_before_and_after(make, db):
    admin = make.user("admin")
    partner = partners.create_partner("wijkteam-noord", "Wijkteam", email="noord@wijkteam.nl", kind="social",
                                      actor=admin)
    partners.update_partner(partner, name="Wijkteam Noord", email="noord@wijkteam.nl", kind="social", actor=admin)
    partners.update_partner(partner, name="Wijkteam Noord", email="noord@wijkteam.nl", kind="social",
                            actor=admin)  # nothing changed: no line
    partners.update_partner(partner, name="Wijkteam Noord", email="noord@wijkteam.nl", kind="social", actor=None,
                            delivery_method="webhook", webhook_url="https://wijkteam.example/gdt")
    first_salt = partner.webhook_secret_salt
    partners.update_partner(partner, name="Wijkteam Noord", email="noord@wijkteam.nl", kind="social", actor=admin)
    partners.update_partner(partner, name="Wijkteam Noord", email="noord@wijkteam.nl", kind="social", actor=admin,
                            delivery_method="webhook", webhook_url="https://wijkteam.example/gdt")
    assert partner.webhook_secret_salt == first_salt  # back to webhook: the secret the partner has stays
    partners.deactivate_partner(partner, actor=admin)
    partners.set_partner_active(partner, True, actor=admin)
    assert [action for action, _ in _history_rows(db, "wijkteam-noord")] == [
        "create", "update", "update", "rotate_webhook_secret", "update", "update", "deactivate", "activate"]
    lines = partners.history(partner)
    assert [line.what for line in lines][:3] == ["Geactiveerd", "Gedeactiveerd", "Gewijzigd"]
    assert lines[1].details == ("Actief: ja → nee",)
    switched = lines[5]
    assert switched.who == "beheerder via de opdrachtregel"
    assert set(switched.details) == {"Bezorging: E-mail → Webhook", "Webhookadres: – → https://wijkteam.example/gdt"}
    assert lines[-2].details == ("Naam: Wijkteam → Wijkteam Noord",)


def test_rotating_makes_a_new_secret_at_once_and_a_mail_partner_has_none(make, db):
    admin = make.user("admin")
    partner = partners.create_partner("ggz-zuid", "GGZ Zuid", delivery_method="webhook",
                                      webhook_url="https://ggz.example/gdt", actor=admin)
    old = partners.webhook_secret(partner)
    new = partners.rotate_webhook_secret(partner, actor=admin)
    assert new != old and partners.webhook_secret(partner) == new
    assert [action for action, _ in _history_rows(db, "ggz-zuid")][-1] == "rotate_webhook_secret"
    audited = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_ref == "ggz-zuid")).all()
    assert audited.count("rotate_webhook_secret") == 2
    mail = make.partner("politie", email="politie@example.nl")
    with pytest.raises(ServiceError) as refused:
        partners.rotate_webhook_secret(mail, actor=admin)
    assert "per e-mail" in str(refused.value.message) and mail.webhook_secret_salt is None


def test_update_with_a_new_secret_replaces_the_old_one(make, db):
    partner = partners.create_partner("ggz-zuid", "GGZ Zuid", delivery_method="webhook",
                                      webhook_url="https://ggz.example/gdt", actor=None)
    old = partners.webhook_secret(partner)
    partners.update_partner(partner, name=partner.name, email=None, kind=partner.kind, delivery_method="webhook",
                            webhook_url=partner.webhook_url, new_secret=True, actor=None)
    assert partners.webhook_secret(partner) != old
    assert [action for action, _ in _history_rows(db, "ggz-zuid")] == [
        "create", "rotate_webhook_secret", "rotate_webhook_secret"]
