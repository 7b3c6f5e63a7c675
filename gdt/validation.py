"""Field rules shared by the HTML forms, the importer and the API, so they can never drift apart.

Every function takes raw text and returns the clean value or raises InvalidValue with a Dutch
message. Invisible format characters (Unicode category Cf: the bidi overrides and isolates U+202A–202E and
U+2066–2069, the marks U+200E/U+200F, zero-width spaces, U+FEFF …) are refused in names and e-mail
addresses, and removed from every other text, so "Piet \\u202egnp.exe" can never show as "Piet exe.png";
only the joiners U+200C/U+200D stay in free text (Persian and Arabic words, emoji sequences need them).
Digits are matched with [0-9], never \\d: Python's \\d and int() accept Arabic-Indic and full-width
digits, which would let look-alike postcodes and house numbers through.
"""
import re
import unicodedata
from email import errors
from email.headerregistry import Address

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

POSTCODE = re.compile(r"[1-9][0-9]{3}(?!SA|SD|SS)[A-Z]{2}")
HOUSE_NUMBER = re.compile(r"[0-9]{1,5}")
ADDITION = re.compile(r"[A-Z0-9]{1,6}")
PHONE = re.compile(r"\+?[0-9]{9,15}")
# What turns one field into several recipients or a named one: "a@x.nl,b@y.nl", "a@x.nl; b@y.nl",
# "groep: a@x.nl;", "Piet <p@x.nl>". Refused with their own message before the address itself is judged.
ADDRESS_LIST = re.compile(r"[,;:<>\s]")
_ASCII_SPACES = re.compile(r"[ \t]+")
# Cf characters kept in free text: they join letters or emoji and cannot reorder or hide anything.
JOINERS = frozenset("\u200c\u200d")
# Errors say what a field accepts, not what was wrong with the input.
FORMAT_IN_NAME = _l("Gebruik in een naam alleen zichtbare tekens: letters, cijfers, spaties en leestekens.")
TEXT_CHARACTERS = _l("Gebruik alleen letters, cijfers, spaties, leestekens, symbolen en regeleinden.")
LINE_CHARACTERS = _l("Gebruik alleen letters, cijfers, spaties, leestekens en symbolen, op één regel.")


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
    accepted = TEXT_CHARACTERS if multiline else LINE_CHARACTERS
    if any(0xD800 <= ord(char) <= 0xDFFF for char in raw):
        raise InvalidValue(accepted)
    value = without_format_characters(unicodedata.normalize("NFC", raw)).strip()
    if multiline:  # a browser sends a textarea's line breaks as CRLF; one character each, as the form counts them
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    allowed = "\n\r\t" if multiline else ""
    if any(unicodedata.category(char) == "Cc" and char not in allowed for char in value):
        raise InvalidValue(accepted)
    if not multiline and any(unicodedata.category(char) in ("Zl", "Zp") for char in value):
        raise InvalidValue(accepted)  # U+2028/U+2029 break a single line too
    if len(value) > max_length:
        raise InvalidValue(_l("Gebruik hoogstens %(max)d tekens.", max=max_length))
    return value or None


def without_format_characters(text: str) -> str:
    """`text` without invisible format characters (category Cf) other than the joiners U+200C and U+200D."""
    return "".join(char for char in text if char in JOINERS or unicodedata.category(char) != "Cf")


def has_format_characters(raw: str | None) -> bool:
    return raw is not None and any(unicodedata.category(char) == "Cf" for char in raw)


def clean_name(raw: str | None, *, max_length: int = 120) -> str | None:
    """A person's or organisation's name: one line of text, refused when it holds any format character.

    Free text loses those characters quietly (clean_text); a name is refused instead, because a name
    that looks different from what was typed (a hidden U+202E) is worse than a question to the person.
    """
    if has_format_characters(raw):
        raise InvalidValue(FORMAT_IN_NAME)
    return clean_text(raw, max_length=max_length, multiline=False)


def normalise_phone(raw: str | None) -> str | None:
    value = clean_text(raw, max_length=30, multiline=False)
    if value is None:
        return None
    compact = re.sub(r"[ \-().]", "", value)
    if not PHONE.fullmatch(compact):
        raise InvalidValue(_l("Vul een geldig telefoonnummer in, zoals 06 12345678."))
    return compact


def normalise_email(raw: str | None) -> str | None:
    """One e-mail address (email-validator's syntax rules, no DNS lookup), lower-cased; None when empty.

    Never a list or a named address: a comma, semicolon, colon, angle bracket or space is refused first,
    so what is stored is always exactly one SMTP recipient. The part before the @ is ASCII and at most 64
    characters (not every mail server takes SMTPUTF8); an internationalised domain is stored in its ASCII
    form (xn--…). Reserved names (.local, .localhost, .invalid, …) are refused; .test only in the tests.
    """
    if has_format_characters(raw):
        raise InvalidValue(_l("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."))
    value = clean_text(raw, max_length=254, multiline=False)
    if value is None:
        return None
    if ADDRESS_LIST.search(value):
        raise InvalidValue(_l("Vul één e-mailadres in, zonder komma, puntkomma, spatie of naam ervoor."))
    try:
        address = validate_email(value, check_deliverability=False, allow_smtputf8=False, strict=True,
                                 test_environment=has_app_context() and current_app.testing)
    except EmailNotValidError:
        raise InvalidValue(_l("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.")) from None
    return address.ascii_email.lower()


def is_one_address(value: str) -> bool:
    """Whether `value` is exactly one bare address, as SMTP takes it: the mail code's last guard.

    Structural only, so values stored under older rules (and reserved names) still pass when they are one
    address: no list, no name, no comment, no surrounding space, ASCII, one @ with something on both sides.
    """
    if not value or not value.isascii() or ADDRESS_LIST.search(value):
        return False
    try:
        parsed = Address(addr_spec=value)
    except (ValueError, IndexError, errors.HeaderParseError):
        return False
    return bool(parsed.username and parsed.domain) and parsed.addr_spec == value


def single_line(max_length: int):
    """A rule for one line of text up to `max_length` characters."""
    return lambda raw: clean_text(raw, max_length=max_length, multiline=False)


def name_line(max_length: int = 120):
    """A rule for a name up to `max_length` characters (clean_name)."""
    return lambda raw: clean_name(raw, max_length=max_length)


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
