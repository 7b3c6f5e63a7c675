"""One page parameter for every list: the pages forgive a bad `?page=`, the API refuses it; neither fails.

Pages (`page_of`): a person follows an old link or edits the address bar, so a page past the end (a
40-digit number too) shows the last page, and anything that is not a page number (empty, 0, -3, abc,
full-width digits) shows the first. The API checks `page` against `MAX_PAGE` (422 outside 1–MAX_PAGE)
and answers a page past the end with an empty list, so a client paging until nothing comes back stops.

Flask-SQLAlchemy's own reading of `?page=` takes any integer, and a huge one becomes an OFFSET no
database holds (an overflow, a 500); so every list passes its page explicitly through here.
"""
import re
from collections.abc import Mapping

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from gdt.db import db

MAX_PAGE = 1_000_000  # far past any real list; keeps OFFSET (page × page size ≤ 10⁸) small for every database
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: int() would also read Arabic-Indic and full-width digits


def page_number(raw: str | None) -> int:
    """A requested page from 1 to MAX_PAGE: larger numbers become MAX_PAGE, anything else 1."""
    value = (raw or "").strip()
    if not _DIGITS.fullmatch(value):
        return 1
    if len(value) > len(str(MAX_PAGE)):  # compared as text first: int() of thousands of digits is refused
        return MAX_PAGE
    return min(max(int(value), 1), MAX_PAGE)


def page_of(query: sa.Select, args: Mapping[str, str], *, per_page: int) -> Pagination:
    """The page of `query` that `args["page"]` asks for, kept between the first and the last page."""
    return paginate(query, page_number(args.get("page")), per_page=per_page, clamp=True)


def paginate(query: sa.Select, page: int, *, per_page: int, clamp: bool) -> Pagination:
    """`page` (1–MAX_PAGE) of `query`; with `clamp`, a page past the end is the last one."""
    if not 1 <= page <= MAX_PAGE:
        raise ValueError(f"page {page} is outside 1–{MAX_PAGE}")
    found = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if clamp and found.page > found.pages > 0:
        found = db.paginate(query, page=found.pages, per_page=per_page, error_out=False)
    return found
