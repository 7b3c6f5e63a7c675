"""The rules for a new password, after NIST SP 800-63B (README, "Accounts and passwords").

A password is a secret the user chooses and nobody else sees: at least MIN_PASSWORD_LENGTH characters (long
passphrases are welcome, up to MAX_PASSWORD_LENGTH), not one that is known from breached-password lists or that
anyone would guess first (gdt/data/PASSWORDS.md: the lists and where they come from, compared without regard to
case), and not the user's own e-mail address or name. No composition rules (no "one capital, one digit"), no
expiry: those make passwords weaker, not stronger.

Every way a password is set goes through `hash_new_password`: an invitation or reset link, "Wachtwoord wijzigen",
the operator's `flask users set-password` and the demo accounts.
"""
import functools
from pathlib import Path

from flask_babel import lazy_gettext as _l

from gdt.services.core import auth
from gdt.services.core.auth import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from gdt.services.core.errors import ServiceError

DATA = Path(__file__).resolve().parents[2] / "data"
LISTS = ("common-passwords.txt", "context-passwords.txt")

RULES = (
    _l("Minstens %(n)d tekens; een zin van een paar woorden is lang genoeg en makkelijk te onthouden.",
       n=MIN_PASSWORD_LENGTH),
    _l("Geen wachtwoord dat bekend is uit gelekte wachtwoordlijsten of dat voor de hand ligt, zoals "
       "'wachtwoord123'."),
    _l("Niet uw e-mailadres of naam."),
    _l("Hoofdletters, cijfers of leestekens zijn niet verplicht."),
)


def hash_new_password(password: str | None, *, email: str | None, name: str | None) -> str:
    """The argon2 hash of a new password for the user with this address and name; ServiceError (field
    "password") when a rule refuses it. Slow on purpose: call it before opening a unit of work."""
    check_new_password(password, email=email, name=name)
    return auth.hash_password(password)


def check_new_password(password: str | None, *, email: str | None = None, name: str | None = None) -> None:
    """Refuse a new password that breaks a rule, with a Dutch message that says what to choose instead."""
    auth.check_password_policy(password)  # the length: MIN_PASSWORD_LENGTH up to MAX_PASSWORD_LENGTH
    folded = _fold(password)
    if folded in common_passwords() or len(set(folded)) == 1:
        raise ServiceError(_l("Dit wachtwoord staat in een lijst van gelekte of veelgebruikte wachtwoorden en is "
                              "daardoor makkelijk te raden. Kies een ander wachtwoord, bijvoorbeeld een zin van "
                              "een paar woorden."), field="password")
    if _personal(folded, email, name):
        raise ServiceError(_l("Kies een wachtwoord dat niet uw e-mailadres of naam is."), field="password")


@functools.cache
def common_passwords() -> frozenset[str]:
    """The lists of gdt/data, case-folded; read once per process."""
    entries: set[str] = set()
    for name in LISTS:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if len(line.strip()) >= MIN_PASSWORD_LENGTH:
                entries.add(_fold(line.strip()))
    return frozenset(entries)


def _personal(folded: str, email: str | None, name: str | None) -> bool:
    """The address itself, the part before the @, or the name with or without its spaces."""
    candidates = set()
    if email:
        address = _fold(email.strip())
        candidates |= {address, address.partition("@")[0]}
    if name:
        candidates |= {_fold(name.strip()), _fold("".join(name.split()))}
    compact = "".join(folded.split())
    return any(candidate and (folded == candidate or compact == candidate) for candidate in candidates)


def _fold(text: str) -> str:
    return text.casefold()


__all__ = ["MAX_PASSWORD_LENGTH", "MIN_PASSWORD_LENGTH", "RULES", "check_new_password", "common_passwords",
           "hash_new_password"]
