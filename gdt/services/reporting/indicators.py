"""Indicators of the safety plan, as the admin keeps them: definitions, figures and targets per year.

The field rules here are shared by the admin's forms and the import of historic figures
(gdt.services.reporting.indicator_import); the table of rows × years is gdt.services.reporting.indicator_table.
Everything here is aggregates and admin-entered figures, never personal data, so managers may see it.
"""
import re
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Indicator, IndicatorTarget, IndicatorValue, User
from gdt.models.indicators import (
    COMPARATORS,
    INDICATOR_SOURCES,
    INDICATOR_UNITS,
    VALUE_PRECISION,
    VALUE_SCALE,
)
from gdt.services.core import audit
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed

# The file-reading half of the report import: CSV dialects, BOM, XLSX cells, the problem types.
from gdt.services.core.import_reader import cell_text
from gdt.services.core.transaction import unit_of_work
from gdt.services.reporting import indicator_table
from gdt.validation import InvalidValue, clean_fields, clean_text, name_line, one_of, required, slug_key

SOURCE_LABELS = {
    "reports_total": _l("Meldingen van bewoners (app, webformulier, telefoon)"),
    "share_escalated": _l("Aandeel beoordeelde meldingen in behandeling bij het GDT"),
    "cases_total": _l("GDT-casussen (uit meldingen en aanmeldingen van ketenpartners)"),
    "median_days_to_triage": _l("Mediaan aantal dagen van ontvangst tot triage"),
    "recurrence_6_months": _l("Herhaling binnen 6 maanden: aandeel gesloten casussen met een nieuwe melding"),
    "recurrence_12_months": _l("Herhaling binnen 12 maanden: aandeel gesloten casussen met een nieuwe melding"),
    "median_days_advice": _l("Mediane doorlooptijd advies: dagen van opening tot sluiten"),
    "median_days_regie": _l("Mediane doorlooptijd regie: dagen van opening tot sluiten"),
    "share_satisfied": _l("Aandeel tevreden melders (score 4 of 5)"),
    "manual": _l("Handmatig ingevoerd (cijfers van elders)"),
}
SOURCE_UNITS = {"reports_total": "count", "share_escalated": "percent", "cases_total": "count",
                "median_days_to_triage": "days", "recurrence_6_months": "percent", "recurrence_12_months": "percent",
                "median_days_advice": "days", "median_days_regie": "days", "share_satisfied": "percent"}
UNIT_LABELS = {"count": _l("aantal"), "percent": _l("%"), "days": _l("dagen")}
COMPARATOR_LABELS = {
    "lt": _l("< (kleiner dan)"), "le": _l("≤ (kleiner dan of gelijk aan)"), "gt": _l("> (groter dan)"),
    "ge": _l("≥ (groter dan of gelijk aan)"), "eq": _l("= (gelijk aan)"),
}

DECIMAL_TEXT = re.compile(r"(-?)([0-9]{1,10})(?:[.,]([0-9]+))?")  # ASCII digits only: no look-alike digits
KEY_MAX, NAME_MAX, FOOTNOTE_MAX, NOTE_MAX, POSITION_MAX = 60, 200, 1000, 500, 999
RESERVED_KEYS = {"new", "import"}  # /admin/indicators/new and /admin/indicators/import are pages
EARLIEST_YEAR = 2000
TARGET_YEARS_AHEAD = 20


def list_indicators() -> list[Indicator]:
    """Every indicator, the active ones first, each group in the table's order."""
    return list(db.session.scalars(sa.select(Indicator).order_by(
        Indicator.is_active.desc(), Indicator.position, Indicator.name, Indicator.key)))


def get_indicator(key: str) -> Indicator:
    indicator = db.session.scalar(sa.select(Indicator).where(Indicator.key == key))
    if indicator is None:
        raise NotFound(_l("Deze indicator bestaat niet."))
    return indicator


def create_indicator(key: str, name: str, *, source: str, unit: str | None = None, footnote: str | None = None,
                     position: int | str | None = None, actor: User | None) -> Indicator:
    """A new indicator, shown in the table at once; without a position it goes to the end."""
    fields = _indicator_fields(key=key, name=name, source=source, unit=unit, footnote=footnote,
                               position=position if position not in (None, "") else 0)
    with unit_of_work():
        if db.session.scalar(sa.select(Indicator.id).where(Indicator.key == fields["key"])) is not None:
            raise ServiceError(_l("Er bestaat al een indicator met deze sleutel."), field="key")
        if position in (None, ""):
            last = db.session.scalar(sa.select(sa.func.max(Indicator.position)))
            fields["position"] = min((last if last is not None else -1) + 1, POSITION_MAX)
        indicator = Indicator(**fields, is_active=True)
        db.session.add(indicator)
        audit.record(actor, "create", "indicator", indicator.key)
    return indicator


def update_indicator(indicator: Indicator, *, name: str, source: str, unit: str | None = None,
                     footnote: str | None = None, position: int | str | None = 0, actor: User | None) -> Indicator:
    """Change everything but the key (imports refer to it)."""
    fields = _indicator_fields(name=name, source=source, unit=unit, footnote=footnote, position=position)
    with unit_of_work():
        changed = [field for field, value in fields.items() if getattr(indicator, field) != value]
        for field, value in fields.items():
            setattr(indicator, field, value)
        audit.record(actor, "update", "indicator", indicator.key, detail={"fields": changed})
    return indicator


def set_indicator_active(indicator: Indicator, active: bool, *, actor: User | None) -> Indicator:
    """A deactivated indicator leaves the table but keeps its values and targets."""
    with unit_of_work():
        indicator.is_active = active
        audit.record(actor, "activate" if active else "deactivate", "indicator", indicator.key)
    return indicator


def set_value(indicator: Indicator, *, year: int | str | None, value, note: str | None = None,
              actor: User | None) -> IndicatorValue:
    """Store the figure of one year (replacing a stored one); for a computed indicator it replaces the computation."""
    fields, errors = clean_fields(VALUE_RULES, {"year": year, "value": value, "note": note})
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        stored = _replace(IndicatorValue, indicator, fields)
        audit.record(actor, "set_value", "indicator", indicator.key, detail={"year": fields["year"]})
    return stored


def delete_value(indicator: Indicator, *, year: int | str | None, actor: User | None) -> None:
    """Remove the stored figure of a year: a computed indicator shows its computed figure again."""
    year = _stored_year(IndicatorValue, indicator, year)
    with unit_of_work():
        db.session.execute(sa.delete(IndicatorValue).where(IndicatorValue.indicator_id == indicator.id,
                                                           IndicatorValue.year == year))
        audit.record(actor, "delete_value", "indicator", indicator.key, detail={"year": year})


def set_target(indicator: Indicator, *, year: int | str | None, comparator: str | None, value,
               actor: User | None) -> IndicatorTarget:
    """The target of one year, e.g. comparator 'lt' and value 80 for "< 80"; replaces a target set before."""
    fields, errors = clean_fields(TARGET_RULES, {"year": year, "comparator": comparator, "value": value})
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        target = _replace(IndicatorTarget, indicator, fields)
        audit.record(actor, "set_target", "indicator", indicator.key, detail=fields | {"value": str(fields["value"])})
    return target


def delete_target(indicator: Indicator, *, year: int | str | None, actor: User | None) -> None:
    year = _stored_year(IndicatorTarget, indicator, year)
    with unit_of_work():
        db.session.execute(sa.delete(IndicatorTarget).where(IndicatorTarget.indicator_id == indicator.id,
                                                            IndicatorTarget.year == year))
        audit.record(actor, "delete_target", "indicator", indicator.key, detail={"year": year})


def _replace(model, indicator: Indicator, fields: dict):
    """The indicator's value or target of `fields["year"]`, created or overwritten (one per indicator and year)."""
    stored = db.session.scalar(sa.select(model).where(model.indicator_id == indicator.id,
                                                      model.year == fields["year"]))
    if stored is None:
        stored = model(indicator=indicator, **fields)
        db.session.add(stored)
    else:
        for name, value in fields.items():
            setattr(stored, name, value)
    return stored


def _stored_year(model, indicator: Indicator, raw) -> int:
    try:
        year = _year(raw, latest=9999)
    except InvalidValue as invalid:
        raise ValidationFailed({"year": invalid.message}) from None
    if db.session.scalar(sa.select(model.id).where(model.indicator_id == indicator.id, model.year == year)) is None:
        raise NotFound(_l("Voor dit jaar is niets vastgelegd."))
    return year


def _indicator_fields(**raw) -> dict:
    fields, errors = clean_fields(INDICATOR_RULES, raw)
    source = fields.get("source")
    if source in SOURCE_UNITS and "unit" not in errors:
        # A computed source decides its unit: an empty choice takes it, another choice is a mistake.
        if fields["unit"] in (None, SOURCE_UNITS[source]):
            fields["unit"] = SOURCE_UNITS[source]
        else:
            errors["unit"] = _l("Deze bron geeft %(unit)s; kies die eenheid of laat de keuze leeg.",
                                unit=UNIT_LABELS[SOURCE_UNITS[source]])
    elif source == "manual" and "unit" not in errors and fields["unit"] is None:
        errors["unit"] = _l("Kies een eenheid.")
    if errors:
        raise ValidationFailed(errors)
    return fields


# --- field rules (forms and import alike) ----------------------------------------------------------



def _unit(raw: str | None) -> str | None:
    if raw in (None, ""):
        return None
    if raw not in INDICATOR_UNITS:
        raise InvalidValue(_l("Kies een eenheid."))
    return raw


def _position(raw: int | str | None) -> int:
    value = raw.strip() if isinstance(raw, str) else raw
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= POSITION_MAX:
        raise InvalidValue(_l("Vul een volgnummer in van 0 tot en met %(max)d.", max=POSITION_MAX))
    return value


def _year(raw, *, latest: int) -> int:
    text = cell_text(raw).strip()
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise InvalidValue(_l("Vul een jaartal in van vier cijfers, zoals 2019."))
    value = int(text)
    if not EARLIEST_YEAR <= value <= latest:
        raise InvalidValue(_l("Vul een jaar in van %(first)d tot en met %(last)d.", first=EARLIEST_YEAR, last=latest))
    return value


def value_year(raw) -> int:
    """A figure is about a year that has begun: this year at the latest."""
    return _year(raw, latest=indicator_table.current_year())


def _target_year(raw) -> int:
    return _year(raw, latest=indicator_table.current_year() + TARGET_YEARS_AHEAD)


def parse_decimal(raw) -> Decimal:
    """'365', '12,5', '12.5' or a spreadsheet number → Decimal with at most two decimals.

    There are no thousands separators: '1.234' would be either 1234 or 1,234, so it is refused
    (three decimals) rather than guessed.
    """
    text = cell_text(raw).strip()
    if not text:
        raise InvalidValue(_l("Vul een getal in."))
    match = DECIMAL_TEXT.fullmatch(text)
    if match is None:
        raise InvalidValue(_l("Vul een getal in, zoals 365 of 12,5 (zonder punt voor duizendtallen)."))
    sign, whole, fraction = match.groups()
    if fraction is not None and len(fraction.rstrip("0")) > VALUE_SCALE:
        raise InvalidValue(_l("Gebruik hoogstens %(n)d cijfers achter de komma.", n=VALUE_SCALE))
    value = Decimal(f"{sign}{whole}.{fraction or 0}").quantize(Decimal(1).scaleb(-VALUE_SCALE))
    if abs(value) >= Decimal(10) ** (VALUE_PRECISION - VALUE_SCALE):
        raise InvalidValue(_l("Dit getal is te groot."))
    return value


def clean_note(raw) -> str | None:
    return clean_text(cell_text(raw), max_length=NOTE_MAX, multiline=False)


INDICATOR_RULES = {
    "key": slug_key(max_length=KEY_MAX, example="meldingen-woonoverlast", reserved=frozenset(RESERVED_KEYS)),
    "name": required(name_line(NAME_MAX), _l("Vul een naam in.")),
    "source": one_of(INDICATOR_SOURCES, _l("Kies een bron.")),
    "unit": _unit,
    "footnote": lambda raw: clean_text(raw, max_length=FOOTNOTE_MAX),
    "position": _position,
}
VALUE_RULES = {"year": value_year, "value": parse_decimal, "note": clean_note}
TARGET_RULES = {"year": _target_year, "comparator": one_of(COMPARATORS, _l("Kies een vergelijking.")),
                "value": parse_decimal}


