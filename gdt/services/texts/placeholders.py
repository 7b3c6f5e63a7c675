"""The placeholders a standard text may hold, in one place, and the safe substitution that fills them.

A body is the admin's text, so it is never given to str.format or a template engine (no attribute access, no
format specs): only `{name}` with a name from PLACEHOLDERS is replaced, by plain text, and nothing else happens.
"""
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PATTERN = re.compile(r"\{([^{}]*)\}")  # every {…} in a body; the ones not in PLACEHOLDERS are refused at save


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str  # Dutch, for the admin's list beside the editor
    demo: str  # the made-up value of the preview
    moments: frozenset[str] | None = None  # None: allowed in every moment's texts


# The automatic mails (receipt, referred, taken_on, closed) never name what was reported or about whom, so
# {categorie} is for texts a member of staff reads before sending; {partner} only in a "referred" text.
_WRITTEN_BY_STAFF = frozenset({"question", "partner"})
PLACEHOLDERS = {placeholder.name: placeholder for placeholder in (
    Placeholder("kenmerk", _l("Het kenmerk van de melding (bij een casus: van de casus)."), "GDT-2026-000123"),
    Placeholder("datum_ontvangen", _l("De datum waarop de melding binnenkwam."), "01-12-2026"),
    Placeholder("gemeente", _l("De naam van de gemeente, uit de instellingen."), "Gemeente Voorbeeld"),
    Placeholder("termijn", _l("De termijn voor de beoordeling, bijvoorbeeld \"5 werkdagen\"."), "5 werkdagen"),
    Placeholder("categorie", _l("De categorie van de melding; niet in de automatische e-mails."), "Geluidsoverlast",
                _WRITTEN_BY_STAFF),
    Placeholder("partner", _l("De ketenpartner naar wie de melding is doorgezet."),
                "Woningcorporatie", frozenset({"referred"})),
)}
DEMO_FIELDS = {name: placeholder.demo for name, placeholder in PLACEHOLDERS.items()}


def names_in(body: str) -> list[str]:
    """The placeholder names used in `body`, in order of first use."""
    return list(dict.fromkeys(match.group(1) for match in PATTERN.finditer(body or "")))


def refused_in(body: str, moment: str) -> list[str]:
    """The `{…}` in `body` that a text for `moment` may not hold: unknown names, or ones not for this moment."""
    return [name for name in names_in(body)
            if name not in PLACEHOLDERS or not allowed(PLACEHOLDERS[name], moment)]


def allowed(placeholder: Placeholder, moment: str) -> bool:
    return placeholder.moments is None or moment in placeholder.moments


def for_moment(moment: str | None) -> list[Placeholder]:
    """The placeholders a text for `moment` may use (every one without a moment)."""
    return [placeholder for placeholder in PLACEHOLDERS.values() if moment is None or allowed(placeholder, moment)]


def fill(body: str, fields: dict[str, str | None]) -> str:
    """`body` with every known placeholder in `fields` replaced by its value as plain text.

    A placeholder without a value (not given, or None) stays as written, so the writer sees what is missing; the
    value is never interpreted itself, so a value holding "{kenmerk}" stays literally that.
    """
    def value(match: re.Match) -> str:
        name = match.group(1)
        found = fields.get(name) if name in PLACEHOLDERS else None
        return str(found) if found is not None else match.group(0)

    return PATTERN.sub(value, body or "")
