"""What was typed in the search box, read once: a reference, a Signalen number (SIG-123), an address, an e-mail
address, a phone number, a date of birth, or words (names, streets, partners, descriptions, notes)."""
import re
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l

from gdt.services.core.errors import ServiceError
from gdt.services.core.reference_numbers import REFERENCE_PATTERN
from gdt.services.privacy.people import phone_forms
from gdt.validation import InvalidValue, clean_name

MIN_LENGTH, MAX_LENGTH = 2, 200
MAX_WORDS = 8
_POSTCODE = re.compile(r"([1-9][0-9]{3}) ?([A-Z]{2})(?:[ ,]*([0-9]{1,5})(?:[ -]?([A-Z0-9]{1,6}))?)?")
_PHONE = re.compile(r"\+?[0-9][0-9 \-().]{7,22}")
_DATE = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")
_WORD = re.compile(r"\w+")
_SIGNAL = re.compile(r"SIG-[0-9]{1,12}")  # a Signalen signal's number, as its id_display shows it
TOO_SHORT = _l("Vul ten minste %(min)d tekens in om te zoeken.", min=MIN_LENGTH)


@dataclass(frozen=True)
class Terms:
    text: str  # as typed, cleaned: for the audit trail and the page
    kind: str  # "reference", "signal", "address", "email", "phone", "birth_date", "words"
    reference: str | None = None
    postcode: str | None = None
    house_number: int | None = None
    email: str | None = None
    phones: tuple[str, ...] = ()
    birth_date: date | None = None
    words: tuple[str, ...] = ()  # every kind has its words: what the page highlights
    partner_ids: tuple[int, ...] = ()  # words: the partners whose name holds them (filled by run_search)


def read(raw: str | None) -> Terms:
    """The terms of one search; ServiceError (field "q") when there is too little to search for."""
    try:
        text = clean_name(raw, max_length=MAX_LENGTH) or ""
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="q") from invalid
    if len((raw or "").strip()) > MAX_LENGTH:
        raise ServiceError(_l("Zoek met ten hoogste %(max)d tekens.", max=MAX_LENGTH), field="q")
    words = tuple(word for word in _WORD.findall(text))[:MAX_WORDS]
    if len(text) < MIN_LENGTH or not words:
        raise ServiceError(TOO_SHORT, field="q")
    upper = text.upper()
    if REFERENCE_PATTERN.fullmatch(upper):
        return Terms(text, "reference", reference=upper, words=(upper,))
    if _SIGNAL.fullmatch(upper):
        return Terms(text, "signal", reference=upper, words=(upper,))
    if found := _POSTCODE.fullmatch(upper):
        number = int(found[3]) if found[3] and int(found[3]) > 0 else None
        return Terms(text, "address", postcode=found[1] + found[2], house_number=number, words=words)
    if "@" in text and " " not in text:
        return Terms(text, "email", email=text.lower(), words=(text,))
    if phones := _phones(text):
        return Terms(text, "phone", phones=phones, words=words)
    if birth_date := _birth_date(text):
        return Terms(text, "birth_date", birth_date=birth_date, words=words)
    return Terms(text, "words", words=words)


def _phones(text: str) -> tuple[str, ...]:
    """The notations of the phone number `text` is; none when it only looks like one (then its digits are words)."""
    if not _PHONE.fullmatch(text):
        return ()
    try:
        return phone_forms(text)
    except InvalidValue:
        return ()


def _birth_date(text: str) -> date | None:
    """The date `text` is (dd-mm-yyyy); None when it is no date, or no day of the calendar (31-02-1980)."""
    if not (found := _DATE.fullmatch(text)):
        return None
    try:
        return date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        return None
