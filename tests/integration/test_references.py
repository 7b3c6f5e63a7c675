"""Reference numbers stay unique when several intake desks register at the same moment."""
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

import config
from gdt import create_app
from gdt.db import db
from gdt.models import Report, User
from gdt.services.core import reference_data
from gdt.services.core.reference_numbers import REFERENCE_PATTERN
from gdt.services.intake import report_intake

pytestmark = pytest.mark.integration
THREADS, PER_THREAD = 4, 10


@pytest.fixture
def live_app(fresh_database_url):
    class LiveConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = fresh_database_url
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_size": THREADS + 1} if "postgresql" in fresh_database_url else {}

    app = create_app(LiveConfig)
    with app.app_context():
        db.create_all()
        reference_data.ensure_defaults()
        db.session.add(User(email="intake@gdt.test", name="Intake", role="intake", password_hash="x"))
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_concurrent_intakes_get_distinct_consecutive_references(live_app):
    errors = []

    def register_many():
        with live_app.app_context():
            actor = db.session.scalar(sa.select(User))
            try:
                for n in range(PER_THREAD):
                    report_intake.register_phone_report(report_intake.ReportInput(
                        category="geluidsoverlast", description=f"Melding {n}", postcode="5611AB", house_number=n + 1,
                        reporter_is_anonymous=True), actor=actor)
            except Exception as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=register_many) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    with live_app.app_context():
        references = db.session.scalars(sa.select(Report.reference)).all()
    year = datetime.now(UTC).year
    numbers = sorted(int(REFERENCE_PATTERN.fullmatch(reference).group(2)) for reference in references)
    assert len(references) == THREADS * PER_THREAD
    assert numbers == list(range(1, THREADS * PER_THREAD + 1))
    assert all(reference.startswith((f"GDT-{year}-", f"GDT-{year + 1}-")) for reference in references)
