"""A partner's visit through a mailed link (docs/decisions/0012-link-sessions.md).

The link's token is exchanged on its first use for one of these: the browser gets a random key in an HttpOnly
cookie scoped to the link's clean address, and the token leaves the address bar (and every log) at once. Only a
hash of the key is stored. A session is short, never outlives its link, and ends when the partner is deactivated
or (for a case) taken off the case.
"""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, utcnow
from gdt.models.partners import Partner


class LinkSession(db.Model):
    __tablename__ = "link_sessions"
    __table_args__ = (
        sa.CheckConstraint("(referral_id IS NULL) <> (case_id IS NULL)", name="referral_or_case"),
        sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),
        # Ending the sessions of a partner (deactivation) or of a partner in one case (taken off the case).
        sa.Index("ix_link_sessions_partner_id_case_id", "partner_id", "case_id"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    referral_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("referrals.id", ondelete="CASCADE"))
    case_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("cases.id", ondelete="CASCADE"))
    partner_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("partners.id"))
    link_issued_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime())  # the exchanged link's own stamp
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), index=True)  # absolute end
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    partner: so.Mapped[Partner] = so.relationship()

    def __repr__(self) -> str:
        return f"<LinkSession {self.id} {'referral' if self.referral_id else 'case'}>"
