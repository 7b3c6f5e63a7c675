"""What a login needs besides the password: one-time account links, recovery codes and passkeys."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.users import User

ACCOUNT_LINK_PURPOSES = ("invitation", "password_reset")


class AccountLink(db.Model):
    """An invitation or password-reset link: only a hash of its token is kept; it works once and expires."""

    __tablename__ = "account_links"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    purpose: so.Mapped[str] = so.mapped_column(enum_column(*ACCOUNT_LINK_PURPOSES, name="account_link_purpose"))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # A newer link of the same purpose, or a password set another way, makes an unused link void.
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    user: so.Mapped[User] = so.relationship()


class RecoveryCode(db.Model):
    """One of the codes shown once at second-factor enrolment, for when the phone or key is lost; argon2-hashed."""

    __tablename__ = "recovery_codes"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    user: so.Mapped[User] = so.relationship()


class Passkey(db.Model):
    """A WebAuthn credential (a phone, a security key or the computer's own) registered by a user."""

    __tablename__ = "passkeys"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    credential_id: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(1024), unique=True)
    public_key: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary(2048))
    sign_count: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    transports: so.Mapped[str | None] = so.mapped_column(sa.String(200))  # comma-separated hints
    name: so.Mapped[str] = so.mapped_column(sa.String(100))  # the user's own name for it, e.g. "Telefoon"
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    user: so.Mapped[User] = so.relationship()
