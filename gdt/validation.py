"""Field rules shared by the HTML forms, the importer and the API, so they can never drift apart.

Every function takes raw text and returns the clean value or raises InvalidValue with a Dutch
message. Digits are matched with [0-9], never \\d: Python's \\d and int() accept Arabic-Indic and
full-width digits, which would let look-alike postcodes and house numbers through.
"""
import re
import unicodedata

from flask_babel import lazy_gettext as _l

POSTCODE = re.compile(r"[1-9][0-9]{3}(?!SA|SD|SS)[A-Z]{2}")
HOUSE_NUMBER = re.compile(r"[0-9]{1,5}")
ADDITION = re.compile(r"[A-Z0-9]{1,6}")
PHONE = re.compile(r"\+?[0-9]{9,15}")
EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")
_ASCII_SPACES = re.compile(r"[ \t]+")


class InvalidValue(ValueError):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def normalise_postcode(raw: str | None) -> str:
    """'5611 ab' → '5611AB'. Only ASCII digits and letters; SA, SD and SS are never issued."""
    value = _ASCII_SPACES.sub("", (raw or "").strip()).upper()
    if not value:
        raise InvalidValue(_l("Vul een postcode in."))
    if not POSTCODE.fullmatch(value):
        raise InvalidValue(_l("Vul een geldige postcode in, zoals 1234 AB."))
    return value


def parse_house_number(raw: str | int | None) -> int:
    """1–99999 written with ASCII digits only; a letter belongs in the addition."""
    value = str(raw if raw is not None else "").strip()
    if not value:
        raise InvalidValue(_l("Vul een huisnummer in."))
    if not HOUSE_NUMBER.fullmatch(value) or int(value) == 0:
        raise InvalidValue(_l("Vul een huisnummer in van 1 tot en met 99999, alleen cijfers."))
    return int(value)


def normalise_addition(raw: str | None) -> str | None:
    """House letter and/or addition ('a', '2-hoog' → 'A', '2HOOG'): at most six letters or digits."""
    value = re.sub(r"[ \-_/]", "", (raw or "").strip()).upper()
    if not value:
        return None
    if not ADDITION.fullmatch(value):
        raise InvalidValue(_l("Een toevoeging bestaat uit hoogstens zes letters of cijfers, zoals A of 2HG."))
    return value


def clean_text(raw: str | None, *, max_length: int, multiline: bool = True) -> str | None:
    """NFC-normalised, trimmed text without control characters; None when empty."""
    if raw is None:
        return None
    if any(0xD800 <= ord(char) <= 0xDFFF for char in raw):
        raise InvalidValue(_l("De tekst bevat ongeldige tekens."))
    value = unicodedata.normalize("NFC", raw).strip()
    allowed = "\n\r\t" if multiline else ""
    if any(unicodedata.category(char) == "Cc" and char not in allowed for char in value):
        raise InvalidValue(_l("De tekst bevat ongeldige tekens."))
    if len(value) > max_length:
        raise InvalidValue(_l("Gebruik hoogstens %(max)d tekens.", max=max_length))
    return value or None


def normalise_phone(raw: str | None) -> str | None:
    value = clean_text(raw, max_length=30, multiline=False)
    if value is None:
        return None
    compact = re.sub(r"[ \-().]", "", value)
    if not PHONE.fullmatch(compact):
        raise InvalidValue(_l("Vul een geldig telefoonnummer in, zoals 06 12345678."))
    return compact


def normalise_email(raw: str | None) -> str | None:
    value = clean_text(raw, max_length=254, multiline=False)
    if value is None:
        return None
    if not EMAIL.fullmatch(value):
        raise InvalidValue(_l("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."))
    return value.lower()


def single_line(max_length: int):
    """A rule for one line of text up to `max_length` characters."""
    return lambda raw: clean_text(raw, max_length=max_length, multiline=False)


def required(rule, message):
    """`rule`, refusing an empty result with `message`."""
    def check(raw):
        value = rule(raw)
        if value is None:
            raise InvalidValue(message)
        return value

    return check


def one_of(allowed, message):
    """A rule accepting only the keys in `allowed`."""
    def check(raw):
        if raw not in allowed:
            raise InvalidValue(message)
        return raw

    return check


def clean_fields(rules: dict, raw: dict) -> tuple[dict, dict]:
    """Apply each field's rule; return the clean values and the messages of the fields that failed.

    Checking every field before refusing lets a form or API client see all its mistakes at once.
    """
    clean, errors = {}, {}
    for field, value in raw.items():
        try:
            clean[field] = rules[field](value)
        except InvalidValue as invalid:
            errors[field] = invalid.message
    return clean, errors


SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def slug_key(*, max_length: int, example: str, reserved: frozenset[str] = frozenset()):
    """The rule for a stable key (politie-oost): lower-case letters, digits and hyphens; page names reserved."""
    def rule(raw: str | None) -> str:
        value = (raw or "").strip().lower()
        if len(value) > max_length or not SLUG.fullmatch(value):
            raise InvalidValue(_l("Een sleutel bestaat uit hoogstens %(max)d kleine letters, cijfers en streepjes, "
                                  "zoals %(example)s.", max=max_length, example=example))
        if value in reserved:
            raise InvalidValue(_l("Deze sleutel is gereserveerd; kies een andere."))
        return value
    return rule
