"""From a Signalen signal to what GDT's intake takes: channel, category, address, description, reporter, dates.

Only configuration decides the channel (SIGNALEN_SOURCE_CHANNELS, by Signalen's free-text `source`) and the category
(SIGNALEN_CATEGORY_MAP, by sub category slug); a signal whose category is not in the map gets
SIGNALEN_DEFAULT_CATEGORY, and waits in the intake queue like every new report. A reporter detail GDT would refuse
(a phone number it cannot read) is left out rather than the signal; a signal without an address cannot be a
report and is kept as not imported, with the reason.
"""
import json
from dataclasses import dataclass
from datetime import datetime

from flask import current_app

from gdt.models.reports import RESIDENT_CHANNELS
from gdt.services.core.errors import ValidationFailed
from gdt.services.intake import report_intake
from gdt.services.intake.report_intake import DESCRIPTION_MAX, ReportInput

REPORTER_FIELDS = ("reporter_email", "reporter_phone")
UNNAMED = "Naam onbekend (via Signalen)"  # Signalen asks no name; GDT's intake wants one for a reachable reporter
ADDRESS_FIELDS = ("postcode", "house_number", "house_number_addition", "street", "city")


class ConfigurationError(Exception):
    """A Signalen setting GDT cannot use; the message names the setting, for the operator."""


@dataclass(frozen=True)
class Maps:
    channels: dict[str, str]
    categories: dict[str, str]
    default_category: str

    @classmethod
    def from_app(cls) -> "Maps":
        config = current_app.config
        channels = _json_object(config["SIGNALEN_SOURCE_CHANNELS"], "SIGNALEN_SOURCE_CHANNELS")
        wrong = sorted(value for value in channels.values() if value not in RESIDENT_CHANNELS)
        if wrong:
            raise ConfigurationError(f"SIGNALEN_SOURCE_CHANNELS: {', '.join(wrong)} is not one of "
                                     f"{', '.join(RESIDENT_CHANNELS)}")
        return cls(channels, _json_object(config["SIGNALEN_CATEGORY_MAP"], "SIGNALEN_CATEGORY_MAP"),
                   config["SIGNALEN_DEFAULT_CATEGORY"])

    def channel(self, source: str | None) -> str:
        return self.channels.get(source or "", self.channels.get("*", "webform"))


@dataclass(frozen=True)
class Incoming:
    """A signal as GDT keeps it: the report's input (None when there is no address), and what is kept beside it."""

    signal_id: int
    id_display: str
    source: str | None
    sub_slug: str | None
    created_at: datetime | None
    updated_at: datetime | None
    incident_at: datetime | None
    channel: str
    category_mapped: bool
    fields: dict | None  # cleaned intake fields (report_intake.clean_report_input), None: not importable
    not_imported: str | None
    has_attachments: bool


def incoming(signal: dict, maps: Maps) -> Incoming:
    category = signal.get("category") or {}
    sub_slug = category.get("sub_slug")
    mapped = sub_slug in maps.categories
    data = _input(signal, maps.categories.get(sub_slug, maps.default_category))
    fields, reason = _clean(data, maps.default_category) if data is not None else (None, "no_address")
    return Incoming(signal_id=int(signal["id"]), id_display=str(signal.get("id_display") or f"SIG-{signal['id']}"),
                    source=_short(signal.get("source"), 120), sub_slug=_short(sub_slug, 120),
                    created_at=_moment(signal.get("created_at")), updated_at=_moment(signal.get("updated_at")),
                    incident_at=_moment(signal.get("incident_date_start")),
                    channel=maps.channel(signal.get("source")), category_mapped=mapped, fields=fields,
                    not_imported=reason, has_attachments=bool(signal.get("has_attachments")))


def _input(signal: dict, category_key: str) -> ReportInput | None:
    location = signal.get("location") or {}
    address = location.get("address") or {}
    if not address.get("postcode") or address.get("huisnummer") in (None, ""):
        return None
    reporter = signal.get("reporter") or {}
    email, phone = reporter.get("email") or None, reporter.get("phone") or None
    text = "\n\n".join(part for part in (signal.get("text"), signal.get("text_extra")) if part)
    addition = "".join(part for part in (address.get("huisletter"), address.get("huisnummer_toevoeging")) if part)
    return ReportInput(category=category_key, description=text[:DESCRIPTION_MAX], postcode=address.get("postcode"),
                       house_number=address.get("huisnummer"), house_number_addition=addition or None,
                       street=address.get("openbare_ruimte"), city=address.get("woonplaats"),
                       reporter_is_anonymous=not (email or phone), reporter_email=email, reporter_phone=phone,
                       reporter_name=UNNAMED if email or phone else None,
                       reporter_may_contact=bool(reporter.get("allows_contact")) and bool(email or phone))


def _clean(data: ReportInput, default_category: str) -> tuple[dict | None, str | None]:
    """The intake's own checks; a refused reporter detail or category is let go, a refused address is not."""
    for _ in range(3):
        try:
            return report_intake.clean_report_input(data), None
        except ValidationFailed as refused:
            wrong = set(refused.errors)
            if wrong & set(ADDRESS_FIELDS):
                return None, "bad_address"
            if "description" in wrong:
                return None, "bad_description"
            if "category" in wrong:
                data.category = default_category
            if wrong & set(REPORTER_FIELDS):
                for field in wrong & set(REPORTER_FIELDS):
                    setattr(data, field, None)
                data.reporter_is_anonymous = not (data.reporter_email or data.reporter_phone)
                data.reporter_name = None if data.reporter_is_anonymous else data.reporter_name
                data.reporter_may_contact = data.reporter_may_contact and not data.reporter_is_anonymous
    return None, "not_accepted"


def _json_object(raw: str, name: str) -> dict[str, str]:
    try:
        value = json.loads(raw or "{}")
    except ValueError as error:
        raise ConfigurationError(f"{name} is not JSON") from error
    if not isinstance(value, dict) or not all(isinstance(item, str) for item in value.values()):
        raise ConfigurationError(f"{name} must be a JSON object of strings")
    return value


def _moment(value) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo is not None else None


def _short(value, limit: int) -> str | None:
    return str(value)[:limit] if value else None
