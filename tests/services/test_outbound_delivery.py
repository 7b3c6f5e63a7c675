"""Webhooks through the outbound client: an internal address is refused when saved and when called, and what
people see is a generic message, never the answer of whatever listened there (the local SMTP inbox here)."""
import pytest

from gdt.services.admin import partners
from gdt.services.core.errors import ValidationFailed
from gdt.services.referrals import delivery
from gdt.services.triage import report_triage

pytestmark = pytest.mark.integration


@pytest.fixture
def police(make):
    return make.partner("politie", name="Politie Eindhoven", email="meldingen@politie.example")


def _refer(make):
    report = make.report(description="Geluidsoverlast", street="Stationsweg", city="Eindhoven", house_number=12)
    report_triage.refer_report(report, "politie", None, actor=make.user("coordinator"), seen_version=report.version)
    return report.referrals[-1]


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/", "http://0x7f.2:6379/", "http://[fe80::1]:6379/", "http://[::1]/",
    "http://0/", "http://10.0.0.5/hook", "http://[::ffff:169.254.169.254]/",
])
def test_an_internal_webhook_url_is_refused_when_saved_and_nothing_changes(db, police, url):
    with pytest.raises(ValidationFailed) as refused:
        partners.update_partner(police, name=police.name, email=police.email, kind=police.kind, actor=None,
                                delivery_method="webhook", webhook_url=url)
    assert "webadres" in str(refused.value.errors["webhook_url"])
    db.session.refresh(police)
    assert police.delivery_method == "email" and police.webhook_url is None


def test_a_stored_internal_url_is_not_called_and_the_record_shows_a_generic_error(db, app, make, police, inbox,
                                                                                   monkeypatch, caplog):
    police.delivery_method, police.webhook_url = "webhook", f"http://127.0.0.1:{inbox.port}/"
    police.webhook_secret_salt = delivery.new_webhook_salt()
    db.session.flush()
    monkeypatch.setitem(app.config, "OUTBOUND_ALLOWED_NETWORKS", "")  # loopback is no longer allow-listed
    referral = _refer(make)
    assert referral.delivery_status == "pending"
    assert referral.last_delivery_error == delivery.UNREACHABLE
    assert "loopback" in caplog.text  # the operator's log says why


def test_a_non_http_service_answer_never_reaches_the_record(db, make, police, inbox):
    """An allowed address where an SMTP server listens: its banner stays out of what people see."""
    police.delivery_method, police.webhook_url = "webhook", f"http://127.0.0.1:{inbox.port}/"
    police.webhook_secret_salt = delivery.new_webhook_salt()
    db.session.flush()
    referral = _refer(make)
    assert referral.last_delivery_error == delivery.UNREACHABLE
    assert "220" not in referral.last_delivery_error and "SMTP" not in referral.last_delivery_error
