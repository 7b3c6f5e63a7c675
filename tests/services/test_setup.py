"""`flask setup`: the reference data a team starts with and the first admin; running it again changes nothing."""
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from gdt.models import AccountLink, AuditEvent, CaseResult, Category, Partner, User
from gdt.services.admin import setup
from gdt.services.core.errors import ServiceError
from gdt.services.core.reference_data import DEFAULT_CATEGORIES, DEFAULT_PARTNERS
from gdt.services.identity import account_links
from gdt.services.interventions import catalogue as intervention_types
from gdt.services.letters import admin as letter_templates
from gdt.services.retention import rules as retention_rules
from gdt.services.texts import admin as standard_texts

PASSWORD = "een lang genoeg wachtwoord"
FIRST = ["setup", "--admin-email", "Beheer@Gemeente.nl", "--admin-name", "Bea Beheer"]


def verify_password(password_hash: str, password: str) -> bool:
    return PasswordHasher().verify(password_hash, password)


def count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def everything(db) -> dict:
    return {model.__name__: count(db, model) for model in (Category, Partner, CaseResult, User, AuditEvent)}


def test_setup_creates_the_reference_data_and_the_first_admin(runner, db, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", PASSWORD)
    result = runner.invoke(args=FIRST)
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(sa.select(User))
    assert (admin.email, admin.name, admin.role, admin.is_active) == ("beheer@gemeente.nl", "Bea Beheer", "admin", True)
    assert verify_password(admin.password_hash, PASSWORD)
    assert count(db, Category) == len(DEFAULT_CATEGORIES) and count(db, Partner) == len(DEFAULT_PARTNERS)
    assert f"Categories: 0 already present, {len(DEFAULT_CATEGORIES)} created." in result.stdout
    assert f"Partners: 0 already present, {len(DEFAULT_PARTNERS)} created." in result.stdout
    assert "Active admins: 0 already present, 1 created (beheer@gemeente.nl)." in result.stdout
    assert "api-clients create woonoverlast-app --channel app" in result.stdout
    assert "http://127.0.0.1:5000/login as beheer@gemeente.nl" in result.stdout
    actions = db.session.execute(sa.select(AuditEvent.action, AuditEvent.object_type).order_by(AuditEvent.id)).all()
    assert actions == [("create", "user"), ("setup", "reference_data")]


def test_setup_again_changes_nothing_and_says_what_was_there(runner, db, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", PASSWORD)
    assert runner.invoke(args=FIRST).exit_code == 0
    before = everything(db)
    for args in (FIRST, ["setup"], ["setup", "--admin-email", "ander@gemeente.nl", "--admin-name", "Ander"]):
        again = runner.invoke(args=args)
        assert again.exit_code == 0, again.output
        assert everything(db) == before
    assert f"Categories: {len(DEFAULT_CATEGORIES)} already present, 0 created." in again.stdout
    assert f"Partners: {len(DEFAULT_PARTNERS)} already present, 0 created." in again.stdout
    assert "Active admins: 1 already present, 0 created (beheer@gemeente.nl)." in again.stdout
    assert "--admin-email is ignored" in again.stdout


def test_existing_reference_data_is_counted_and_left_alone(runner, db, make, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", PASSWORD)
    make.defaults()
    retention_rules.ensure_defaults()
    standard_texts.ensure_defaults()
    letter_templates.ensure_defaults()
    intervention_types.ensure_defaults()
    renamed = db.session.scalar(sa.select(Category).where(Category.key == "overig"))
    renamed.label = "Iets anders"
    db.session.commit()
    result = runner.invoke(args=FIRST)
    assert f"Categories: {len(DEFAULT_CATEGORIES)} already present, 0 created." in result.stdout
    assert renamed.label == "Iets anders"
    assert db.session.scalar(sa.select(AuditEvent.action).where(AuditEvent.object_type == "reference_data")) is None


def test_setup_refuses_a_weak_password_and_changes_nothing(runner, db, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", "kort")
    result = runner.invoke(args=FIRST)
    assert result.exit_code == 1 and "minstens 12" in result.stderr and "Traceback" not in result.output
    assert everything(db) == dict.fromkeys(("Category", "Partner", "CaseResult", "User", "AuditEvent"), 0)


def test_setup_without_a_password_prints_an_invitation_link_for_the_first_admin(runner, db, monkeypatch):
    monkeypatch.delenv("GDT_PASSWORD", raising=False)
    result = runner.invoke(args=FIRST)
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(sa.select(User))
    assert admin.role == "admin" and admin.password_hash is None
    link = next(line for line in result.stdout.splitlines() if "/invitation?token=" in line)
    assert link.startswith("http://127.0.0.1:5000/invitation?token=") and "Password" not in result.output
    token = link.partition("token=")[2]
    assert len(token) >= 43 and token not in str(db.session.scalar(sa.select(AccountLink.token_hash)))
    assert "Invitation link for beheer@gemeente.nl" in result.stderr
    assert "Open the invitation link above, then log in" in result.stdout
    assert account_links.check(token, "invitation").user_id == admin.id


def test_production_refuses_gdt_password_for_the_first_admin(runner, app, db, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", PASSWORD)
    monkeypatch.setitem(app.config, "ENVIRONMENT", "production")
    result = runner.invoke(args=FIRST)
    assert result.exit_code == 1 and "GDT_PASSWORD is refused in production" in result.stderr
    assert count(db, User) == 0


def test_setup_needs_the_admin_s_address_and_name_while_there_is_no_active_admin(runner, db, make, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", PASSWORD)
    make.user("admin", is_active=False)
    make.user("coordinator")
    result = runner.invoke(args=["setup", "--admin-email", "beheer@gemeente.nl"])
    assert result.exit_code == 1 and "give --admin-email and --admin-name" in result.stderr
    assert count(db, Category) == 0
    result = runner.invoke(args=FIRST)  # a deactivated admin does not count
    assert result.exit_code == 0 and "0 already present, 1 created (beheer@gemeente.nl)" in result.stdout


def test_setup_refuses_an_address_that_already_has_an_account(runner, db, make, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", PASSWORD)
    make.user("intake", email="beheer@gemeente.nl")
    result = runner.invoke(args=FIRST)
    assert result.exit_code == 1 and "bestaat al een account" in result.stderr
    assert db.session.scalar(sa.select(User.role).where(User.email == "beheer@gemeente.nl")) == "intake"


def test_only_the_first_admin_is_made_this_way(db, make):
    make.user("admin")
    with pytest.raises(ServiceError, match="actieve beheerder"):
        setup.create_first_admin("tweede@gemeente.nl", "Tweede", PASSWORD)
    assert count(db, User) == 1


def test_a_schema_without_migration_history_counts_as_current(db):
    assert setup.migrations_pending() is False
