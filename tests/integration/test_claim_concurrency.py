"""Two coordinators press "Ik pak deze op" at the same moment on real PostgreSQL connections: exactly one wins.

And a claim racing a colleague's triage: one of the two happens, the other is refused with a clear message.
"""
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

import config
from gdt import create_app
from gdt.db import db
from gdt.models import Report, ReportClaim, User
from gdt.services.core import reference_data
from gdt.services.core.errors import Conflict
from gdt.services.triage import claims, report_triage

pytestmark = pytest.mark.integration
ROUNDS = 12


@pytest.fixture
def live_app(fresh_database_url):
    if not fresh_database_url.startswith("postgresql"):
        pytest.skip("row locks between connections: run with --postgres")

    class LiveConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": 4}

    app = create_app(LiveConfig)
    with app.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        for name in ("Anna", "Bram"):
            db.session.add(User(email=f"{name.lower()}@gdt.test", name=name, role="coordinator", password_hash="x"))
        category = reference_data.category_by_key("geluidsoverlast")
        for n in range(ROUNDS):
            db.session.add(Report(reference=f"GDT-R-{n:04d}", channel="phone", status="received", postcode="5611AB",
                                  house_number=n + 1, category=category, received_at=datetime.now(UTC)))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _race(app, reference: str, *actions):
    """Run each `action(report, user)` in its own thread and connection, released at the same moment."""
    barrier, outcomes = threading.Barrier(len(actions)), [None] * len(actions)

    def run(index, action, email):
        with app.app_context():
            try:
                user = db.session.scalar(sa.select(User).where(User.email == email))
                report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
                barrier.wait(timeout=30)
                action(report, user)
                outcomes[index] = "ok"
            except Conflict as refused:
                outcomes[index] = refused.code
            except Exception as error:  # anything else fails the test below
                outcomes[index] = repr(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(index, action, email))
               for index, (action, email) in enumerate(zip(actions, ("anna@gdt.test", "bram@gdt.test")))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _claim(report, user):
    claims.claim_report(report, actor=user)


def test_two_simultaneous_claims_exactly_one_wins(live_app):
    for n in range(ROUNDS // 2):
        reference = f"GDT-R-{n:04d}"
        outcomes = _race(live_app, reference, _claim, _claim)
        assert sorted(outcomes) == ["claimed", "ok"], outcomes
        with live_app.app_context():
            holders = db.session.scalars(sa.select(ReportClaim.user_id).join(Report)
                                         .where(Report.reference == reference)).all()
            winner = db.session.scalar(sa.select(User.id).where(
                User.email == ("anna@gdt.test" if outcomes[0] == "ok" else "bram@gdt.test")))
            db.session.remove()
        assert holders == [winner]


def test_a_claim_racing_a_colleagues_triage_one_of_them_happens(live_app):
    def triage(report, user):
        report_triage.refer_report(report, "politie", None, actor=user, seen_version=report.version)

    for n in range(ROUNDS // 2, ROUNDS):
        reference = f"GDT-R-{n:04d}"
        claim_outcome, triage_outcome = _race(live_app, reference, _claim, triage)
        with live_app.app_context():
            report = db.session.scalar(sa.select(Report).where(Report.reference == reference))
            status, claimed = report.status, report.claim is not None
            db.session.remove()
        if triage_outcome == "ok":  # triage first: the claim finds the report triaged
            assert (claim_outcome, status, claimed) == ("triaged", "referred", False)
        else:  # the claim first: the colleague's triage is refused and nothing changed
            assert (claim_outcome, triage_outcome, status, claimed) == ("ok", "claimed", "received", True)
