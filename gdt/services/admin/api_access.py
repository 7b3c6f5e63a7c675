"""The administrator's view of API access (/admin/api-access): the API clients (systems) and every staff member's
personal API tokens, each with its status, and revoking one. Tokens themselves are never shown, only their rows;
issuing and revoking live in gdt.services.core.tokens."""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import ApiClient, User, UserToken
from gdt.services.core import tokens
from gdt.services.core.errors import NotFound

# Status keys of a client and of a personal token, in words for the page.
STATUS_LABELS = {
    "active": _l("Actief"),
    "revoked": _l("Ingetrokken"),
    "expired": _l("Verlopen"),
    "partner_inactive": _l("Ketenpartner gedeactiveerd"),
    "user_inactive": _l("Account gedeactiveerd"),
}


def list_api_clients() -> list[ApiClient]:
    """Every client, the active ones first, then by name."""
    return list(db.session.scalars(
        sa.select(ApiClient).options(so.selectinload(ApiClient.partner))
        .order_by(ApiClient.revoked_at.is_not(None), ApiClient.name)))


def list_user_tokens() -> sa.Select:
    """Every personal token with its user, newest first (a Select, for paging)."""
    return (sa.select(UserToken).join(UserToken.user)
            .options(so.contains_eager(UserToken.user).selectinload(User.partner))
            .order_by(UserToken.created_at.desc(), UserToken.id.desc()))


def client_status(client: ApiClient) -> str:
    if client.revoked_at is not None:
        return "revoked"
    if client.partner is not None and not client.partner.is_active:
        return "partner_inactive"
    return "active"


def token_status(token: UserToken) -> str:
    """Why a token does or does not work now: revoked, expired or its account deactivated (also the partner's)."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at <= utcnow():
        return "expired"
    if not token.user.may_sign_in:
        return "user_inactive"
    return "active"


def get_api_client(client_id: int) -> ApiClient:
    client = db.session.get(ApiClient, client_id)
    if client is None:
        raise NotFound(_l("Deze API-client bestaat niet."))
    return client


def revoke_api_client(client: ApiClient, *, actor: User) -> ApiClient:
    """Its token stops at once; audited (tokens.revoke_api_client)."""
    return tokens.revoke_api_client(client.name, actor=actor)


def revoke_user_token(token_id: int, *, actor: User) -> UserToken:
    """Revoke anyone's personal token (the administrator); audited (tokens.revoke_user_token)."""
    token = db.session.get(UserToken, token_id)
    if token is None:
        raise NotFound(_l("Dit token bestaat niet."))
    return tokens.revoke_user_token(token.user, token.id, actor=actor)
