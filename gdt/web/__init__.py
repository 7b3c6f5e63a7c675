"""HTML side of the app: login, locale, security headers and the blueprints (error pages: gdt.error_pages)."""
from datetime import date, datetime
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale
from flask_login import current_user
from markupsafe import Markup

from gdt import labels
from gdt.extensions import babel, login_manager
from gdt.services.core import access as access_rules
from gdt.services.core import audit, deadlines, lifecycle
from gdt.services.core import auth as auth_service
from gdt.web import navigation
from gdt.web.theme import settings as theme_settings

BLUEPRINTS = ("auth", "home", "intake", "triage", "cases", "statistics", "admin", "attachments", "public", "partner",
              "referrals", "casework", "exports", "indicators", "theme", "health", "metrics",
              "retention", "privacy", "notifications", "worklists", "people", "map", "search",
              "resident", "resident_contact", "documents", "texts", "letters", "interventions", "signalen")
# Files any visitor's browser fetches; cached like /static, never "no-store".
ASSET_PATHS = ("/static/", "/theme/")


def configure_web(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.user_loader(_load_user)
    babel.init_app(app, locale_selector=_select_locale)
    app.before_request(_remember_origin)
    app.after_request(_security_headers)
    theme = app.extensions["gdt_theme"] = theme_settings.resolve(app.config)
    app.context_processor(lambda: {"labels": labels, "main_menu": _main_menu, "theme": theme,
                                   "get_locale": get_locale, "overdue": deadlines.item_is_overdue,
                                   "access": access_rules, "allows": lifecycle.allows})
    app.add_template_filter(_local_datetime, "datetime")
    app.add_template_filter(_local_date, "date")
    app.add_template_filter(_multiline, "multiline")
    app.add_template_filter(_filesize, "filesize")
    app.add_template_filter(lambda attrs: {k: v for k, v in attrs.items() if v is not None}, "reject_none")
    app.jinja_env.add_extension("jinja2.ext.do")

    from importlib import import_module
    for name in BLUEPRINTS:
        module = import_module(f"gdt.web.{name}")
        app.register_blueprint(module.bp)


def _load_user(token: str):
    # The idle warning's status check reads the session without counting as activity (gdt/web/auth/sessions.py).
    return auth_service.load_session(token, **auth_service.limits(), touch=request.endpoint != "auth.session_status")


def _select_locale() -> str:
    chosen = session.get("locale") if has_request_context() else None
    return chosen or current_app.config["BABEL_DEFAULT_LOCALE"]


def _remember_origin() -> None:
    audit.request_origin.set(request.remote_addr)


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy",
                       f"default-src 'self'; img-src 'self' data:{_tile_source()}; style-src 'self'; "
                       "script-src 'self'; "
                       f"frame-ancestors 'none'; form-action {_form_action()}; base-uri 'none'")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if not request.path.startswith(ASSET_PATHS) and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"  # staff pages hold personal data
    return response


def _tile_source() -> str:
    """The base map's tile host (MAP_TILE_URL, README "Map"), so the maps' tiles may load; nothing without tiles."""
    from gdt.web.map.tiles import tile_origin
    origin = tile_origin()
    return f" {origin}" if origin else ""


def _form_action() -> str:
    """'self', and with single sign-on the provider too: GDT's logout form of an SSO session ends at the provider's
    end-session page (README, "Single sign-on (OpenID Connect)"), and browsers hold redirects to form-action."""
    issuer = urlsplit(current_app.config.get("OIDC_ISSUER") or "")
    return f"'self' {issuer.scheme}://{issuer.netloc}" if issuer.scheme in ("https", "http") and issuer.netloc \
        else "'self'"


FILE_SIZE_UNITS = ("kB", "MB", "GB", "TB")


def _filesize(size: int | None) -> str:
    """A file size in decimal units with the current locale's notation: "3,1 kB" in Dutch, "3.1 kB" in English
    (Jinja's filesizeformat always writes a decimal point)."""
    size = size or 0
    if size < 1000:
        return f"{format_decimal(size)} {'byte' if size == 1 else 'bytes'}"
    value = size / 1000
    for unit in FILE_SIZE_UNITS:
        if value < 1000 or unit == FILE_SIZE_UNITS[-1]:
            break
        value /= 1000
    return f"{format_decimal(value, format='#,##0.#')} {unit}"


def _main_menu() -> list[navigation.MenuItem]:
    return navigation.menu_for(current_user, request.endpoint)


def _local_datetime(value) -> str:
    return format_datetime(value, "dd-MM-yyyy HH:mm") if value else ""


def _local_date(value) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):  # a calendar day (a meeting's held_on)
        return format_date(value, "dd-MM-yyyy")
    return format_datetime(value, "dd-MM-yyyy") if value else ""


def _multiline(value: str | None) -> Markup:
    from markupsafe import escape
    return Markup("<br>".join(escape(line) for line in (value or "").splitlines()))
