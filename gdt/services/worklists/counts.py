"""How many rows a saved list shows its viewer now: one COUNT on the list page's own query, so the number on the
start page is the number the page shows (the same need-to-know, the same filter)."""
import sqlalchemy as sa

from gdt.db import db
from gdt.models import Case, Report, SavedList, User
from gdt.services.casework import case_list
from gdt.services.core.list_order import Sort
from gdt.services.triage import report_lists
from gdt.services.worklists import filters, saved_lists

# An order without joins: a count has no use for the page's default order (it joins deadlines and claims).
_PLAIN = {"reports": Sort("received"), "cases": Sort("opened")}


def pinned_with_counts(viewer: User) -> list[tuple[SavedList, int | None]]:
    """The lists on `viewer`'s start page, each with its count (one COUNT per list, at most MAX_PINNED)."""
    return [(saved, count(viewer, saved)) for saved in saved_lists.pinned(viewer)]


def count(viewer: User, saved: SavedList) -> int | None:
    """The rows `viewer` sees in `saved`; None for a search (a count would run and audit a search on every visit
    of the start page: the saved search says its results when it is opened)."""
    query = _query(viewer, saved)
    if query is None:
        return None
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery())) or 0


def _query(viewer: User, saved: SavedList) -> sa.Select | None:
    if saved.kind == "reports":
        found = report_lists.queue(viewer, filters.queue_filter(saved.filters), _PLAIN["reports"])
        return found.with_only_columns(Report.id)
    if saved.kind == "cases":
        found = case_list.query(viewer, filters.case_filter(saved.filters), _PLAIN["cases"])
        return found.with_only_columns(Case.id)
    return None
