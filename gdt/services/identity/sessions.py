"""A user's live login sessions ("Mijn sessies"): list them, end one or all others; the administrator ends all of
a user's sessions. Every end sets ended_at and end_reason (gdt.models.users.SESSION_END_REASONS) and is audited.

A session is live while it has not ended and neither SESSION_IDLE_MINUTES since its last request nor
SESSION_ABSOLUTE_HOURS since its login have passed (gdt.services.core.auth.load_session ends it at its next
request; a session nobody uses again is left as it is and simply not listed).
"""
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import User, UserSession
from gdt.services.core import audit, auth
from gdt.services.core.errors import NotFound, ServiceError
from gdt.services.core.transaction import unit_of_work
from gdt.services.identity import user_agents


@dataclass(frozen=True)
class LiveSession:
    id: int
    browser: str  # "Firefox op Windows"
    started_at: datetime
    last_seen_at: datetime
    ip_address: str | None
    login_method: str | None  # "password" | "sso"
    second_factor: str | None  # "totp" | "passkey" | "recovery_code" | "provider" | None
    is_current: bool  # "deze sessie": the one making the request


def live_sessions(user: User, *, current_token: str | None = None) -> list[LiveSession]:
    """The user's live sessions, the current one first, then the most recently active."""
    current_hash = auth.token_digest(current_token) if current_token else None
    rows = [LiveSession(id=row.id, browser=user_agents.describe(row.user_agent), started_at=row.started_at,
                        last_seen_at=row.last_seen_at, ip_address=row.ip_address, login_method=row.login_method,
                        second_factor=row.second_factor, is_current=row.token_hash == current_hash)
            for row in db.session.scalars(_live(user))]
    return sorted(rows, key=lambda row: (not row.is_current, -row.last_seen_at.timestamp(), -row.id))


def end_own_session(user: User, session_id: int, *, current_token: str | None) -> None:
    """End one of the user's other live sessions. Another user's session, or one already ended, is NotFound (and
    a try at someone else's is audited as denied); the current one is ended by logging out."""
    with unit_of_work():
        session = db.session.scalar(_live(user).where(UserSession.id == session_id))
        if session is not None and session.token_hash == auth.token_digest(current_token or ""):
            raise ServiceError(_l("Dit is de sessie die u nu gebruikt. Log uit om deze te beëindigen."))
        if session is not None:
            auth.end_one(session, "ended_by_user", actor=user)
    if session is None:
        audit.record_now(user, "end_session", "user_session", str(session_id), outcome="denied")
        raise NotFound(_l("Deze sessie bestaat niet of is al beëindigd."))


def end_other_sessions(user: User, *, current_token: str | None) -> int:
    """End every session of the user but the current one; returns how many."""
    with unit_of_work():
        return auth.end_all_sessions(user, reason="ended_by_user", actor=user, keep_token=current_token or "")


def end_all_sessions_of(user: User, *, actor: User) -> int:
    """The administrator logs `user` out everywhere; returns how many sessions ended. Not one's own: that is
    "Mijn sessies"' "Alle andere sessies beëindigen", which keeps the current one."""
    if user.id == actor.id:
        raise ServiceError(_l("Uw eigen sessies beëindigt u via Mijn sessies."))
    with unit_of_work():
        return auth.end_all_sessions(user, reason="ended_by_admin", actor=actor)


def _live(user: User) -> sa.Select:
    limits, now = auth.limits(), utcnow()
    return sa.select(UserSession).where(
        UserSession.user_id == user.id, UserSession.ended_at.is_(None),
        UserSession.last_seen_at > now - limits["idle"], UserSession.started_at > now - limits["absolute"])
