import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent, Partner
from gdt.services.admin import partners
from gdt.services.core import reference_data
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed


def _partner_count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Partner))


def test_create_partner_normalises_the_key_and_leaves_email_optional(make, db):
    partner = partners.create_partner(" Politie-Oost ", "Politie Oost", kind="police", actor=make.user("admin"))
    assert (partner.key, partner.name, partner.kind, partner.email, partner.is_active) == (
        "politie-oost", "Politie Oost", "police", None, True)
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
        partners.create_partner("POLITIE", "Tweede politie", actor=make.user("admin"))
    assert refused.value.field == "key" and "bestaat al" in str(refused.value.message)
    assert _partner_count(db) == before and existing.name == "Politie"


def test_create_partner_reports_every_wrong_field_at_once(make):
    with pytest.raises(ValidationFailed) as refused:
        partners.create_partner("Geen Sleutel", " ", email="geen-adres", kind="bakker", actor=make.user("admin"))
    assert set(refused.value.errors) == {"key", "name", "email", "kind"}


def test_update_partner_changes_name_kind_and_clears_the_email(make):
    partner = make.partner("wijkteam", email="wijkteam@gemeente.nl")
    partners.update_partner(partner, name="Wijkteam Centrum", email="", kind="social", actor=make.user("admin"))
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
