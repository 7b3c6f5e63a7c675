"""Staff accounts and their server-side login sessions."""
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from gdt.db import UTCDateTime, db, enum_column, utcnow
from gdt.models.mixins import TimestampMixin
from gdt.models.partners import Partner

# archivist: retention rules and destruction lists (references, dates, results: never case content);
# privacy: the privacy officer (FG): the audit trail, requests from the people concerned, the processing register.
ROLES = ("intake", "coordinator", "manager", "admin", "partner", "archivist", "privacy")

# Why a login session ended (UserSession.end_reason): the one list, read by the services that end sessions and by
# the tests. "logout": the user logged out; "ended_by_user": from "Mijn sessies" (one, or all others);
# "ended_by_admin": an administrator ended them; "idle": SESSION_IDLE_MINUTES without a request; "expired":
# SESSION_ABSOLUTE_HOURS after the login; "password_changed", "role_changed", "second_factor_reset",
# "deactivated" (the user or their partner organisation); "provider_logout" (front-channel) / "backchannel_logout":
# the identity provider ended its session.
SESSION_END_REASONS = ("logout", "ended_by_user", "ended_by_admin", "idle", "expired", "password_changed",
                       "role_changed", "second_factor_reset", "deactivated", "provider_logout",
                       "backchannel_logout")


class User(TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        # A partner user belongs to exactly one partner organisation; staff to none.
        sa.CheckConstraint("(role = 'partner') = (partner_id IS NOT NULL)", name="partner_user_has_partner"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    role: so.Mapped[str] = so.mapped_column(enum_column(*ROLES, name="user_role"))
    # None: no password (a single sign-on account, or an invitation not yet accepted).
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    # The identity provider's `sub` for a single sign-on account (OIDC_ISSUER); the role is re-read each login.
    oidc_subject: so.Mapped[str | None] = so.mapped_column(sa.String(255), unique=True)
    # TOTP second factor: the secret encrypted with a key derived from SECRET_KEY, and the last time step used
    # (a code is accepted once: a step at or before it is a replay).
    totp_secret: so.Mapped[str | None] = so.mapped_column(sa.String(255))
    totp_last_step: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    totp_enabled_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    is_active: so.Mapped[bool] = so.mapped_column(default=True)
    partner_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("partners.id"), index=True)
    team: so.Mapped[str | None] = so.mapped_column(sa.String(60))  # a coordinator's team (see services.teams)
    last_login_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())

    # Flask-Login identifies a login by its session token, not by the user id (see get_id).
    partner: so.Mapped[Partner | None] = so.relationship()

    login_token = None  # set per request; not a column
    login_session = None  # the UserSession of this request (its deadlines for the idle warning); not a column

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        return self.login_token

    @property
    def may_sign_in(self) -> bool:
        """Active, and for a partner's user: the partner too. Offboarding a partner cuts off all its people."""
        return self.is_active and (self.partner is None or self.partner.is_active)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):
    """One login. Logout or deactivation ends it here, so a copied cookie stops working."""

    __tablename__ = "user_sessions"
    __table_args__ = (sa.CheckConstraint("ended_at IS NULL OR ended_at >= started_at", name="ends_after_start"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("users.id"), index=True)
    started_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime(), default=utcnow)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime())
    # What "Mijn sessies" shows: the browser as it named itself and the address it came from at login.
    user_agent: so.Mapped[str | None] = so.mapped_column(sa.String(300))
    ip_address: so.Mapped[str | None] = so.mapped_column(sa.String(45))
    # How the login was made: "password" or "sso"; and the second factor ("totp", "passkey", "recovery_code",
    # "provider" when the identity provider vouched for one), None without.
    login_method: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    second_factor: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    # Single sign-on: the provider's session id (back-channel logout ends the sessions that carry it) and the ID
    # token GDT's logout hands back to the provider (RP-initiated logout).
    oidc_sid: so.Mapped[str | None] = so.mapped_column(sa.String(255), index=True)
    oidc_id_token: so.Mapped[str | None] = so.mapped_column(sa.Text)
    end_reason: so.Mapped[str | None] = so.mapped_column(sa.String(30))

    user: so.Mapped[User] = so.relationship()
