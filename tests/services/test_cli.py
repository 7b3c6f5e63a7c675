"""The thin commands: exit codes and messages."""
import pytest
import sqlalchemy as sa

from gdt.models import ApiClient, Partner, User, UserToken
from gdt.services.admin import partners
from gdt.services.core import tokens


def test_users_create_ignores_gdt_password(runner, db, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", "een lang genoeg wachtwoord")  # an administrator chooses no password
    result = runner.invoke(
        args=["users", "create", "--email", "Nieuw@Gemeente.nl", "--name", "Nieuw", "--role", "intake"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User.role).where(User.email == "nieuw@gemeente.nl")) == "intake"
    assert db.session.scalar(sa.select(User.password_hash).where(User.email == "nieuw@gemeente.nl")) is None


def test_users_set_password_refuses_a_short_password(runner, make, db, monkeypatch):
    user = make.user("intake")
    before = user.password_hash
    monkeypatch.setenv("GDT_PASSWORD", "kort")
    result = runner.invoke(args=["users", "set-password", user.email])
    assert result.exit_code == 1 and "minstens 12" in result.output
    db.session.expire_all()
    assert user.password_hash == before


def test_users_deactivate(runner, make, db):
    user = make.user("intake")
    assert runner.invoke(args=["users", "deactivate", user.email]).exit_code == 0
    db.session.expire_all()
    assert not user.is_active
    assert runner.invoke(args=["users", "deactivate", "niemand@gdt.test"]).exit_code == 1


def test_partners_create(runner, db):
    result = runner.invoke(args=["partners", "create", "politie-oost", "--name", "Politie Oost", "--kind", "police",
                                 "--email", "oost@politie.nl"])
    assert result.exit_code == 0, result.output
    partner = db.session.scalar(sa.select(Partner).where(Partner.key == "politie-oost"))
    assert (partner.name, partner.kind, partner.email, partner.delivery_method) == (
        "Politie Oost", "police", "oost@politie.nl", "email")
    no_address = runner.invoke(args=["partners", "create", "ggz", "--name", "GGZ"])
    assert no_address.exit_code == 1 and "email: Vul het e-mailadres in" in no_address.stderr
    assert runner.invoke(args=["partners", "create", "ggz", "--email", "a@ggz.nl"]).exit_code == 1  # no --name


def test_partners_create_refuses_an_existing_key_and_changes_nothing(runner, make, db):
    partner = make.partner("politie", name="Politie", email="politie@example.nl", kind="police")
    again = runner.invoke(args=["partners", "create", "Politie", "--name", "Dubbel", "--email", "x@example.nl"])
    assert again.exit_code == 1
    assert again.stderr.strip() == "Error: partner 'politie' exists; use --update to change it"
    db.session.refresh(partner)
    assert (partner.name, partner.email) == ("Politie", "politie@example.nl")


def test_partners_create_update_changes_only_the_given_fields_and_says_what(runner, make, db):
    partner = make.partner("politie", name="Politie", email="politie@example.nl", kind="police")
    result = runner.invoke(args=["partners", "create", "politie", "--update", "--name", "Politie Eenheid Oost"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Updated partner politie: name 'Politie' -> 'Politie Eenheid Oost'."
    db.session.refresh(partner)
    assert (partner.name, partner.email, partner.kind) == ("Politie Eenheid Oost", "politie@example.nl", "police")
    same = runner.invoke(args=["partners", "create", "politie", "--update", "--kind", "police"])
    assert same.exit_code == 0 and same.stdout.strip() == "Partner politie: nothing changed."
    history = [line.what for line in partners.history(partner)]
    assert history == ["Gewijzigd"]  # the partner was made by the test's builder; one change since


def test_partners_create_update_switches_to_a_webhook_and_prints_its_first_secret_once(runner, make, db):
    from gdt.services.referrals import delivery

    partner = make.partner("politie", email="politie@example.nl")
    refused = runner.invoke(args=["partners", "create", "politie", "--update", "--delivery", "webhook"])
    assert refused.exit_code == 1 and "webhook_url: Vul het webhookadres in" in refused.stderr
    switched = runner.invoke(args=["partners", "create", "politie", "--update", "--delivery", "webhook",
                                   "--webhook-url", "https://politie.example/gdt"])
    assert switched.exit_code == 0, switched.output
    db.session.refresh(partner)
    assert partner.delivery_method == "webhook" and partner.email == "politie@example.nl"
    lines = switched.stdout.strip().splitlines()
    assert lines == ["Updated partner politie: delivery_method 'email' -> 'webhook'; "
                     "webhook_url (none) -> 'https://politie.example/gdt'.", delivery.webhook_secret(partner)]
    assert "shown once" in switched.stderr
    renamed = runner.invoke(args=["partners", "create", "politie", "--update", "--name", "Politie Oost"])
    assert renamed.exit_code == 0 and delivery.webhook_secret(partner) not in renamed.output  # no new secret
    back = runner.invoke(args=["partners", "create", "politie", "--update", "--delivery", "mail", "--email", ""])
    assert back.exit_code == 1 and "email: Vul het e-mailadres in" in back.stderr


def test_partners_create_a_webhook_partner_prints_its_secret(runner, db):
    from gdt.services.referrals import delivery

    result = runner.invoke(args=["partners", "create", "ggz-zuid", "--name", "GGZ Zuid", "--delivery", "webhook",
                                 "--webhook-url", "https://ggz.example/gdt"])
    assert result.exit_code == 0, result.output
    partner = db.session.scalar(sa.select(Partner).where(Partner.key == "ggz-zuid"))
    assert result.stdout.splitlines() == ["Created partner ggz-zuid.", delivery.webhook_secret(partner)]
    internal = runner.invoke(args=["partners", "create", "intern", "--name", "Intern", "--delivery", "webhook",
                                   "--webhook-url", "http://10.0.0.5/hook"])
    assert internal.exit_code == 1 and "webhook_url:" in internal.stderr


def test_users_create_refuses_an_existing_address_before_asking_a_password(runner, make, db):
    user = make.user("intake", name="Ivo")
    result = runner.invoke(args=["users", "create", "--email", user.email.upper(), "--name", "Iemand",
                                 "--role", "coordinator"])
    assert result.exit_code == 1 and "Password" not in result.output
    assert result.stderr.strip() == (f"Error: user '{user.email}' exists; use --update to change its name, role or "
                                     "partner")
    db.session.refresh(user)
    assert (user.name, user.role) == ("Ivo", "intake")


def test_users_create_update_changes_name_role_and_partner_but_never_the_password(runner, make, db, monkeypatch):
    from gdt.models import UserSession
    from gdt.services.core import auth

    monkeypatch.setenv("GDT_PASSWORD", "een heel ander wachtwoord")
    make.partner("politie")
    user = make.user("intake", name="Ivo")
    password_hash = user.password_hash
    auth.start_session(user)
    renamed = runner.invoke(args=["users", "create", "--email", user.email, "--update", "--name", "Ivo de Vries"])
    assert renamed.exit_code == 0, renamed.output
    assert renamed.stdout.splitlines() == [f"Updated account {user.email}: name 'Ivo' -> 'Ivo de Vries'; the "
                                           "password is unchanged (users set-password changes it)."]
    moved = runner.invoke(args=["users", "create", "--email", user.email, "--update", "--role", "partner",
                                "--partner", "politie"])
    assert moved.exit_code == 0, moved.output
    assert "role 'intake' -> 'partner'; partner (none) -> 'politie'" in moved.stdout
    assert "sessions have ended" in moved.stdout
    db.session.refresh(user)
    assert (user.name, user.role, user.partner.key, user.password_hash) == (
        "Ivo de Vries", "partner", "politie", password_hash)
    open_sessions = sa.select(sa.func.count()).select_from(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    assert db.session.scalar(open_sessions) == 0
    staff = runner.invoke(args=["users", "create", "--email", user.email, "--update", "--role", "coordinator"])
    assert staff.exit_code == 0 and "partner 'politie' -> (none)" in staff.stdout
    same = runner.invoke(args=["users", "create", "--email", user.email, "--update", "--role", "coordinator"])
    assert "nothing changed; the password is unchanged" in same.stdout
    bad = runner.invoke(args=["users", "create", "--email", user.email, "--update", "--role", "partner"])
    assert bad.exit_code == 1 and "partner:" in bad.stderr
    db.session.refresh(user)
    assert (user.role, user.password_hash) == ("coordinator", password_hash)


def test_users_create_with_update_creates_a_missing_account(runner, db):
    missing = runner.invoke(args=["users", "create", "--email", "nieuw@gemeente.nl", "--update", "--name", "Nieuw"])
    assert missing.exit_code == 1 and "--name and --role are required" in missing.stderr
    made = runner.invoke(args=["users", "create", "--email", "nieuw@gemeente.nl", "--update", "--name", "Nieuw",
                               "--role", "intake"])
    assert made.exit_code == 0 and "Created intake account nieuw@gemeente.nl; an invitation" in made.stdout


def test_demo_refuses_bad_arguments_without_a_traceback(runner, db):
    result = runner.invoke(args=["demo", "--reports", "-5"])
    assert result.exit_code == 1 and "Traceback" not in result.output


def test_import_prints_at_most_fifty_problems(runner, db, tmp_path):
    header = (
        "reference,received_at,channel,category,postcode,house_number,description,triage_outcome,triaged_at,"
        "referred_to,gdt_mode,closed_at"
    )
    rows = [f"R{n},2025-03-01,fax,geluidsoverlast,5611AB,1,,,,,," for n in range(80)]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([header, *rows]), encoding="utf-8")
    result = runner.invoke(args=["import-reports", str(path)])
    assert result.exit_code == 1
    assert result.output.count("column channel") == 50 and "… and 30 more" in result.output


def test_users_token_prints_a_token_once_that_acts_as_the_user(runner, make, db):
    user = make.user("coordinator")
    result = runner.invoke(args=["users", "token", user.email.upper()])
    assert result.exit_code == 0, result.output
    raw = result.stdout.strip()
    assert "\n" not in raw and "shown once" in result.stderr
    assert tokens.authenticate(raw) == user
    assert db.session.scalar(sa.select(UserToken.token_hash)) == tokens.digest(raw)


def test_users_token_refuses_unknown_and_deactivated_users(runner, make, db):
    inactive = make.user("coordinator", is_active=False)
    for email, message in (("niemand@gdt.test", "no such user"), (inactive.email, "deactivated")):
        result = runner.invoke(args=["users", "token", email])
        assert result.exit_code == 1 and message in result.stderr and result.stdout == ""
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserToken)) == 0


def test_api_clients_create_prints_a_client_token(runner, db):
    result = runner.invoke(args=["api-clients", "create", "woonoverlast-app", "--channel", "app"])
    assert result.exit_code == 0, result.output
    client = tokens.authenticate(result.stdout.strip())
    assert (client.name, client.channel) == ("woonoverlast-app", "app")


def test_api_clients_create_for_a_partner_needs_an_active_partner(runner, make, db):
    make.partner("politie")
    refused = runner.invoke(args=["api-clients", "create", "politie-koppeling", "--channel", "partner"])
    assert refused.exit_code == 1 and "partner:" in refused.stderr and refused.stdout == ""
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiClient)) == 0
    made = runner.invoke(
        args=["api-clients", "create", "politie-koppeling", "--channel", "partner", "--partner", "politie"]
    )
    assert made.exit_code == 0, made.output
    assert tokens.authenticate(made.stdout.strip()).partner.key == "politie"


def test_api_clients_create_refuses_a_taken_name_and_an_unknown_channel(runner, db):
    raw = runner.invoke(args=["api-clients", "create", "app", "--channel", "app"]).stdout.strip()
    again = runner.invoke(args=["api-clients", "create", "app", "--channel", "webform"])
    assert again.exit_code == 1 and again.stdout == "" and "Traceback" not in again.output
    assert "API client 'app' exists (active)" in again.stderr and "api-clients revoke app" in again.stderr
    assert tokens.authenticate(raw).channel == "app"  # the old token still works, with its own channel
    assert runner.invoke(args=["api-clients", "revoke", "app"]).exit_code == 0
    revoked = runner.invoke(args=["api-clients", "create", "app", "--channel", "app"])
    assert revoked.exit_code == 1 and "exists (revoked)" in revoked.stderr
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiClient)) == 1
    assert runner.invoke(args=["api-clients", "create", "fax", "--channel", "fax"]).exit_code == 2


def test_issuing_an_api_client_under_a_taken_name_is_refused_by_the_service(db):
    from gdt.services.core.errors import ServiceError

    tokens.issue_api_client("app", "app", actor=None)
    with pytest.raises(ServiceError) as refused:
        tokens.issue_api_client("app", "webform", actor=None)
    assert refused.value.field == "name" and "bestaat al" in str(refused.value.message)


def test_api_clients_revoke_stops_the_token(runner, db):
    raw = runner.invoke(args=["api-clients", "create", "webformulier", "--channel", "webform"]).stdout.strip()
    result = runner.invoke(args=["api-clients", "revoke", "webformulier"])
    assert result.exit_code == 0 and "Revoked" in result.stdout
    assert tokens.authenticate(raw) is None
    unknown = runner.invoke(args=["api-clients", "revoke", "bestaat-niet"])
    assert unknown.exit_code == 1 and "bestaat niet" in unknown.stderr


def test_api_clients_prune_keys_deletes_only_expired_records(runner, db, make):
    from datetime import timedelta

    from gdt.db import utcnow
    from gdt.models import IdempotencyRecord

    client, _ = tokens.issue_api_client("app", "app", actor=None)
    for key, age in (("old", timedelta(days=8)), ("fresh", timedelta(hours=1))):
        db.session.add(
            IdempotencyRecord(
                client_id=client.id,
                key=key,
                request_hash="0" * 64,
                status_code=201,
                response_body={},
                created_at=utcnow() - age,
            )
        )
    db.session.commit()
    result = runner.invoke(args=["api-clients", "prune-keys"])
    assert result.exit_code == 0 and "Deleted 1 " in result.stdout
    assert db.session.scalars(sa.select(IdempotencyRecord.key)).all() == ["fresh"]


def test_attachments_prune_reports_what_it_deleted(runner, app, db, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "ATTACHMENT_DIR", str(tmp_path))
    orphan = tmp_path / "0123456789abcdef.jpg"
    orphan.write_bytes(b"x")
    import os

    os.utime(orphan, (0, 0))
    result = runner.invoke(args=["attachments", "prune"])
    assert result.exit_code == 0 and "Deleted 1 " in result.stdout and not orphan.exists()


def test_partners_webhook_switches_delivery_and_prints_the_signing_secret(runner, make, db):
    from gdt.services.referrals import delivery

    partner = make.partner("politie")
    result = runner.invoke(args=["partners", "webhook", "politie", "--url", "https://politie.example/gdt"])
    assert result.exit_code == 0, result.output
    db.session.refresh(partner)
    assert partner.delivery_method == "webhook" and partner.webhook_url == "https://politie.example/gdt"
    assert delivery.webhook_secret(partner) in result.output
    bad = runner.invoke(args=["partners", "webhook", "politie", "--url", "ftp://politie.example"])
    assert bad.exit_code == 1 and "https://" in bad.output
    assert runner.invoke(args=["partners", "webhook", "bestaat-niet", "--url", "https://x.example"]).exit_code == 1


def test_referrals_retry_due_and_reminders_send(runner, db, make):
    make.user("coordinator")
    assert "Queued 0 delivery attempt(s)." in runner.invoke(args=["referrals", "retry-due"]).output
    assert runner.invoke(args=["reminders", "send"]).output.strip() == "Reminders queued."
    assert "already" in runner.invoke(args=["reminders", "send"]).output


def test_tallies_check_compact_and_rebuild(runner, make, db):
    from gdt.models import ReportTally
    from gdt.services.reporting import report_tallies

    make.report(channel="app")
    check = runner.invoke(args=["tallies", "check"])
    assert check.exit_code == 0, check.output
    if not report_tallies.uses_tallies():
        assert "SQLite" in check.output
        return
    assert "match" in check.output
    assert "Merged into" in runner.invoke(args=["tallies", "compact"]).output
    db.session.add(ReportTally(period=202603, facet="funnel", channel="app", count=2))
    db.session.flush()
    broken = runner.invoke(args=["tallies", "check"])
    assert broken.exit_code == 1 and "202603 funnel: tallied 3, counted 1" in broken.output
    assert "Rebuilt" in runner.invoke(args=["tallies", "rebuild"]).output
    assert runner.invoke(args=["tallies", "check"]).exit_code == 0


def test_users_create_mails_an_invitation_and_sets_no_password(runner, db, inbox):
    result = runner.invoke(args=["users", "create", "--email", "Nieuw@Gemeente.nl", "--name", "Nieuw", "--role",
                                 "coordinator"])
    assert result.exit_code == 0, result.output
    assert "token=" not in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "nieuw@gemeente.nl"))
    assert user.password_hash is None
    [(recipients, mail)] = inbox.wait_for(1)
    assert recipients == ["nieuw@gemeente.nl"] and "/invitation?token=" in mail.get_content()


def test_users_create_print_link_prints_the_invitation_instead_of_mailing_it(runner, db, inbox):
    from gdt.services.identity import account_links
    result = runner.invoke(args=["users", "create", "--email", "zonder-mail@gemeente.nl", "--name", "Zonder Mail",
                                 "--role", "intake", "--print-link"])
    assert result.exit_code == 0, result.output
    link = result.stdout.strip()
    assert link.startswith("http://127.0.0.1:5000/invitation?token=") and "works once" in result.stderr
    assert account_links.check(link.partition("token=")[2], "invitation")
    assert inbox.received == []


def test_users_set_password_applies_the_password_rules(runner, make, db, monkeypatch):
    user = make.user("intake")
    monkeypatch.setenv("GDT_PASSWORD", "qwertyuiop123")
    refused = runner.invoke(args=["users", "set-password", user.email])
    assert refused.exit_code == 1 and "gelekte" in refused.output
    monkeypatch.setenv("GDT_PASSWORD", "een nieuwe lange zin")
    assert runner.invoke(args=["users", "set-password", user.email]).exit_code == 0
