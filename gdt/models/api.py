"""Who may call the API: app/partner clients and staff members' personal tokens; idempotency records."""
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.partners import Partner
from gdt.models.users import User

CLIENT_CHANNELS = ("app", "webform", "partner")


class ApiClient(db.Model):
    """A calling system (the Woonoverlast-app, a partner's system). Only a hash of its token is stored."""

    __tablename__ = "api_clients"
    __table_args__ = (
        sa.CheckConstraint("channel <> 'partner' OR partner_id IS NOT NULL", name="partner_client_has_partner"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    channel: so.Mapped[str] = so.mapped_column(enum_column(*CLIENT_CHANNELS, name="api_client_channel"))
    partner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("partners.id"))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # Written at most every tokens.SEEN_INTERVAL, together with a "use_token" audit event.
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    partner: so.Mapped[Partner | None] = so.relationship()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class UserToken(db.Model):
    """A staff member's personal API token: the API applies that user's role exactly as the pages do."""

    __tablename__ = "user_tokens"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    # Set by tokens.issue_user_token (TOKEN_LIFETIME_DAYS): a forgotten token stops working on its own.
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())
    last_used_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    user: so.Mapped[User] = so.relationship()


class IdempotencyRecord(db.Model):
    """The first answer to (client, Idempotency-Key), stored with the report in one transaction."""

    __tablename__ = "idempotency_records"
    __table_args__ = (sa.UniqueConstraint("client_id", "key"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    client_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("api_clients.id"))
    key: so.Mapped[str] = so.mapped_column(sa.String(255))
    request_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    status_code: so.Mapped[int]
    response_body: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)
    report_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("reports.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow, index=True)
