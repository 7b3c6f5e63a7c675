"""The settings production refuses to start with, and the effective settings with their secrets masked.

README, "Installing for production": outside development and test, `create_app` checks every rule below and
refuses to start with one message naming each problem, so gunicorn, celery and flask all fail the same way
before they serve, work or change anything.
"""
import re
from collections.abc import Callable, Mapping
from datetime import date
from email.utils import parseaddr
from urllib.parse import urlsplit

import config

MIN_SECRET_KEY_LENGTH = 32
MASK = "****"
SECRET_NAME = re.compile("SECRET|PASSWORD|TOKEN", re.IGNORECASE)
# scheme://user:password@host: greedy up to the last "@", so a password with an "@" is masked whole (more of a
# string is masked rather than less).
URL_PASSWORD = re.compile(r"(?P<start>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)[^\s]*@")
QUERY_SECRET = re.compile(r"(?P<start>[?&][^=&#\s]*(?:password|secret|token)[^=&#\s]*=)[^&#\s]*", re.IGNORECASE)


class ConfigurationError(RuntimeError):
    """Production settings that must be fixed before the app may start; the message names them all on one line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        numbered = " ".join(f"({number}) {problem}" for number, problem in enumerate(problems, start=1))
        super().__init__(f"GDT_ENV=production refuses to start, fix {len(problems)} setting(s): {numbered}")


def _secret_key(settings: Mapping) -> str | None:
    key = settings.get("SECRET_KEY") or ""
    if not key:
        return ("SECRET_KEY is not set; generate one with "
                "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'")
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY has {len(key)} characters, at least {MIN_SECRET_KEY_LENGTH} are needed"
    return None


def _database(settings: Mapping) -> str | None:
    url = settings.get("SQLALCHEMY_DATABASE_URI") or ""
    if not url or url.startswith("sqlite"):
        return ("DATABASE_URL is not set or names a SQLite database; production runs on PostgreSQL "
                "(postgresql://user:password@host/gdt)")
    return None


def _public_base_url(settings: Mapping) -> str | None:
    url = settings.get("PUBLIC_BASE_URL") or ""
    if not url:
        return "PUBLIC_BASE_URL is not set; links in e-mails need the https:// address users reach GDT at"
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        return f"PUBLIC_BASE_URL must be an https:// address (is {mask_urls(url)!r})"
    return None


def _smtp_host(settings: Mapping) -> str | None:
    return None if settings.get("SMTP_HOST") else "SMTP_HOST is not set; production sends its mail over SMTP"


def _mail_from(settings: Mapping) -> str | None:
    sender = settings.get("MAIL_FROM") or ""
    if not sender:
        return "MAIL_FROM is not set; mail needs a sender address (gdt@gemeente.nl)"
    if "@" not in parseaddr(sender)[1]:
        return f"MAIL_FROM is not an e-mail address (is {sender!r})"
    return None


def _metrics_token(settings: Mapping) -> str | None:
    token = settings.get("METRICS_TOKEN") or ""
    if token and len(token) < MIN_SECRET_KEY_LENGTH:
        return (f"METRICS_TOKEN has {len(token)} characters, at least {MIN_SECRET_KEY_LENGTH} are needed "
                "(or leave it empty and allow the scraper's network in METRICS_ALLOWED_NETWORKS)")
    return None


def _extra_non_working_days(settings: Mapping) -> str | None:
    wrong = []
    for day in settings.get("EXTRA_NON_WORKING_DAYS") or ():
        try:
            date.fromisoformat(day)
        except ValueError:
            wrong.append(day)
    if wrong:
        return ("EXTRA_NON_WORKING_DAYS must list dates as YYYY-MM-DD, comma-separated "
                f"(not {', '.join(map(repr, wrong))})")
    return None


def _single_sign_on(settings: Mapping) -> str | None:
    """With OIDC_ISSUER set: an https issuer, the client's id and secret, and a role map of staff roles."""
    issuer = settings.get("OIDC_ISSUER") or ""
    if not issuer:
        return None
    from gdt.services.identity.sso_accounts import parse_role_map  # the role names live with the models

    problems = []
    if urlsplit(issuer).scheme != "https" or not urlsplit(issuer).hostname:
        problems.append(f"OIDC_ISSUER must be an https:// address (is {mask_urls(issuer)!r})")
    problems += [f"{name} is not set; single sign-on needs the client registered at the identity provider"
                 for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET") if not settings.get(name)]
    try:
        if not parse_role_map(settings.get("OIDC_ROLE_MAP")):
            problems.append('OIDC_ROLE_MAP is empty; nobody could log in with single sign-on '
                            '(e.g. {"gdt-coordinator": "coordinator"})')
    except ValueError as wrong:
        problems.append(str(wrong))
    return "; ".join(problems) or None


def _webauthn_rp_id(settings: Mapping) -> str | None:
    """A WEBAUTHN_RP_ID set by hand is a bare domain name: PUBLIC_BASE_URL's host or a domain that host is part of
    (browsers refuse passkeys for any other); unset, the host itself is used."""
    rp_id = settings.get("WEBAUTHN_RP_ID") or ""
    host = (urlsplit(settings.get("PUBLIC_BASE_URL") or "").hostname or "").lower()
    if not rp_id or not host:
        return None
    if rp_id.lower() != host and not host.endswith(f".{rp_id.lower()}"):
        return (f"WEBAUTHN_RP_ID must be the host of PUBLIC_BASE_URL ({host}) or a domain it belongs to, a bare name "
                f"without https:// or port (is {rp_id!r}); browsers refuse passkeys for any other")
    return None


def _storage(settings: Mapping) -> str | None:
    """A STORAGE_URL the file store understands, and a known kind of server-side encryption: refused at start-up,
    not at the first upload."""
    from gdt.services.core.object_store import encryption, parse_url  # the store's own rules

    problems = []
    url = settings.get("STORAGE_URL") or ""
    if url:
        try:
            parse_url(url)
        except ValueError as wrong:
            problems.append(f"{wrong} (is {mask_urls(url)!r})")
    try:
        encryption(settings)
    except ValueError as wrong:
        problems.append(f"{wrong} (is {settings.get('STORAGE_S3_SSE')!r})")
    return "; ".join(problems) or None


PRODUCTION_RULES: tuple[Callable[[Mapping], str | None], ...] = (
    _secret_key, _database, _public_base_url, _smtp_host, _mail_from, _metrics_token, _extra_non_working_days,
    _single_sign_on, _webauthn_rp_id, _storage,
)


def production_problems(settings: Mapping) -> list[str]:
    """What is wrong with these settings for production, one sentence each; empty when all is well."""
    return [problem for rule in PRODUCTION_RULES if (problem := rule(settings))]


def check(settings: Mapping) -> None:
    """Raise ConfigurationError in production when any rule is broken; other environments start as they are."""
    if settings.get("ENVIRONMENT") == "production":
        problems = production_problems(settings)
        if problems:
            raise ConfigurationError(problems)


def check_environment() -> None:
    """`check` on the settings the environment selects, without building the app (gunicorn's master uses it)."""
    selected = config.config_for_environment()
    check({name: getattr(selected, name) for name in dir(selected) if name.isupper()})


def project_keys() -> set[str]:
    """The settings config.py defines: the upper-case names of Config and its variants."""
    classes = [value for value in vars(config).values() if isinstance(value, type) and issubclass(value, config.Config)]
    return {name for cls in classes for name in vars(cls) if name.isupper()}


def effective_settings(settings: Mapping) -> list[tuple[str, str]]:
    """(name, shown value) for each project setting the app runs with, sorted by name, secrets masked."""
    return [(name, _shown(masked(name, settings[name]))) for name in sorted(project_keys()) if name in settings]


def masked(name: str, value):
    """A setting's value with its secrets replaced by ****: a secret-named string whole (SECRET, PASSWORD or
    TOKEN in the name; numbers such as TOKEN_LIFETIME_DAYS are no secret), the password in any URL, and nested
    settings (CELERY's broker URL) the same way."""
    if isinstance(value, Mapping):
        return {key: masked(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(masked(name, item) for item in value)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        return MASK if value and SECRET_NAME.search(name) else mask_urls(value)
    return value


def mask_urls(text: str) -> str:
    """The password of every URL in `text` (scheme://user:password@host, ?password=…) as ****."""
    text = URL_PASSWORD.sub(lambda match: f"{match['start']}{MASK}@", text)
    return QUERY_SECRET.sub(lambda match: f"{match['start']}{MASK}", text)


def _shown(value) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, str):
        return value if value else '""'
    return repr(value)
