"""flask commands: parse, call a service, print. Scripts rely on their names and options: extend, never rename."""
import os
import sys
from pathlib import Path

import click
from flask import Flask

from gdt.models.api import CLIENT_CHANNELS
from gdt.models.partners import PARTNER_KINDS
from gdt.models.users import ROLES
from gdt.services.core.errors import ServiceError, ValidationFailed

MAX_PRINTED_PROBLEMS = 50  # the exception keeps them all; a terminal full of errors helps nobody


def register(app: Flask) -> None:
    """The commands of this module, then the command groups that have a module of their own in this package."""
    for command in (setup, config_group, users, api_clients, partners, referrals, reminders, attachments,
                    import_reports, areas, stats, demo, second_factor_group):
        app.cli.add_command(command)
    from gdt.cli.retention import retention
    app.cli.add_command(retention)
    from gdt.cli.audit import audit
    app.cli.add_command(audit)
    from gdt.cli.addresses import addresses
    app.cli.add_command(addresses)
    from gdt.cli.resident import resident
    app.cli.add_command(resident)
    from gdt.cli.signalen import signalen
    app.cli.add_command(signalen)
    from gdt.cli.tallies import tallies
    app.cli.add_command(tallies)


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _refused(error: ServiceError) -> str:
    """Every field's message of a refusal, on one line."""
    if isinstance(error, ValidationFailed):
        return "; ".join(f"{field}: {message}" for field, message in error.errors.items())
    return str(error.message)


def _show_secret(token: str, what: str) -> None:
    """The token alone on stdout (scripts can capture it); the warning on stderr."""
    click.echo(f"{what} (shown once; only a hash is stored, so keep it somewhere safe):", err=True)
    click.echo(token)


REFERENCE_DATA_LABELS = {"categories": "Categories", "partners": "Partners", "case_results": "Case results",
                         "closing_days": "Closing days (EXTRA_NON_WORKING_DAYS)", "standard_texts": "Standard texts",
                         "letter_templates": "Letter templates", "intervention_types": "Intervention types"}


@click.command()
@click.option("--admin-email", help="E-mail address of the first admin (needed while there is no active admin).")
@click.option("--admin-name", help="Name of the first admin (needed while there is no active admin).")
def setup(admin_email: str | None, admin_name: str | None) -> None:
    """Prepare a new installation after `db upgrade`; safe to run again.

    Creates the default categories, partners and case results that are missing, copies the closing days of
    EXTRA_NON_WORKING_DAYS into the table and, while there is no active admin, the first admin, who gets an
    invitation link (printed here, for the operator to open) to choose a password and a second factor. Outside
    production GDT_PASSWORD may give the first admin a password instead (development, tests).
    """
    from gdt.services.admin import setup as setup_service
    if setup_service.migrations_pending():
        _fail("the database is not up to date: run `flask --app wsgi db upgrade` first")
    admins = setup_service.active_admins()
    invitation = None
    if not admins:
        first, invitation = _first_admin(admin_email, admin_name)
        admins = [first]
        admin_line = f"Active admins: 0 already present, 1 created ({admins[0].email})."
    else:
        admin_line = (f"Active admins: {len(admins)} already present, 0 created "
                      f"({', '.join(admin.email for admin in admins)}).")
        if admin_email and admin_email.strip().lower() not in {admin.email for admin in admins}:
            admin_line += " --admin-email is ignored: further accounts are made by an admin."
    for tally in setup_service.ensure_reference_data():
        click.echo(f"{REFERENCE_DATA_LABELS.get(tally.kind, tally.kind)}: {tally.present} already present, "
                   f"{tally.created} created.")
    click.echo(admin_line)
    if invitation:
        _show_invitation(invitation, admins[0].email)
    _print_next_steps(admins[0].email, invited=invitation is not None)


def _first_admin(email: str | None, name: str | None):
    """The first admin and their invitation link; with GDT_PASSWORD (not in production) a password instead."""
    from gdt.services.admin import setup as setup_service
    if not email or not name:
        _fail("there is no active admin yet: give --admin-email and --admin-name")
    try:
        return setup_service.create_first_admin(email, name, os.environ.get("GDT_PASSWORD") or None)
    except ServiceError as error:
        _fail("GDT_PASSWORD is refused in production: run setup without it and open the invitation link it "
              "prints" if error.code == "password_in_production" else _refused(error))


def _show_invitation(link: str, email: str) -> None:
    """The link alone on stdout (a script can capture it); what to do with it on stderr."""
    from flask import current_app
    hours = current_app.config["INVITATION_LINK_HOURS"]
    click.echo(f"Invitation link for {email} (works once, for {hours} hours; only a hash is stored). Open it in a "
               "browser to choose the password and the second factor:", err=True)
    click.echo(link)


def _print_next_steps(admin_email: str, *, invited: bool = False) -> None:
    from flask import current_app
    base_url = (current_app.config.get("PUBLIC_BASE_URL") or "").rstrip("/")
    click.echo("Next:")
    click.echo("  1. Register the Woonoverlast-app and keep the token it prints:")
    click.echo("     flask --app wsgi api-clients create woonoverlast-app --channel app")
    first = "Open the invitation link above, then log" if invited else "Log"
    click.echo(f"  2. {first} in at {base_url}/login as {admin_email} and add the team at {base_url}/admin/users")
    click.echo("     (each gets an invitation mail; or: flask --app wsgi users create --email … --name … "
               "--role intake|coordinator|manager).")
    click.echo(f"  3. Residents report at {base_url}/melden. Check the settings with: flask --app wsgi config show")


@click.group("config")
def config_group() -> None:
    """The settings the app runs with."""


@config_group.command("show")
def config_show() -> None:
    """Print every setting from config.py as the app sees it, sorted; secrets and URL passwords as ****."""
    from flask import current_app

    from gdt import config_check
    for name, value in config_check.effective_settings(current_app.config):
        click.echo(f"{name} = {value}")


@click.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", help="Required to create an account.")
@click.option("--role", type=click.Choice(ROLES), help="Required to create an account.")
@click.option("--partner", "partner_key", help="Key of the organisation (required with --role partner).")
@click.option("--update", is_flag=True,
              help="If the account exists, change the given name, role or partner (never the password).")
@click.option("--print-link", is_flag=True,
              help="Print the invitation link instead of mailing it, for an operator without mail to hand over.")
def create_user(email: str, name: str | None, role: str | None, partner_key: str | None, update: bool,
                print_link: bool) -> None:
    """Create an account without a password and mail it an invitation to choose one (INVITATION_LINK_HOURS);
    with --print-link the link is printed instead of mailed. An existing e-mail address is refused, unless
    --update: then the given fields of that account change and its password stays as it is."""
    from gdt.services.admin import users as user_service
    existing = user_service.user_by_email(email)
    if existing is not None:
        if not update:
            _fail(f"user '{existing.email}' exists; use --update to change its name, role or partner")
        _update_user(existing, name, role, partner_key)
        return
    if not name or not role:
        _fail("--name and --role are required to create an account")
    try:
        user, link = user_service.invite_user(email, name, role, actor=None, partner_key=partner_key,
                                              send_mail=not print_link)
    except ServiceError as error:
        _fail(_refused(error))
    if link:
        click.echo(f"Created {user.role} account {user.email}.", err=True)
        _show_invitation(link, user.email)
    else:
        click.echo(f"Created {user.role} account {user.email}; an invitation to choose a password is mailed.")


def _update_user(user, name: str | None, role: str | None, partner_key: str | None) -> None:
    """--update: the given fields only; a role other than partner drops the organisation unless one is given."""
    from gdt.services.admin import users as user_service

    def values() -> dict:
        return {"name": user.name, "role": user.role, "partner": user.partner.key if user.partner else None}

    before = values()
    role = role or user.role
    if partner_key is None:
        partner_key = before["partner"] if role == "partner" else None
    try:
        user_service.update_user(user, name=name or user.name, role=role, partner_key=partner_key, actor=None)
    except ServiceError as error:
        _fail(_refused(error))
    changed = _changes(before, values())
    if not changed:
        click.echo(f"Account {user.email}: nothing changed; the password is unchanged.")
        return
    click.echo(f"Updated account {user.email}: {changed}; the password is unchanged (users set-password changes it).")
    if before["role"] != user.role or before["partner"] != values()["partner"]:
        click.echo("Its sessions have ended: the new role applies from the next login.")


def _changes(before: dict, after: dict) -> str:
    """What changed, as "name 'A' -> 'B'; partner 'politie' -> (none)" ("" when nothing did)."""
    def shown(value) -> str:
        return "(none)" if value in (None, "") else repr(value)

    return "; ".join(f"{field} {shown(before.get(field))} -> {shown(value)}"
                     for field, value in after.items() if before.get(field) != value)


@users.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Deactivate an account and end all its sessions."""
    from gdt.services.admin import users as user_service
    user = user_service.user_by_email(email)
    if user is None:
        _fail("no such user")
    user_service.set_user_active(user, False, actor=None)
    click.echo(f"Deactivated {user.email}.")


@users.command("set-password")
@click.argument("email")
def set_password(email: str) -> None:
    """Give EMAIL a new password (from GDT_PASSWORD or a prompt), for recovery by the operator; the password rules
    apply as everywhere, and its sessions, API tokens and unused links end. Users normally reset their own
    password with "Wachtwoord vergeten?" on the login page."""
    from gdt.services.admin import users as user_service
    user = user_service.user_by_email(email)
    if user is None:
        _fail("no such user")
    password = os.environ.get("GDT_PASSWORD") or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user_service.set_password(user, password, actor=None)
    except ServiceError as error:
        _fail(_refused(error))
    click.echo(f"New password set for {user.email}; its sessions and API tokens have ended.")


@users.command("token")
@click.argument("email")
def user_token(email: str) -> None:
    """Print a new personal API token for EMAIL; the API then applies that user's role, as the pages do."""
    from gdt.services.admin import users as user_service
    from gdt.services.core import tokens
    user = user_service.user_by_email(email)
    if user is None:
        _fail("no such user")
    if not user.may_sign_in:
        _fail(f"{user.email} is deactivated; activate the account before issuing a token")
    token, raw = tokens.issue_user_token_with_expiry(user, actor=None)
    _show_secret(raw, f"Personal API token for {user.email}, valid until {token.expires_at:%Y-%m-%d %H:%M} UTC")


@click.group("api-clients")
def api_clients() -> None:
    """Systems that call the API: the Woonoverlast-app, the webform, partners' systems."""


@api_clients.command("create")
@click.argument("name")
@click.option("--channel", required=True, type=click.Choice(CLIENT_CHANNELS))
@click.option("--partner", "partner_key", help="Key of an active chain partner (required with --channel partner).")
def create_api_client(name: str, channel: str, partner_key: str | None) -> None:
    """Register an API client called NAME and print its bearer token once. An existing name (also a revoked
    client's) is refused: a token is never shown again nor given other rights, so a change is a new client."""
    from gdt.services.core import tokens
    existing = tokens.api_client_by_name(name.strip())
    if existing is not None:
        state = "active" if existing.is_active else "revoked"
        _fail(f"API client '{existing.name}' exists ({state}); its token cannot be shown again or given another "
              f"channel or partner. Create a client under a new name, move the calling system to its token, then "
              f"revoke this one (api-clients revoke {existing.name}).")
    try:
        client, token = tokens.issue_api_client(name, channel, partner_key, actor=None)
    except ServiceError as error:
        _fail(_refused(error))
    _show_secret(token, f"Bearer token for API client {client.name} ({client.channel})")


@api_clients.command("revoke")
@click.argument("name")
def revoke_api_client(name: str) -> None:
    """Revoke the API client called NAME: its token stops working at once."""
    from gdt.services.core import tokens
    try:
        client = tokens.revoke_api_client(name, actor=None)
    except ServiceError as error:
        _fail(_refused(error))
    click.echo(f"Revoked API client {client.name}.")


@api_clients.command("prune-keys")
def prune_idempotency_keys() -> None:
    """Delete Idempotency-Key records past their 7 days (their reports stay); for a daily job."""
    from gdt.services.core import idempotency
    click.echo(f"Deleted {idempotency.prune_idempotency_records()} expired Idempotency-Key record(s).")


@click.group()
def partners() -> None:
    """Chain partners."""


DELIVERY_OPTIONS = {"mail": "email", "webhook": "webhook"}


@partners.command("create")
@click.argument("key")
@click.option("--name", help="Required to create a partner.")
@click.option("--email", help="Where referrals go by mail (required with delivery by mail); '' clears it.")
@click.option("--kind", type=click.Choice(PARTNER_KINDS), help="Default for a new partner: other.")
@click.option("--delivery", type=click.Choice(tuple(DELIVERY_OPTIONS)),
              help="How referrals reach the partner. Default for a new partner: mail.")
@click.option("--webhook-url", help="Where referrals are POSTed (https; required with --delivery webhook).")
@click.option("--update", is_flag=True, help="If KEY exists, change the given fields instead of refusing.")
def create_partner(key: str, name: str | None, email: str | None, kind: str | None, delivery: str | None,
                   webhook_url: str | None, update: bool) -> None:
    """Create a chain partner identified by KEY (e.g. politie-oost). An existing KEY is refused, unless --update:
    then only the given fields change. A new webhook partner, or one switched to webhook for the first time, has
    its signing secret printed once (a new secret: partners webhook)."""
    from gdt.services.admin import partners as partner_service
    from gdt.services.core import reference_data
    method = DELIVERY_OPTIONS[delivery] if delivery else None
    existing = reference_data.partner_by_key(key.strip().lower())
    if existing is not None:
        if not update:
            _fail(f"partner '{existing.key}' exists; use --update to change it")
        _update_partner(existing, name=name, email=email, kind=kind, delivery_method=method, webhook_url=webhook_url)
        return
    if not name:
        _fail("--name is required to create a partner")
    try:
        partner = partner_service.create_partner(key, name, email=email, kind=kind or "other",
                                                 delivery_method=method or "email", webhook_url=webhook_url,
                                                 actor=None)
    except ServiceError as error:
        _fail(_refused(error))
    click.echo(f"Created partner {partner.key}.")
    if partner.delivery_method == "webhook":
        _print_webhook_secret(partner_service.webhook_secret(partner))


def _update_partner(partner, **given) -> None:
    from gdt.services.admin import partners as partner_service
    before, salt = partner_service.snapshot(partner), partner.webhook_secret_salt
    values = {field: getattr(partner, field) if value is None else value for field, value in given.items()}
    try:
        partner_service.update_partner(partner, actor=None, **values)
    except ServiceError as error:
        _fail(_refused(error))
    changed = _changes(before, partner_service.snapshot(partner))
    click.echo(f"Updated partner {partner.key}: {changed}." if changed else f"Partner {partner.key}: nothing changed.")
    if partner.webhook_secret_salt != salt:
        _print_webhook_secret(partner_service.webhook_secret(partner))


def _print_webhook_secret(secret: str) -> None:
    click.echo("Signing secret for the partner (HMAC-SHA256; header GDT-Signature: t=<unix time>,v1=<hex>; "
               "shown once, a new one with partners webhook):", err=True)
    click.echo(secret)


@partners.command("webhook")
@click.argument("key")
@click.option("--url", required=True, help="Where referrals are POSTed (https).")
def partner_webhook(key: str, url: str) -> None:
    """Deliver KEY's referrals by signed webhook; prints the signing secret."""
    from gdt.services.admin import partners as partner_service
    partner = _partner_or_fail(key)
    try:
        partner_service.update_partner(partner, name=partner.name, email=partner.email, kind=partner.kind,
                                       delivery_method="webhook", webhook_url=url, new_secret=True, actor=None)
    except ServiceError as error:
        _fail(_refused(error))
    _print_webhook_secret(partner_service.webhook_secret(partner))


def _partner_or_fail(key: str):
    from gdt.services.admin import partners as partner_service
    try:
        return partner_service.get_partner(key)
    except ServiceError as error:
        _fail(str(error.message))


@click.group()
def referrals() -> None:
    """Referral delivery."""


@referrals.command("retry-due")
def retry_due_referrals() -> None:
    """Queue the delivery attempts that are due (what beat does every minute)."""
    from gdt.services.referrals import routing
    click.echo(f"Queued {routing.queue_due_retries()} delivery attempt(s).")


@click.group()
def reminders() -> None:
    """Deadline reminders."""


@reminders.command("send")
def send_reminders() -> None:
    """Queue today's reminder mails (once a day; what beat does at REMINDER_HOUR)."""
    from gdt.services.casework import reminders as reminder_service
    done = reminder_service.queue_daily()
    click.echo("Reminders queued." if done else "Today's reminders were already queued.")


@click.group()
def attachments() -> None:
    """Stored photos and sound fragments."""


@attachments.command("prune")
def prune_attachments() -> None:
    """Delete stored files that no report refers to (their upload was rolled back), older than an hour."""
    from gdt.services.intake import attachments as service
    click.echo(f"Deleted {service.prune_orphans()} orphaned file(s).")


@attachments.command("check")
@click.option("--sizes-only", is_flag=True, help="Compare sizes only, without reading every file for its SHA-256.")
def check_attachments(sizes_only: bool) -> None:
    """Every row has its file (same size and SHA-256) and every stored file its row; exit 1 on a difference.

    Run it after restoring a backup, against the restored database and attachment store."""
    from gdt.services.intake import attachment_check
    result = attachment_check.check_store(hashes=not sizes_only)
    compared = "size" if sizes_only else "size and SHA-256"
    click.echo(f"Rows: {result.rows}; files: {result.files}; thumbnails: {result.thumbnails} "
               f"(each row's file compared by {compared}).")
    for problem in result.problems[:MAX_PRINTED_PROBLEMS]:
        click.echo(problem.describe(), err=True)
    if len(result.problems) > MAX_PRINTED_PROBLEMS:
        click.echo(f"… and {len(result.problems) - MAX_PRINTED_PROBLEMS} more", err=True)
    if not result.clean:
        _fail(f"{len(result.problems)} problem(s). A missing file comes back only from a backup; "
              "`flask attachments prune` deletes files without a row once they are an hour old.")
    click.echo("The attachment store and the database agree.")


@click.command("import-reports")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would be imported; change nothing.")
def import_reports(path: Path, dry_run: bool) -> None:
    """Import historic registrations from CSV or XLSX (all or nothing)."""
    from gdt.services.core import reference_data
    from gdt.services.intake import historic_import
    reference_data.ensure_defaults()
    try:
        summary = historic_import.import_reports(path, dry_run=dry_run)
    except historic_import.ImportFailed as failed:
        for problem in failed.errors[:MAX_PRINTED_PROBLEMS]:
            click.echo(f"row {problem.row}, column {problem.column}: {problem.message}", err=True)
        if len(failed.errors) > MAX_PRINTED_PROBLEMS:
            click.echo(f"… and {len(failed.errors) - MAX_PRINTED_PROBLEMS} more", err=True)
        _fail(f"{len(failed.errors)} error(s); nothing was imported")
    verb = "Would import" if dry_run else "Imported"
    click.echo(f"{verb} {summary.reports} reports and {summary.cases} cases.")


@click.group()
def areas() -> None:
    """Names of CBS wijken and buurten, shown beside their codes in the statistics."""


@areas.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_areas(path: Path) -> None:
    """Read wijk and buurt names from a CSV (or XLSX) file with the columns code and naam: every line or none.

    Run it again with a new file to rename; codes not in the file keep their names.
    """
    from gdt.services.admin import areas as area_service
    from gdt.services.core.import_reader import ImportFailed
    try:
        summary = area_service.import_areas(path, actor=None)
    except ImportFailed as failed:
        where = "line" if path.suffix.lower() == ".csv" else "row"
        for problem in failed.errors[:MAX_PRINTED_PROBLEMS]:
            click.echo(f"{where} {problem.row}, column {problem.column}: {problem.message}", err=True)
        if len(failed.errors) > MAX_PRINTED_PROBLEMS:
            click.echo(f"… and {len(failed.errors) - MAX_PRINTED_PROBLEMS} more", err=True)
        _fail(f"{len(failed.errors)} error(s); nothing was changed")
    click.echo(f"Read {summary.total} areas: {summary.added} added, {summary.renamed} renamed, "
               f"{summary.unchanged} unchanged.")


@click.command()
@click.argument("year", type=int)
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "text"]), default="text", show_default=True)
def stats(year: int, fmt: str) -> None:
    """Print the yearly statistics document (docs/domain.md, "Statistics")."""
    from gdt.services.reporting import statistics
    document = statistics.yearly_statistics(year)
    click.echo(statistics.render(document, fmt))


@click.command()
@click.option("--year", type=int, default=None,
              help="Only this year (default: this year up to today and the two years before).")
@click.option("--reports", "count", type=int, default=3000, show_default=True,
              help="Resident reports in the last full year (or in --year); other years a few percent fewer or more.")
@click.option("--if-empty", is_flag=True, help="Only load demo data when there are no reports yet.")
def demo(year: int | None, count: int, if_empty: bool) -> None:
    """Load realistic demo data and print the demo logins."""
    from gdt.services.demo import demo_data as demo_service

    try:
        summary = demo_service.load_demo(year=year, reports=count, if_empty=if_empty)
    except ServiceError as error:
        _fail(str(error.message))
    click.echo(summary.describe())
    from flask import current_app
    if current_app.config["MFA_REQUIRED"]:
        click.echo("Second factor required (MFA_REQUIRED=1): each demo login sets up an authenticator app or a "
                   "passkey at its first login.")
    else:
        click.echo("Second factor off (MFA_REQUIRED=0, as under make run): the demo logins need only their password.")


@click.group("second-factor")
def second_factor_group() -> None:
    """Second factors of password accounts (README, "Second factor")."""


@second_factor_group.command("reencrypt")
def reencrypt_second_factors() -> None:
    """Encrypt every TOTP secret with the current SECRET_KEY; run it after a rotation, with the old key still in
    SECRET_KEY_FALLBACKS, then remove the old key."""
    from gdt.services.identity import second_factor

    done, unreadable = second_factor.reencrypt_secrets()
    click.echo(f"{done} TOTP secret(s) re-encrypted with the current SECRET_KEY.")
    if unreadable:
        click.echo(f"{unreadable} secret(s) could not be read with SECRET_KEY or SECRET_KEY_FALLBACKS: those users "
                   "log in with a recovery code or a passkey, or an administrator resets their second factor.",
                   err=True)
