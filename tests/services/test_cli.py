"""The thin commands: exit codes and messages."""
import sqlalchemy as sa

from gdt.models import ApiClient, Partner, User, UserToken
from gdt.services.core import tokens


def test_users_create_reads_the_password_from_the_environment(runner, db, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", "een lang genoeg wachtwoord")
    result = runner.invoke(
        args=["users", "create", "--email", "Nieuw@Gemeente.nl", "--name", "Nieuw", "--role", "intake"]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User.role).where(User.email == "nieuw@gemeente.nl")) == "intake"


def test_users_create_refuses_a_short_password(runner, db, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", "kort")
    result = runner.invoke(args=["users", "create", "--email", "a@b.nl", "--name", "A", "--role", "intake"])
    assert result.exit_code == 1 and "minstens 12" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_users_deactivate(runner, make, db):
    user = make.user("intake")
    assert runner.invoke(args=["users", "deactivate", user.email]).exit_code == 0
    db.session.expire_all()
    assert not user.is_active
    assert runner.invoke(args=["users", "deactivate", "niemand@gdt.test"]).exit_code == 1


def test_partners_create(runner, db):
    result = runner.invoke(args=["partners", "create", "politie-oost", "--name", "Politie Oost", "--kind", "police"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(Partner.name).where(Partner.key == "politie-oost")) == "Politie Oost"
    again = runner.invoke(args=["partners", "create", "politie-oost", "--name", "Dubbel"])
    assert again.exit_code == 1 and "bestaat al" in again.output


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
    assert runner.invoke(args=["api-clients", "create", "app", "--channel", "app"]).exit_code == 0
    again = runner.invoke(args=["api-clients", "create", "app", "--channel", "app"])
    assert again.exit_code == 1 and "Traceback" not in again.output
    assert runner.invoke(args=["api-clients", "create", "fax", "--channel", "fax"]).exit_code == 2


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
