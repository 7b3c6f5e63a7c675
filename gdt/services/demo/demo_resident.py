"""The resident's logbook in the demo (gdt.services.resident.logbook): two entries on the report of a running case
whose resident can be reached (the one with questions, when demo_contact gave one), the later with a photo.

Rows in the demo's unit of work; the photo goes through the attachments' checks like any upload. `hint` tells
`make run` how to open that resident's page. The texts are invented."""
import io
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from PIL import Image, ImageDraw

from gdt.db import AMSTERDAM, db
from gdt.models import Case, Report
from gdt.models.resident import ResidentLogEntry
from gdt.models.resident_contact import ResidentQuestion
from gdt.services.intake import attachments

ENTRIES = (
    (6, time(23, 40), 90, "Harde bas en geschreeuw uit de woning boven ons. Om tien over een werd het stil."),
    (2, time(2, 15), 30, "Weer gebonk op de vloer en deuren die dichtslaan. Ik heb een foto van de trap gemaakt: "
                         "er staan weer vuilniszakken."),
)


def add(now: datetime) -> int:
    """Add the entries to a fitting report without any yet (a second load adds to another); returns how many."""
    report = _report()
    if report is None:
        return 0
    today = now.astimezone(AMSTERDAM).date()
    entries = [ResidentLogEntry(report_id=report.id, happened_on=today - timedelta(days=days_ago), happened_at=at,
                                duration_minutes=minutes, text=text, created_at=now - timedelta(days=days_ago - 1))
               for days_ago, at, minutes, text in ENTRIES]
    db.session.add_all(entries)
    db.session.flush()
    attachments.store(report, attachments.prepare("trappenhuis.jpg", _photo()), log_entry=entries[-1])
    return len(entries)


def hint() -> str | None:
    """How to open the demo resident's page, when the demo has a logbook."""
    reference = db.session.scalar(sa.select(Report.reference).join(ResidentLogEntry).order_by(ResidentLogEntry.id)
                                  .limit(1))
    return (f"The resident's page (Mijn melding) of demo report {reference}, with its logbook: "
            f"flask --app wsgi resident link {reference}") if reference else None


def _report() -> Report | None:
    reachable = (Report.reporter_email.is_not(None), Report.reporter_may_contact.is_(True),
                 Report.reporter_is_anonymous.is_(False), Report.destroyed_at.is_(None))
    asked = sa.exists().where(ResidentQuestion.report_id == Report.id)
    return db.session.scalar(sa.select(Report).join(Case, Case.id == Report.case_id)
                             .where(Case.status == "open", *reachable,
                                    ~sa.exists().where(ResidentLogEntry.report_id == Report.id))
                             .order_by(asked.desc(), Report.received_at.desc()).limit(1))


def _photo() -> bytes:
    """A stairwell drawn on the spot: grey steps and three bin bags."""
    image = Image.new("RGB", (640, 480), (205, 200, 190))
    draw = ImageDraw.Draw(image)
    for step in range(8):
        draw.rectangle((0, 380 - step * 45, 640 - step * 60, 425 - step * 45), fill=(150 + step * 8,) * 3)
    for left in (420, 480, 540):
        draw.ellipse((left, 330, left + 70, 420), fill=(25, 25, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()
