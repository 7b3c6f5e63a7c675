"""The map pages' filters from the query string (category, status, period, the part of the map in view).

Only keys, dates and degrees: no personal data ever goes in a map URL. Anything malformed is ignored, never an error
(someone edits the address bar), as the case list does.
"""
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from gdt.services.geo.view import OPEN_STATUSES, BBox

STATUS_CHOICES = ("open", "received", "referred", "escalated", "closed", "all")  # "open" is the default
_STATUS_SETS = {"open": OPEN_STATUSES, "all": OPEN_STATUSES + ("closed",)}
_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")


@dataclass(frozen=True)
class MapFilter:
    category: str | None = None
    status: str = "open"
    date_from: date | None = None
    date_to: date | None = None
    bbox: BBox | None = None

    @property
    def is_active(self) -> bool:
        return any((self.category, self.status != "open", self.date_from, self.date_to, self.bbox))

    def query(self) -> dict:
        """Keyword arguments for map_data, reports_in_view and heat_map."""
        period = None
        if self.date_from or self.date_to:
            period = (self.date_from or date(1900, 1, 1), self.date_to or date(9999, 12, 30))
        return {"categories": (self.category,) if self.category else (),
                "statuses": _STATUS_SETS.get(self.status, (self.status,)), "period": period}

    def as_args(self) -> dict[str, str]:
        """The filter as query arguments again (links, the JSON request, pagination): only what is set."""
        args = {"categorie": self.category, "status": self.status if self.status != "open" else None,
                "van": self.date_from.isoformat() if self.date_from else None,
                "tot": self.date_to.isoformat() if self.date_to else None,
                "gebied": str(self.bbox) if self.bbox else None}
        return {name: value for name, value in args.items() if value}


def parse(args: Mapping[str, str], *, category_keys: Collection[str] | None = None) -> MapFilter:
    category = (args.get("categorie") or "").strip()
    if not _KEY.fullmatch(category) or (category_keys is not None and category not in category_keys):
        category = None
    status = args.get("status") if args.get("status") in STATUS_CHOICES else "open"
    first, last = _date(args.get("van")), _date(args.get("tot"))
    if first and last and first > last:
        first, last = last, first
    return MapFilter(category=category, status=status, date_from=first, date_to=last,
                     bbox=BBox.parse(args.get("gebied")))


def _date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip()[:10]) if raw else None
    except ValueError:
        return None
