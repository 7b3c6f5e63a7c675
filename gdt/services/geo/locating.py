"""Coordinates for reports stored before the map (`flask addresses locate`): asked of the address service in
batches, each batch its own transaction, so a run can stop anywhere and the next one goes on where it was."""
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from gdt.db import db
from gdt.models import Report
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake import addresses

BATCH_SIZE = 200


@dataclass
class LocateResult:
    located: int = 0
    not_found: int = 0  # the service has no single address for it (typed by hand, renumbered): left as it is
    unavailable: bool = False  # the service stopped answering: the run ends, the next one resumes


def locate_missing(*, batch_size: int = BATCH_SIZE, limit: int | None = None,
                   progress: Callable[[LocateResult], None] | None = None) -> LocateResult:
    """Fill lat/lon/rd_x/rd_y of every report that has an address but no coordinates.

    Idempotent: located reports are not asked again; a report the service cannot place is passed over by id in
    this run (it is tried again next run: the BAG may know it by then).
    """
    result, after = LocateResult(), 0
    while limit is None or result.located + result.not_found < limit:
        size = batch_size if limit is None else min(batch_size, limit - result.located - result.not_found)
        batch = db.session.execute(
            sa.select(Report.id, Report.postcode, Report.house_number, Report.house_number_addition, Report.bag_id)
            .where(Report.rd_x.is_(None), Report.destroyed_at.is_(None), Report.postcode.is_not(None),
                   Report.id > after)
            .order_by(Report.id).limit(size)).all()
        db.session.rollback()  # no transaction held while the service is asked
        if not batch:
            break
        try:
            found = {row.id: _locate(row) for row in batch}
        except addresses.AddressServiceUnavailable:
            result.unavailable = True
            break
        with unit_of_work():
            for report_id, match in found.items():
                if match is None:
                    result.not_found += 1
                    continue
                # Only while still unlocated and at the same address: a correction in between wins.
                db.session.execute(sa.update(Report).where(
                    Report.id == report_id, Report.rd_x.is_(None), Report.destroyed_at.is_(None),
                    Report.postcode == match.postcode, Report.house_number == match.house_number)
                    .values(**match.coordinates))
                result.located += 1
        after = batch[-1].id
        if progress is not None:
            progress(result)
    return result


def _locate(row) -> addresses.AddressMatch | None:
    """The one BAG address meant (by BAG id, else the addition), with coordinates; None otherwise."""
    match = addresses.resolve(addresses.lookup(row.postcode, row.house_number), bag_id=row.bag_id,
                              addition=row.house_number_addition)
    return match if match is not None and match.rd_x is not None else None
