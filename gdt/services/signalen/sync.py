"""Pulling the team's signals from Signalen into reports: `flask signalen sync`, the worker's beat and the in-process
scheduler all run `sync()`.

Exactly once, whatever happens: each signal is written in a unit of work of its own together with its
`signalen_signals` row (the signal's id is unique) and the cursor, so a re-read page, two runs at once or a crash
between two signals never makes a second report — the second writer finds the row, or loses the race at the unique
key and counts the signal as already there. Only one run reads at a time (a lease on the sync row; a second run
returns at once), and the cursor (`updated_after` of the next run, minus a minute of overlap) moves only past
signals that were written. It follows the last change, not the creation: a signal handed to the team's department
later is changed then, and so read then. When Signalen fails midway (a 500 on page 4, a slow answer, no token), the
run stops where it is and the next one goes on from there. Photos come through the attachments pipeline (type
checked from the bytes, EXIF gone); a photo Signalen serves but GDT refuses is left out and counted, not the signal.

No receipt mail: Signalen remains the resident's point of contact and has sent its own.
"""
import logging
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from gdt.db import db, utcnow
from gdt.models.signalen import SignalenSignal, SignalenSync
from gdt.services.core import audit
from gdt.services.core.errors import Conflict, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import attachments, report_intake
from gdt.services.signalen.client import Client, SignalenError, SignalenUnavailable
from gdt.services.signalen.mapping import ConfigurationError, Incoming, Maps, incoming

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a run renews it at every page
OVERLAP = timedelta(minutes=1)  # signals created in the same second as the cursor are read again, and skipped
NOT_CONFIGURED = "Signalen is not configured (SIGNALEN_API_URL and a token or client credentials)."


@dataclass
class SyncResult:
    pages: int = 0
    seen: int = 0
    imported: int = 0
    already: int = 0
    not_imported: int = 0
    photos: int = 0
    photos_refused: int = 0
    skipped: bool = False  # another run held the lock
    error: str | None = None  # why the run stopped early; the next run goes on from the cursor
    reasons: dict = field(default_factory=dict)

    def summary(self) -> str:
        if self.skipped:
            return "another sync is running; nothing done"
        text = (f"pages {self.pages}, signals {self.seen}: {self.imported} new reports, {self.already} already "
                f"there, {self.not_imported} not importable, photos {self.photos} ({self.photos_refused} refused)")
        return f"{text}; stopped: {self.error}" if self.error else text


def enabled() -> bool:
    return bool(current_app.config["SIGNALEN_API_URL"])


def sync_if_due() -> SyncResult | None:
    """The periodic run (beat, the in-process scheduler): nothing while Signalen is not configured or the last run
    is less than SIGNALEN_SYNC_MINUTES ago."""
    if not enabled():
        return None
    state = db.session.scalar(sa.select(SignalenSync).limit(1))
    every = timedelta(minutes=current_app.config["SIGNALEN_SYNC_MINUTES"])
    if state is not None and state.last_run_at is not None and utcnow() - state.last_run_at < every:
        return None
    try:
        return sync()
    except ConfigurationError as error:
        log.error("signalen sync: %s", error)
        return None


def sync() -> SyncResult:
    """One run; ConfigurationError when the settings cannot be used."""
    client, maps = Client(), Maps.from_app()
    if not client.settings.enabled:
        raise ConfigurationError(NOT_CONFIGURED)
    result = SyncResult()
    with _exclusive() as mine:
        if not mine:
            return SyncResult(skipped=True)
        try:
            for page in client.signals(_query(_state().cursor)):
                result.pages += 1
                _extend_lease()
                for signal in page:
                    result.seen += 1
                    _take(client, signal, maps, result)
        except SignalenError as error:
            result.error = error.detail
            log.warning("signalen sync stopped: %s", error.detail)
        _finish(result)
    return result


def _take(client: Client, signal: dict, maps: Maps, result: SyncResult) -> None:
    """One signal, written once (or found written); SignalenUnavailable stops the run before the cursor passes it."""
    signal_id = int(signal["id"])
    if _known(signal_id):
        result.already += 1
        return
    arrived = incoming(signal, maps)
    fields = report_intake.with_address_ids(arrived.fields, chosen=None) if arrived.fields else None  # no lock held
    photos = list(_photos(client, arrived, result)) if fields and arrived.has_attachments else []
    try:
        with unit_of_work():
            report = _report(arrived, fields, photos, result) if fields else None
            db.session.add(SignalenSignal(signal_id=signal_id, id_display=arrived.id_display, report=report,
                                          source=arrived.source, sub_slug=arrived.sub_slug,
                                          signal_created_at=arrived.created_at, incident_at=arrived.incident_at,
                                          not_imported=None if report else arrived.not_imported))
            _advance(arrived)
    except Conflict:  # another run wrote it between our look and our commit
        result.already += 1
        return
    if fields:
        result.imported += 1
    else:
        result.not_imported += 1
        result.reasons[arrived.not_imported] = result.reasons.get(arrived.not_imported, 0) + 1


def _report(arrived: Incoming, fields: dict, photos: list, result: SyncResult):
    report = report_intake.add_report(fields, channel=arrived.channel)
    audit.record(None, "create", "report", report.reference,
                 detail={"signalen": arrived.id_display, "category_mapped": arrived.category_mapped})
    for prepared in photos:
        try:
            attachments.store(report, prepared)
            result.photos += 1
        except ValidationFailed:  # more files than a report may have
            result.photos_refused += 1
    return report


def _photos(client: Client, arrived: Incoming, result: SyncResult) -> Iterator[attachments.PreparedFile]:
    """The signal's images, downloaded and checked before the unit of work opens."""
    limit = current_app.config.get("ATTACHMENT_MAX_PHOTO_BYTES", attachments.DEFAULTS["ATTACHMENT_MAX_PHOTO_BYTES"])
    for item in client.attachments(arrived.signal_id):
        url = ((item.get("_links") or {}).get("self") or {}).get("href")
        if not url or not item.get("is_image", True):
            continue
        data = client.download(url, max_bytes=limit + 1)
        name = urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]) or "foto.jpg"
        try:
            yield attachments.prepare(name, data, photos_only=True)
        except attachments.Busy as busy:
            raise SignalenUnavailable("every image slot is busy") from busy
        except ValidationFailed:
            result.photos_refused += 1


def _known(signal_id: int) -> bool:
    return db.session.scalar(sa.select(SignalenSignal.id).where(SignalenSignal.signal_id == signal_id)) is not None


def _state() -> SignalenSync:
    state = db.session.scalar(sa.select(SignalenSync).order_by(SignalenSync.id).limit(1))
    if state is None:
        with unit_of_work():
            state = SignalenSync()
            db.session.add(state)
    return state


def _advance(arrived: Incoming) -> None:
    """Inside the signal's unit of work: the cursor moves to its last change, never back."""
    moment = arrived.updated_at or arrived.created_at
    if moment is None:
        return
    state = _state_for_update()
    if state.cursor is None or moment > state.cursor:
        state.cursor = moment


def _state_for_update() -> SignalenSync:
    return db.session.scalar(sa.select(SignalenSync).order_by(SignalenSync.id).limit(1).with_for_update())


def _finish(result: SyncResult) -> None:
    with unit_of_work():
        state = _state_for_update()
        state.last_run_at, state.last_outcome = utcnow(), result.summary()[:300]
        audit.record(None, "signalen_sync", "signalen", None,
                     detail={"imported": result.imported, "already": result.already,
                             "not_imported": result.not_imported, "stopped": result.error is not None})


def _query(cursor) -> list[tuple[str, str]]:
    query = urllib.parse.parse_qsl(current_app.config["SIGNALEN_FILTER"], keep_blank_values=False)
    query += [("ordering", "updated_at"), ("page_size", str(current_app.config["SIGNALEN_PAGE_SIZE"]))]
    if cursor is not None:
        query.append(("updated_after", (cursor - OVERLAP).isoformat()))
    return query


@contextmanager
def _exclusive():
    """True when this run took the lease on the sync row (an UPDATE that only one writer wins); given back at the
    end. A run that died keeps it until LEASE has passed."""
    _state()
    with unit_of_work():
        now = utcnow()
        taken = db.session.execute(
            sa.update(SignalenSync).where(sa.or_(SignalenSync.running_until.is_(None),
                                                 SignalenSync.running_until < now))
            .values(running_until=now + LEASE)).rowcount == 1
    try:
        yield taken
    finally:
        if taken:
            with unit_of_work():
                db.session.execute(sa.update(SignalenSync).values(running_until=None))


def _extend_lease() -> None:
    with unit_of_work():
        db.session.execute(sa.update(SignalenSync).values(running_until=utcnow() + LEASE))
