"""Recovery codes: ten one-time codes for when the phone or security key is lost, shown once, kept argon2-hashed.

A code is ten characters from an alphabet without look-alikes (no 0/o, 1/l/i), shown as "abcde-fghjk": about 49
bits each, so a light argon2 setting (OWASP's minimum, m=19 MiB, t=2) is plenty and checking ten stays quick.
Typing is forgiving: capitals, spaces and the dash do not matter. A used code is stamped and never works again.
"""
import secrets

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gdt.db import db, utcnow
from gdt.models import RecoveryCode, User
from gdt.services.core.transaction import joins_unit_of_work

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 10
COUNT = 10

_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def generate() -> list[str]:
    return ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]


def formatted(code: str) -> str:
    half = LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def normalise(typed: str | None) -> str | None:
    code = "".join((typed or "").split()).replace("-", "").lower()
    return code if len(code) == LENGTH and all(char in ALPHABET for char in code) else None


def unused_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


@joins_unit_of_work
def replace(user: User) -> list[str]:
    """A new set for `user`; every earlier code stops working. Returns the codes, the only time they exist in clear."""
    remove_all(user)
    codes = generate()
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_hasher.hash(code)) for code in codes)
    return [formatted(code) for code in codes]


@joins_unit_of_work
def remove_all(user: User) -> None:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


@joins_unit_of_work
def use(user: User, typed: str | None) -> bool:
    """Spend the matching unused code: True once, False for a wrong or used code (also when used concurrently)."""
    code = normalise(typed)
    if code is None:
        return False
    unused = db.session.scalars(sa.select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)).order_by(RecoveryCode.id)).all()
    match = next((row for row in unused if _matches(row.code_hash, code)), None)
    if match is None:
        return False
    spent = db.session.execute(sa.update(RecoveryCode).where(RecoveryCode.id == match.id,
                                                             RecoveryCode.used_at.is_(None))
                               .values(used_at=utcnow()))
    return spent.rowcount == 1


def _matches(code_hash: str, code: str) -> bool:
    try:
        return _hasher.verify(code_hash, code)
    except (VerificationError, InvalidHashError):
        return False
