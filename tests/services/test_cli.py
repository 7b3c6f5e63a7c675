"""The thin commands: exit codes and messages."""
import sqlalchemy as sa

from gdt.models import Partner, User


def test_users_create_reads_the_password_from_the_environment(runner, db, monkeypatch):
    monkeypatch.setenv("GDT_PASSWORD", "een lang genoeg wachtwoord")
    result = runner.invoke(args=["users", "create", "--email", "Nieuw@Gemeente.nl", "--name", "Nieuw", "--role", "intake"])
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
    header = ("reference,received_at,channel,category,postcode,house_number,description,triage_outcome,triaged_at,"
              "referred_to,gdt_mode,closed_at")
    rows = [f"R{n},2025-03-01,fax,geluidsoverlast,5611AB,1,,,,,," for n in range(80)]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([header, *rows]), encoding="utf-8")
    result = runner.invoke(args=["import-reports", str(path)])
    assert result.exit_code == 1
    assert result.output.count("column channel") == 50 and "… and 30 more" in result.output
