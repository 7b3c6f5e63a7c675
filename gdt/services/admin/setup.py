"""A new installation's first steps (`flask setup`): the reference data a team starts with and the first admin.

Safe to run again: what exists is left alone and counted, so the operator reads what was already there.
"""
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import CaseResult, Category, ClosingDay, Partner, User
from gdt.models.interventions import InterventionType
from gdt.models.letters import LetterTemplate
from gdt.models.retention import RetentionRule
from gdt.models.standard_texts import StandardText
from gdt.services.admin import users as user_service
from gdt.services.core import audit, reference_data
from gdt.services.core.errors import ServiceError
from gdt.services.interventions import catalogue as intervention_types
from gdt.services.letters import admin as letter_templates
from gdt.services.retention import rules as retention_rules
from gdt.services.texts import admin as standard_texts

# What reference_data.ensure_defaults() fills, in the order it is reported.
REFERENCE_TABLES = (("categories", Category), ("partners", Partner), ("case_results", CaseResult),
                    ("closing_days", ClosingDay), ("retention_rules", RetentionRule),
                    ("standard_texts", StandardText), ("letter_templates", LetterTemplate),
                    ("intervention_types", InterventionType))


@dataclass(frozen=True)
class Tally:
    kind: str  # a name from REFERENCE_TABLES
    present: int  # rows there before
    created: int


def ensure_reference_data() -> list[Tally]:
    """Create the default categories, partners, case results and retention rules that are missing and the closing
    days of EXTRA_NON_WORKING_DAYS not yet in the table (never touching existing rows) and count both; an audit event
    records what was created, if anything."""
    before = _counts()
    reference_data.ensure_defaults()
    retention_rules.ensure_defaults()  # the Selectielijst defaults (gdt.services.retention.rules)
    standard_texts.ensure_defaults()  # a text per moment that has none (gdt.services.texts.defaults)
    letter_templates.ensure_defaults()  # the four letters (gdt.services.letters.defaults) not there by name
    intervention_types.ensure_defaults()  # the ladder's rungs (gdt.services.interventions.defaults) by code
    after = _counts()
    tallies = [Tally(kind, before[kind], after[kind] - before[kind]) for kind, _ in REFERENCE_TABLES]
    created = {tally.kind: tally.created for tally in tallies if tally.created}
    if created:
        audit.record_now(None, "setup", "reference_data", detail={"created": created})
    return tallies


def migrations_pending() -> bool:
    """Whether `flask db upgrade` still has work: no tables yet, or the database behind the code's migrations. A
    schema built without Alembic (the tests' create_all) has no version to compare and counts as current."""
    inspector = sa.inspect(db.engine)
    if not inspector.has_table(User.__tablename__):
        return True
    if not inspector.has_table("alembic_version"):
        return False
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    heads = set(ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config()).get_heads())
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads()) != heads


def active_admins() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.role == "admin", User.is_active).order_by(User.id)
    ))


def create_first_admin(email: str, name: str, password: str | None = None) -> tuple[User, str | None]:
    """The installation's first admin (by the operator on the command line), with the rules of any new account;
    refused while an active admin exists: further accounts are made by an admin.

    Without `password`: the account has none yet and the returned invitation link (INVITATION_LINK_HOURS) is for
    the operator to open, so nobody but the admin ever knows the password. A `password` (GDT_PASSWORD) is for
    development and tests only: production refuses it.
    """
    if active_admins():
        raise ServiceError(_l("Er is al een actieve beheerder."))
    if password is None:
        return user_service.invite_user(email, name, "admin", actor=None, send_mail=False)
    if current_app.config["ENVIRONMENT"] == "production":
        raise ServiceError(_l("In productie krijgt de eerste beheerder een uitnodigingslink in plaats van een "
                              "wachtwoord van de operator: laat GDT_PASSWORD weg."), code="password_in_production")
    return user_service.create_user(email, name, "admin", password, actor=None), None


def _counts() -> dict[str, int]:
    return {kind: db.session.scalar(sa.select(sa.func.count()).select_from(model)) for kind, model in REFERENCE_TABLES}
