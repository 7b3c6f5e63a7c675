"""The web side of a partner link's visit (docs/decisions/0012-link-sessions.md), for referral and case links alike.

The token in a mailed link is exchanged on its first use: the answer sets the link session's cookie (HttpOnly,
SameSite=Lax so the link still opens from a mail client, Secure where the app runs on HTTPS, scoped to the clean
address) and redirects there, so the token is in no later request, address bar, history entry or log.
"""
from flask import current_app, redirect, request

from gdt.services.core import partner_links
from gdt.web.responses import private


def exchanged(grant: partner_links.LinkGrant):
    """The redirect from the token's address to the clean one, carrying the new link session's cookie."""
    path = request.script_root + grant.path  # the app may be mounted below the site's root
    response = private(redirect(path), hide_referrer=True)
    response.set_cookie(partner_links.cookie_name(), grant.key, path=path, expires=grant.expires_at,
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response


def session_key() -> str | None:
    """The link session's key the browser sent for this address, if any."""
    return request.cookies.get(partner_links.cookie_name())
