"""The Signalen connector against a local fake Signalen (tests/fake_signalen.py): every signal becomes one report,
whatever fails midway, and what the team does is told back within Signalen's workflow matrix."""
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from gdt.db import utcnow
from gdt.models import Attachment, OutboxMessage, Report
from gdt.models.signalen import SignalenSignal, SignalenSync
from gdt.services.casework import cases
from gdt.services.core import outbox
from gdt.services.core.attachment_store import directory
from gdt.services.signalen import client as signalen_client
from gdt.services.signalen import status, sync
from gdt.services.signalen.mapping import ConfigurationError
from gdt.services.triage import report_triage
from tests import attachment_files as files
from tests.fake_signalen import FakeSignalen, signal

CATEGORY_MAP = '{"overlast-van-personen-of-groepen": "geluidsoverlast"}'


@pytest.fixture
def connect(app, make):
    """`connect(fake, **settings)`: the app pointed at the fake, with client credentials and the team's filter."""
    make.defaults()
    signalen_client.forget_tokens()
    saved = dict(app.config)

    def to(fake, **settings):
        app.config.update({"SIGNALEN_API_URL": fake.api_url, "SIGNALEN_TOKEN_URL": fake.token_url,
                           "SIGNALEN_CLIENT_ID": "gdt", "SIGNALEN_CLIENT_SECRET": "geheim", "SIGNALEN_TOKEN": "",
                           "SIGNALEN_FILTER": "directing_department=GDT", "SIGNALEN_CATEGORY_MAP": CATEGORY_MAP,
                           "SIGNALEN_SOURCE_CHANNELS": '{"Telefoon": "phone", "*": "webform"}',
                           "SIGNALEN_PAGE_SIZE": 50, "SIGNALEN_TIMEOUT": 5} | settings)
        return fake

    yield to
    app.config.clear()
    app.config.update(saved)
    signalen_client.forget_tokens()


def counts(db) -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Report)),
            db.session.scalar(sa.select(sa.func.count()).select_from(SignalenSignal)))


def test_five_hundred_signals_over_ten_pages_become_five_hundred_reports_once(db, connect):
    signals = [signal(number, photos=1 if number % 100 == 0 else 0) for number in range(1, 501)]
    with connect(FakeSignalen(signals, photo=files.jpeg_with_gps())) as fake:
        result = sync.sync()
        assert (result.pages, result.seen, result.imported, result.error) == (10, 500, 500, None)
        assert counts(db) == (500, 500) and result.photos == 5
        again = sync.sync()
    assert again.imported == 0 and counts(db) == (500, 500)
    assert [query.get("directing_department") for query in fake.list_requests] == ["GDT"] * 11
    assert "updated_after" in fake.list_requests[-1]  # the second run starts at the cursor

    first = db.session.scalar(sa.select(SignalenSignal).where(SignalenSignal.signal_id == 100))
    report = first.report
    assert (first.id_display, report.channel, report.category.key, report.status) == (
        "SIG-100", "webform", "geluidsoverlast", "received")
    assert (report.postcode, report.street, report.city) == ("5611ET", "Stratumseind", "Eindhoven")
    assert report.description.startswith("Harde muziek") and first.incident_at is not None
    [photo] = db.session.scalars(sa.select(Attachment).where(Attachment.report_id == report.id)).all()
    with Image.open(directory() / photo.storage_name) as image:
        assert dict(image.getexif()) == {}
    assert not db.session.scalars(sa.select(OutboxMessage.topic)).all()  # Signalen mailed the resident itself


def test_a_500_on_page_four_and_a_token_expiring_midway_lose_and_double_nothing(db, connect):
    with connect(FakeSignalen([signal(number) for number in range(1, 501)], token_seconds=3600)) as fake:
        fake.fail_pages[4] = 1
        first = sync.sync()
        assert first.imported == 150 and "HTTP 500" in first.error and counts(db) == (150, 150)
        fake.expire_at_page = 2
        second = sync.sync()
        assert second.error is None and counts(db) == (500, 500)
        assert fake.issued == 2  # one new token after the 401, none for every call
    state = db.session.scalar(sa.select(SignalenSync))
    assert "500 new reports" not in state.last_outcome and "stopped" not in state.last_outcome


def test_reading_the_same_pages_again_makes_no_second_report(db, connect):
    with connect(FakeSignalen([signal(number) for number in range(1, 61)])):
        sync.sync()
        db.session.scalar(sa.select(SignalenSync)).cursor = None  # as after a crash before the cursor moved
        db.session.commit()
        again = sync.sync()
    assert (again.seen, again.already, again.imported) == (60, 60, 0) and counts(db) == (60, 60)


def test_a_second_run_while_one_is_going_on_does_nothing(db, connect):
    with connect(FakeSignalen([signal(number) for number in range(1, 11)])):
        db.session.add(SignalenSync(running_until=utcnow() + timedelta(minutes=5)))  # a run on another node
        db.session.commit()
        assert sync.sync().skipped and counts(db) == (0, 0)
        db.session.scalar(sa.select(SignalenSync)).running_until = utcnow() - timedelta(seconds=1)  # it died
        db.session.commit()
        assert sync.sync().imported == 10
    assert db.session.scalar(sa.select(SignalenSync.running_until)) is None  # given back


def test_what_cannot_be_mapped_waits_in_the_intake_queue_or_is_kept_with_its_reason(db, connect):
    signals = [signal(1, sub_slug="iets-nieuws"), signal(2, source="Telefoon", email="bewoner@example.org"),
               signal(3, address=False)]
    with connect(FakeSignalen(signals)):
        result = sync.sync()
    assert (result.imported, result.not_imported, result.reasons) == (2, 1, {"no_address": 1})
    unmapped, phoned, nowhere = db.session.scalars(sa.select(SignalenSignal).order_by(SignalenSignal.signal_id))
    assert (unmapped.report.category.key, unmapped.report.status, unmapped.sub_slug) == (
        "overig", "received", "iets-nieuws")
    assert (phoned.report.channel, phoned.report.reporter_email, phoned.report.reporter_may_contact) == (
        "phone", "bewoner@example.org", True)
    assert (nowhere.report, nowhere.not_imported) == (None, "no_address")


def test_settings_gdt_cannot_use_are_named(app, db, connect):
    with connect(FakeSignalen([]), SIGNALEN_SOURCE_CHANNELS='{"*": "fax"}'), \
            pytest.raises(ConfigurationError, match="SIGNALEN_SOURCE_CHANNELS"):
        sync.sync()
    app.config["SIGNALEN_API_URL"] = ""
    with pytest.raises(ConfigurationError):
        sync.sync()


def _imported(db, number: int) -> Report:
    return db.session.scalar(sa.select(SignalenSignal).where(SignalenSignal.signal_id == number)).report


# The tests' outbox runs each message in-process right after its commit (no broker), as `make run` does.


def test_taken_on_then_closed_is_told_within_the_matrix(db, make, connect):
    coordinator = make.user("coordinator")
    with connect(FakeSignalen([signal(1)])) as fake:
        sync.sync()
        report = _imported(db, 1)
        case = report_triage.escalate_report(report, "Dreigt te escaleren.", actor=coordinator,
                                             seen_version=report.version)
        assert fake.state(1) == "b" and fake.patches[0][1]["send_email"] is False
        assert "De-escalatieteam" in fake.patches[0][1]["text"]
        cases.decide_mode(case, "regie", actor=coordinator, seen_version=case.version, regie_kind="casus")
        cases.close_case(case, "de-escalated", None, actor=coordinator, seen_version=case.version)
    assert [state["state"] for _, state in fake.patches] == ["b", "o"] and fake.refused == []
    assert db.session.scalar(sa.select(SignalenSignal.state_sent)) == "o"


def test_a_referral_names_the_partner_and_a_refusal_is_kept_for_the_admin(db, make, connect):
    coordinator = make.user("coordinator")
    make.partner("woningcorporatie")
    with connect(FakeSignalen([signal(1), signal(2)])) as fake:
        sync.sync()
        first = _imported(db, 1)
        report_triage.refer_report(first, "woningcorporatie", "Huurder van de corporatie.", actor=coordinator,
                                   seen_version=first.version)
        fake.signals[2]["status"]["state"] = "o"  # closed in Signalen meanwhile
        second = _imported(db, 2)
        report_triage.refer_report(second, "woningcorporatie", None, actor=coordinator, seen_version=second.version)
    [(number, sent)] = fake.patches
    assert number == 1 and sent["state"] == "o" and "Woningcorporatie" in sent["text"]
    refused = db.session.scalar(sa.select(SignalenSignal).where(SignalenSignal.signal_id == 2))
    assert "Invalid state transition from o to o" in refused.refusal and refused.state_sent is None


def test_signalen_down_keeps_the_update_until_it_is_back(db, make, connect):
    coordinator = make.user("coordinator")
    make.partner("woningcorporatie")
    with connect(FakeSignalen([signal(1)])) as fake:
        sync.sync()
        handler = fake.server.RequestHandlerClass
        working, handler.do_PATCH = handler.do_PATCH, lambda request: request._send(503, {})
        report = _imported(db, 1)
        report_triage.refer_report(report, "woningcorporatie", None, actor=coordinator, seen_version=report.version)
        [message] = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == status.TOPIC))
        assert message.processed_at is None and fake.state(1) == "m"
        with pytest.raises(signalen_client.SignalenUnavailable):
            outbox.process(message.id)
        handler.do_PATCH = working
        assert outbox.process(message.id) is True
    assert fake.state(1) == "o"


def test_the_periodic_run_waits_for_its_minutes_and_for_a_configuration(app, db, connect):
    app.config["SIGNALEN_API_URL"] = ""
    assert sync.sync_if_due() is None
    with connect(FakeSignalen([signal(1)]), SIGNALEN_SYNC_MINUTES=5):
        assert sync.sync_if_due().imported == 1
        assert sync.sync_if_due() is None  # it ran a moment ago


def test_the_commands_sync_and_show_where_it_stands(app, db, connect):
    runner = app.test_cli_runner()
    with connect(FakeSignalen([signal(1), signal(2, address=False)])) as fake:
        done = runner.invoke(args=["signalen", "sync"])
        assert done.exit_code == 0, done.output
        assert "1 new reports" in done.output and "not importable (no_address): 1" in done.output
        fake.fail_pages[1] = 1
        db.session.scalar(sa.select(SignalenSync)).cursor = None
        db.session.commit()
        stopped = runner.invoke(args=["signalen", "sync"])
    assert stopped.exit_code == 1 and "HTTP 500" in stopped.output
    shown = runner.invoke(args=["signalen", "status"]).output
    assert "Signals imported as reports: 1" in shown and "SIG-2: not imported (no_address)" in shown
    app.config["SIGNALEN_API_URL"] = ""
    refused = runner.invoke(args=["signalen", "sync"])
    assert refused.exit_code == 1 and "not configured" in refused.output


def test_staff_find_a_report_by_its_signalen_number(db, make, connect):
    from gdt.services import search

    with connect(FakeSignalen([signal(7)])):
        sync.sync()
    results = search.run_search(make.user("coordinator"), "sig-7")
    [hit] = results.reports
    assert hit.key == _imported(db, 7).reference and hit.matched_on == "Signalen-nummer"


def test_the_admin_sees_a_refusal_and_sends_the_status_again(db, make, connect, client_as):
    coordinator = make.user("coordinator")
    make.partner("woningcorporatie")
    with connect(FakeSignalen([signal(1)])) as fake:
        sync.sync()
        fake.signals[1]["status"]["state"] = "o"
        report = _imported(db, 1)
        report_triage.refer_report(report, "woningcorporatie", None, actor=coordinator, seen_version=report.version)
        admin = client_as("admin")
        page = admin.get("/admin/deliveries").get_data(as_text=True)
        assert "Statuswijzigingen naar Signalen" in page and "SIG-1" in page and "from o to o" in page
        fake.signals[1]["status"]["state"] = "b"  # put right in Signalen
        row = db.session.scalar(sa.select(SignalenSignal))
        assert admin.post(f"/admin/deliveries/signalen/{row.id}/resend").status_code == 302
    db.session.refresh(row)
    assert (row.refusal, row.state_sent, fake.state(1)) == (None, "o", "o")
    assert "Statuswijzigingen naar Signalen" not in admin.get("/admin/deliveries").get_data(as_text=True)


def test_a_slow_signalen_stops_the_run_and_the_next_one_catches_up(db, connect):
    with connect(FakeSignalen([signal(number) for number in range(1, 31)]), SIGNALEN_TIMEOUT=0.3,
                 SIGNALEN_PAGE_SIZE=10) as fake:
        fake.slow_seconds = 1.0
        slow = sync.sync()
        assert slow.imported == 0 and slow.error.startswith("GET /signals/v1/private/signals/: "), slow.error
        fake.slow_seconds = 0
        assert sync.sync().imported == 30 and counts(db) == (30, 30)


def test_a_signal_handed_to_the_team_later_is_read_when_it_changes(db, connect):
    late = signal(1, department="ASC")  # made earlier, for another department
    with connect(FakeSignalen([late, signal(2)])) as fake:
        assert sync.sync().imported == 1
        late["category"]["departments"] = "ASC,GDT"
        late["updated_at"] = utcnow().isoformat()
        assert sync.sync().imported == 1
        assert fake.list_requests[-1]["ordering"] == "updated_at"
    assert counts(db) == (2, 2)
