"""Chain partners (ketenpartners), including the municipality's own Ruimtelijk Domein."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column
from gdt.models.mixins import TimestampMixin

PARTNER_KINDS = ("municipal", "police", "care", "housing", "social", "justice", "other")
SPATIAL_DOMAIN_KEY = "ruimtelijk-domein"


class Partner(TimestampMixin, db.Model):
    __tablename__ = "partners"
    __table_args__ = (
        sa.CheckConstraint("key = lower(key) AND key <> ''", name="key_lower_case"),
        sa.CheckConstraint("delivery_method <> 'webhook' OR webhook_url IS NOT NULL", name="webhook_has_url"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(60), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    kind: so.Mapped[str] = so.mapped_column(enum_column(*PARTNER_KINDS, name="partner_kind"), default="other")
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    # How referrals reach the partner: a mail with a link, or a signed JSON POST to its own system.
    delivery_method: so.Mapped[str] = so.mapped_column(enum_column("email", "webhook", name="partner_delivery"),
                                                       default="email", server_default="email")
    webhook_url: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    # Random per partner; the HMAC key is derived from it and SECRET_KEY, so a database dump alone cannot forge.
    webhook_secret_salt: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    # Set when the partner is deactivated: every link issued to it before this moment is refused for good, also
    # after a reactivation (new deliveries and reminders issue fresh links).
    links_valid_from: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"<Partner {self.key}>"
