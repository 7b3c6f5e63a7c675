"""The fields a letter template may use: the one list the sandbox renders with and the admin's editor shows.

A template sees these names and nothing else, each a plain string (never an object, so there is no attribute to
reach through). Optional ones are an empty string when not given, so `{% if afspraak %}` works.
"""
from datetime import date

from babel.dates import format_date
from flask_babel import lazy_gettext as _l

DATE_FORMAT = "d MMMM y"  # "8 december 2026": a letter is Dutch, whatever the reader's UI language

# name -> what it holds (shown beside the editor)
FIELDS = {
    "kenmerk": _l("Het kenmerk van de casus (ons kenmerk)."),
    "datum": _l("De datum van de brief, in woorden (8 december 2026)."),
    "geadresseerde": _l("De naam van de geadresseerde."),
    "adres": _l("Het adres van de geadresseerde, op één regel."),
    "coordinator": _l("De naam van de regisseur die de brief maakt en ondertekent."),
    "gemeente": _l("De naam van de gemeente (MUNICIPALITY_NAME)."),
    "interventie": _l("De interventie waar de brief bij hoort, met haar wettelijke grondslag (leeg als er geen is "
                      "gekozen)."),
    "afspraak": _l("Datum, tijd en plaats van een gesprek, zoals de regisseur ze invult (kan leeg zijn)."),
    "toelichting": _l("Een alinea die de regisseur bij deze brief schrijft (kan leeg zijn)."),
}
OPTIONAL = ("interventie", "afspraak", "toelichting")
EXTRA_MAX = 1000  # the longest optional field a coordinator types

# The admin's preview: made-up values, no real person or address.
DEMO_FIELDS = {
    "kenmerk": "C-2026-0042",
    "datum": "8 december 2026",
    "geadresseerde": "J. Voorbeeld",
    "adres": "Voorbeeldstraat 1, 1234 AB Voorbeeld",
    "coordinator": "A. de Regisseur",
    "gemeente": "Gemeente Voorbeeld",
    "interventie": "Waarschuwing",
    "afspraak": "dinsdag 15 december 2026 om 10.00 uur in het stadhuis",
    "toelichting": "Omwonenden melden sinds september geluidsoverlast in de nacht.",
}


def dutch_date(day: date) -> str:
    return format_date(day, DATE_FORMAT, locale="nl")


def context(values: dict) -> dict[str, str]:
    """Exactly the FIELDS, as strings ('' where a value is missing): what a template is rendered with."""
    return {name: str(values.get(name) or "") for name in FIELDS}
