"""Settings read from the environment (README, "Configuration"), with development defaults for a fresh machine."""
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("GDT_INSTANCE_DIR", BASE_DIR / "instance"))


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'gdt.sqlite'}")
    # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _env_list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


def _env_flag(name: str, default: bool) -> bool:
    """A yes/no setting: 1, true, yes or on (any case) is yes; unset is the default."""
    value = os.environ.get(name)
    return default if value is None or not value.strip() else value.strip().lower() in ("1", "true", "yes", "on")


def development_secret_key() -> str:
    """A random key generated once and kept in instance/, so dev sessions survive a restart."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


PDOK_LOCATIESERVER = "https://api.pdok.nl/bzk/locatieserver/search/v3_1"


def engine_options(url: str) -> dict:
    """A pool that outlives a database restart: a connection is checked before use (a dead one is replaced at
    once), none is kept longer than half an hour (firewalls drop idle ones unannounced), and neither a connect
    nor the wait for a free connection hangs a request (it answers 503 instead). A database error's text leaves
    out the statement's values (`hide_parameters`): it is logged, and the values are names and addresses."""
    options = {"pool_pre_ping": True, "hide_parameters": True}
    if url.startswith("postgresql"):
        options |= {"pool_recycle": 1800, "pool_timeout": 10, "connect_args": {"connect_timeout": 5}}
    return options


class Config:
    ENVIRONMENT = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = engine_options(SQLALCHEMY_DATABASE_URI)
    REDIS_URL = os.environ.get("REDIS_URL")
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    MAIL_FROM = os.environ.get("MAIL_FROM", "gdt@localhost")
    # Where mail goes (gdt/services/core/mail.py): "smtp", or "local" (kept in the database for an admin to read
    # at /admin/mail, the newest MAIL_LOCAL_KEEP only) in development when no SMTP_HOST is set; never in production.
    MAIL_TRANSPORT = "smtp"
    MAIL_LOCAL_KEEP = 500
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", f"http://127.0.0.1:{os.environ.get('PORT', '5000')}")
    PORT = int(os.environ.get("PORT", "5000"))
    # Logs (gdt/logs.py, README "Logs"): "json" (one object per line, the default in production) or "text" (the
    # default in development); LOG_LEVEL the least severe level written.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()

    CELERY = {
        "broker_url": REDIS_URL or "memory://",
        "task_always_eager": REDIS_URL is None,  # embedded default: run tasks in-process
        "task_ignore_result": True,
        "task_serializer": "json",
        "accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "broker_transport_options": {"visibility_timeout": 3600},  # above the longest task, its retries included
        "task_time_limit": 300,
        "task_soft_time_limit": 240,
        "broker_connection_retry_on_startup": True,
        "timezone": "Europe/Amsterdam",
        # Beat's record of when each periodic job last ran: in the instance folder, writable where the code is not.
        "beat_schedule_filename": str(INSTANCE_DIR / "celerybeat-schedule"),
    }

    # Periodic work (worker/schedule.py) in this process when there is no worker and beat: `make run` sets it.
    # Several web nodes may each set it: on PostgreSQL one of them leads (worker/leader.py) and runs the work once.
    RUN_SCHEDULER_IN_PROCESS = os.environ.get("GDT_IN_PROCESS_SCHEDULER") == "1"
    SCHEDULER_INTERVAL_SECONDS = float(os.environ.get("SCHEDULER_INTERVAL_SECONDS", "30"))
    # A published message still unprocessed after this long is published again (the broker may have lost it).
    OUTBOX_REPUBLISH_AFTER_SECONDS = int(os.environ.get("OUTBOX_REPUBLISH_AFTER_SECONDS", "900"))
    # How long a consumer's claim on a message keeps duplicates away; above the task time limit, so a claim only
    # outlives its worker when that worker died (then the message waits this long, then is processed again).
    OUTBOX_CLAIM_SECONDS = int(os.environ.get("OUTBOX_CLAIM_SECONDS", "330"))
    # After a mail went out, how long the consumer keeps trying to record it while the database is unreachable
    # (a restart, a failover). Within the claim and the task time limit: giving up means the mail goes again.
    OUTBOX_RECORD_RETRY_SECONDS = int(os.environ.get("OUTBOX_RECORD_RETRY_SECONDS", "120"))

    # Health and metrics (README, "Health and metrics"). /health/ready fails when more outbox messages wait than this,
    # or the oldest has waited longer (seconds), or a worker, beat or relay process was not seen for longer (seconds;
    # each stamps its heartbeat every HEARTBEAT_INTERVAL_SECONDS, the relay after a run, up to a minute apart while
    # the broker is down). Redis, when configured, must answer a ping within its timeout.
    HEALTH_OUTBOX_MAX_WAITING = int(os.environ.get("HEALTH_OUTBOX_MAX_WAITING", "500"))
    HEALTH_OUTBOX_MAX_AGE_SECONDS = int(os.environ.get("HEALTH_OUTBOX_MAX_AGE_SECONDS", "600"))
    HEALTH_WORKER_MAX_SILENCE_SECONDS = int(os.environ.get("HEALTH_WORKER_MAX_SILENCE_SECONDS", "90"))
    HEALTH_BEAT_MAX_SILENCE_SECONDS = int(os.environ.get("HEALTH_BEAT_MAX_SILENCE_SECONDS", "90"))
    HEALTH_RELAY_MAX_SILENCE_SECONDS = int(os.environ.get("HEALTH_RELAY_MAX_SILENCE_SECONDS", "90"))
    HEALTH_REDIS_TIMEOUT_SECONDS = float(os.environ.get("HEALTH_REDIS_TIMEOUT_SECONDS", "1"))
    HEARTBEAT_INTERVAL_SECONDS = float(os.environ.get("HEARTBEAT_INTERVAL_SECONDS", "15"))
    # /metrics answers only a scraper with this bearer token, or from these networks (comma-separated CIDRs, the
    # address as the app sees it after PROXY_FIX_X_FOR); with neither set it is off (404, like any unknown page).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    METRICS_ALLOWED_NETWORKS = os.environ.get("METRICS_ALLOWED_NETWORKS", "")

    # Norms in working days (Algemene termijnenwet: weekends, public holidays, 5 May) and the municipality's closing
    # days: the admin's list (/admin/closing-days) and, in addition, EXTRA_NON_WORKING_DAYS as ISO dates. Each
    # deadline is stored when its clock starts: a new norm or closing day only affects new clocks.
    TRIAGE_NORM_WORKING_DAYS = int(os.environ.get("TRIAGE_NORM_WORKING_DAYS", "3"))
    ACKNOWLEDGE_NORM_WORKING_DAYS = int(os.environ.get("ACKNOWLEDGE_NORM_WORKING_DAYS", "2"))
    CASE_REVIEW_WEEKS = int(os.environ.get("CASE_REVIEW_WEEKS", "6"))
    EXTRA_NON_WORKING_DAYS = _env_list("EXTRA_NON_WORKING_DAYS")
    REMINDER_HOUR = int(os.environ.get("REMINDER_HOUR", "7"))  # the daily reminder mails, Amsterdam time
    # The nightly retention run (anonymisation, destruction lists, audit checkpoint), Amsterdam time.
    RETENTION_HOUR = int(os.environ.get("RETENTION_HOUR", "2"))
    # Items of a destruction list destroyed per transaction: whole cases each, so a stopped run leaves none half done.
    RETENTION_EXECUTE_BATCH = int(os.environ.get("RETENTION_EXECUTE_BATCH", "100"))
    # A coordinator's claim on a report ("Ik pak deze op") lapses after this many minutes unless renewed or
    # released (gdt/services/triage/claims.py); meanwhile only that coordinator may triage the report.
    CLAIM_MINUTES = int(os.environ.get("CLAIM_MINUTES", "30"))
    # Notifications ("Meldingen voor mij", gdt/services/notifications): the daily digest's hour (Amsterdam time), how
    # many hours before its triage deadline a claimed report is called to its holder's attention, and how many days
    # a read notification is kept.
    NOTIFY_DIGEST_HOUR = int(os.environ.get("NOTIFY_DIGEST_HOUR", "7"))
    NOTIFY_TRIAGE_WARNING_HOURS = int(os.environ.get("NOTIFY_TRIAGE_WARNING_HOURS", "4"))
    NOTIFY_KEEP_DAYS = int(os.environ.get("NOTIFY_KEEP_DAYS", "90"))
    # The resident's own link ("Mijn melding") is valid this many days after it was made; each mail has a new one.
    RESIDENT_LINK_DAYS = int(os.environ.get("RESIDENT_LINK_DAYS", "180"))
    # Questions to the resident (gdt/services/resident/questions.py): one reminder mail after this many working days
    # without an answer. The satisfaction survey on the resident's page after closing: off unless switched on here
    # (the development and demo configuration switches it on).
    RESIDENT_QUESTION_REMINDER_DAYS = int(os.environ.get("RESIDENT_QUESTION_REMINDER_DAYS", "5"))
    SATISFACTION_SURVEY = _env_flag("SATISFACTION_SURVEY", False)

    # Referral delivery: the partner's link lives this long; a failing mail or webhook is tried again after 1, 2,
    # 4 … minutes and counts as failed (visible, retried by hand) after the last attempt.
    REFERRAL_LINK_DAYS = int(os.environ.get("REFERRAL_LINK_DAYS", "14"))
    # A link's first use is exchanged for a link session (docs/decisions/0012-link-sessions.md): a visit, not a
    # standing credential.
    LINK_SESSION_IDLE_MINUTES = int(os.environ.get("LINK_SESSION_IDLE_MINUTES", "60"))
    LINK_SESSION_ABSOLUTE_HOURS = int(os.environ.get("LINK_SESSION_ABSOLUTE_HOURS", "8"))
    DELIVERY_MAX_ATTEMPTS = int(os.environ.get("DELIVERY_MAX_ATTEMPTS", "6"))
    DELIVERY_RETRY_SECONDS = int(os.environ.get("DELIVERY_RETRY_SECONDS", "60"))
    WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
    # Signalen as a front door (README, "Signalen"; gdt/services/signalen/): off while SIGNALEN_API_URL is empty.
    # A client-credentials token (TOKEN_URL, CLIENT_ID, CLIENT_SECRET) renewed before it expires, or a fixed TOKEN.
    # FILTER is the query string that selects the team's signals; SOURCE_CHANNELS maps Signalen's `source` to a GDT
    # channel (JSON, "*" the default), CATEGORY_MAP a sub category slug to a GDT category key (JSON; anything else
    # gets SIGNALEN_DEFAULT_CATEGORY and waits in the intake queue like every new report). A referral is told to
    # Signalen as "o" with a text naming the partner, or as "forward to external" (SIGNALEN_REFERRED_STATE).
    SIGNALEN_API_URL = os.environ.get("SIGNALEN_API_URL", "").rstrip("/")
    SIGNALEN_TOKEN_URL = os.environ.get("SIGNALEN_TOKEN_URL", "")
    SIGNALEN_CLIENT_ID = os.environ.get("SIGNALEN_CLIENT_ID", "")
    SIGNALEN_CLIENT_SECRET = os.environ.get("SIGNALEN_CLIENT_SECRET", "")
    SIGNALEN_TOKEN = os.environ.get("SIGNALEN_TOKEN", "")
    SIGNALEN_FILTER = os.environ.get("SIGNALEN_FILTER", "")
    SIGNALEN_SOURCE_CHANNELS = os.environ.get("SIGNALEN_SOURCE_CHANNELS", '{"*": "webform"}')
    SIGNALEN_CATEGORY_MAP = os.environ.get("SIGNALEN_CATEGORY_MAP", "{}")
    SIGNALEN_DEFAULT_CATEGORY = os.environ.get("SIGNALEN_DEFAULT_CATEGORY", "overig")
    SIGNALEN_REFERRED_STATE = os.environ.get("SIGNALEN_REFERRED_STATE", "o")
    SIGNALEN_SYNC_MINUTES = float(os.environ.get("SIGNALEN_SYNC_MINUTES", "5"))
    SIGNALEN_PAGE_SIZE = int(os.environ.get("SIGNALEN_PAGE_SIZE", "50"))
    SIGNALEN_TIMEOUT = float(os.environ.get("SIGNALEN_TIMEOUT", "15"))

    # Outbound calls (gdt/services/core/outbound.py): plain http only outside production; internal addresses
    # (loopback, private, link-local …) are refused unless their network is listed here, comma-separated.
    OUTBOUND_ALLOW_HTTP = os.environ.get("OUTBOUND_ALLOW_HTTP", "1") == "1"
    OUTBOUND_ALLOWED_NETWORKS = os.environ.get("OUTBOUND_ALLOWED_NETWORKS", "")

    # Rate limits: Redis when there is one, per-process memory otherwise (and as fallback).
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True
    # Per client address, generous: one office behind NAT shares an address. Guessing one account's password is
    # slowed per account instead (LOGIN_ACCOUNT_*, gdt/services/core/login_throttle.py).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "60 per minute;600 per hour")
    LOGIN_ACCOUNT_FREE_FAILURES = int(os.environ.get("LOGIN_ACCOUNT_FREE_FAILURES", "5"))
    LOGIN_ACCOUNT_MAX_DELAY_SECONDS = int(os.environ.get("LOGIN_ACCOUNT_MAX_DELAY_SECONDS", "300"))
    # Personal API tokens expire; deactivation and a new password revoke them (gdt/services/core/tokens.py).
    TOKEN_LIFETIME_DAYS = int(os.environ.get("TOKEN_LIFETIME_DAYS", "90"))

    # Sessions: the cookie only carries a server-side session token (gdt/services/core/auth.py,
    # docs/decisions/0001-server-side-sessions.md).
    SESSION_COOKIE_NAME = "gdt_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # Fractions are allowed (0.5: thirty seconds), so a test can watch the idle warning appear.
    SESSION_IDLE_MINUTES = float(os.environ.get("SESSION_IDLE_MINUTES", "30"))
    SESSION_ABSOLUTE_HOURS = float(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    # Minutes before the idle end at which the page warns and offers to stay logged in (the typed form stays).
    SESSION_IDLE_WARNING_MINUTES = float(os.environ.get("SESSION_IDLE_WARNING_MINUTES", "2"))

    # Identity (README, "Logging in"). A password account must use a second factor (TOTP or a passkey) when
    # MFA_REQUIRED is on; `make run`'s demo switches it off and every page then says so.
    MFA_REQUIRED = _env_flag("MFA_REQUIRED", True)
    MFA_RATE_LIMIT = os.environ.get("MFA_RATE_LIMIT", "10 per 5 minutes")  # failed codes per account
    # Former SECRET_KEYs, comma-separated, newest first: sessions signed and TOTP secrets encrypted with one still
    # work, until `flask second-factor reencrypt` has moved the secrets to the current key (decision 0020).
    SECRET_KEY_FALLBACKS = list(_env_list("SECRET_KEY_FALLBACKS"))
    # The audit trail's chains (README, "The audit trail"; decision 0024): chains per day on PostgreSQL (concurrent
    # writers each take a free one), and the HMAC key: derived from AUDIT_CHAIN_KEY when set, else from SECRET_KEY.
    # Former keys (comma-separated) still verify the links they made until those days are destroyed.
    AUDIT_CHAIN_SHARDS = int(os.environ.get("AUDIT_CHAIN_SHARDS", "8"))
    AUDIT_CHAIN_KEY = os.environ.get("AUDIT_CHAIN_KEY", "")
    AUDIT_CHAIN_KEY_FALLBACKS = list(_env_list("AUDIT_CHAIN_KEY_FALLBACKS"))
    # Invitation and password-reset links: random, stored as a hash, one use, then expired.
    INVITATION_LINK_HOURS = int(os.environ.get("INVITATION_LINK_HOURS", "72"))
    PASSWORD_RESET_LINK_MINUTES = int(os.environ.get("PASSWORD_RESET_LINK_MINUTES", "60"))
    # "Wachtwoord vergeten?" requests per client address (each account also gets at most 3 reset mails an hour).
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "10 per 15 minutes;50 per day")
    # Passkeys (WebAuthn): the relying party is the host of PUBLIC_BASE_URL unless set.
    WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID", "")
    WEBAUTHN_RP_NAME = os.environ.get("WEBAUTHN_RP_NAME", "GDT")
    # OpenID Connect single sign-on for staff: on when OIDC_ISSUER is set.
    OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
    OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
    OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
    OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
    OIDC_ROLES_CLAIM = os.environ.get("OIDC_ROLES_CLAIM", "roles")
    OIDC_ROLE_MAP = os.environ.get("OIDC_ROLE_MAP", "{}")  # JSON: claim value -> GDT role
    OIDC_REQUIRE_MFA = _env_flag("OIDC_REQUIRE_MFA", True)
    OIDC_LABEL = os.environ.get("OIDC_LABEL", "")  # the button's text; empty: "Inloggen met uw organisatie-account"
    OIDC_CLOCK_SKEW_SECONDS = int(os.environ.get("OIDC_CLOCK_SKEW_SECONDS", "120"))
    OIDC_TIMEOUT = float(os.environ.get("OIDC_TIMEOUT", "10"))
    REMEMBER_COOKIE_DURATION = 0

    WTF_CSRF_TIME_LIMIT = None  # bound to the session: a slow typist never loses a form
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024

    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none). Per-IP rate
    # limits and the audit log's origin use the address this yields; without a proxy a forged header is ignored.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))

    # Uploaded photos and sound fragments: outside the web root (default instance/attachments).
    ATTACHMENT_DIR = os.environ.get("ATTACHMENT_DIR")
    # Where attachments, thumbnails and case documents are stored (gdt/services/core/object_store.py): unset, the
    # folder ATTACHMENT_DIR; file:///folder; or s3://bucket/prefix, shared by several web nodes. The S3 keys may be
    # left unset for boto3's own chain (environment, instance role); objects are always encrypted at rest
    # (STORAGE_S3_SSE AES256, or aws:kms with an optional STORAGE_S3_KMS_KEY_ID).
    STORAGE_URL = os.environ.get("STORAGE_URL", "")
    STORAGE_S3_ENDPOINT_URL = os.environ.get("STORAGE_S3_ENDPOINT_URL", "")  # MinIO, Ceph …; unset: AWS
    STORAGE_S3_REGION = os.environ.get("STORAGE_S3_REGION", "")
    STORAGE_S3_ACCESS_KEY_ID = os.environ.get("STORAGE_S3_ACCESS_KEY_ID", "")
    STORAGE_S3_SECRET_ACCESS_KEY = os.environ.get("STORAGE_S3_SECRET_ACCESS_KEY", "")
    STORAGE_S3_SSE = os.environ.get("STORAGE_S3_SSE", "AES256")
    STORAGE_S3_KMS_KEY_ID = os.environ.get("STORAGE_S3_KMS_KEY_ID", "")
    ATTACHMENT_MAX_PHOTO_BYTES = 10 * 1024 * 1024
    ATTACHMENT_MAX_AUDIO_BYTES = 20 * 1024 * 1024
    ATTACHMENT_MAX_PER_REPORT = 10
    # Photos decoded at once per process; an upload waits this long for a turn, then "try again" (503 in the API).
    ATTACHMENT_IMAGE_SLOTS = int(os.environ.get("ATTACHMENT_IMAGE_SLOTS", "1"))
    ATTACHMENT_IMAGE_WAIT_SECONDS = float(os.environ.get("ATTACHMENT_IMAGE_WAIT_SECONDS", "5"))
    # Case documents (PDF, Office, photos, sound) are stored beside the attachments; the largest file accepted.
    DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(20 * 1024 * 1024)))

    # Statistics exports for BI tools: aggregate counts from 1 to this minus one are written as "< N"
    # (small cells, docs/decisions/0007-small-cell-suppression.md).
    EXPORT_SMALL_CELL_THRESHOLD = int(os.environ.get("EXPORT_SMALL_CELL_THRESHOLD", "5"))

    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    PER_PAGE = 25

    # Look and feel (README, "Look and feel"; checked at start-up by gdt/web/theme/settings.py): the name in the
    # header, a logo (.svg or .png; unset: the theme's own logo, else a neutral one), and the NL Design System
    # design tokens: a shipped theme's name (neutral, rivierstad), a folder with a theme.css, or a CSS file.
    # THEME_CLASS: class(es) put on <html> for a token file scoped to its own class (e.g. "utrecht-theme").
    MUNICIPALITY_NAME = os.environ.get("MUNICIPALITY_NAME", "Gemeente Voorbeeld")
    MUNICIPALITY_LOGO = os.environ.get("MUNICIPALITY_LOGO", "")
    # The sender block of letters from templates (gdt.services.letters): the municipality's postal address, its
    # lines separated by "|", and how residents reach the team (a phone number or web address; empty: left out).
    MUNICIPALITY_ADDRESS = os.environ.get("MUNICIPALITY_ADDRESS", "Postbus 1000|1000 AA Voorbeeld")
    LETTER_CONTACT = os.environ.get("LETTER_CONTACT", "14 020")
    THEME = os.environ.get("THEME", "neutral")
    THEME_CLASS = os.environ.get("THEME_CLASS", "")

    # Address lookup at intake (gdt.services.intake.addresses): "fixture:" is the bundled table in
    # gdt/data/addresses.json ("fixture:/path.json" another one); an http(s) URL is the base of a PDOK
    # Locatieserver v3.1. A lookup never waits longer than the timeout (seconds), and a report is saved whether
    # or not the service answered.
    ADDRESS_SERVICE_URL = os.environ.get("ADDRESS_SERVICE_URL", "fixture:")
    ADDRESS_SERVICE_TIMEOUT = float(os.environ.get("ADDRESS_SERVICE_TIMEOUT", "2"))

    # The map (gdt.services.geo, README "Map"): base map tiles in the browser from this URL template (its host is
    # allowed in the Content-Security-Policy's img-src; empty: no base map, the markers and the table remain), and
    # the radius of "In de buurt" on the triage page, in metres.
    MAP_TILE_URL = os.environ.get(
        "MAP_TILE_URL", "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png")
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "Kaartgegevens © Kadaster (BRT Achtergrondkaart)")
    MAP_NEARBY_METRES = float(os.environ.get("MAP_NEARBY_METRES", "50"))


class DevelopmentConfig(Config):
    SECRET_KEY = Config.SECRET_KEY or development_secret_key()
    SATISFACTION_SURVEY = _env_flag("SATISFACTION_SURVEY", True)
    MAIL_TRANSPORT = "smtp" if os.environ.get("SMTP_HOST") else "local"  # `make run` works without a mail server


class ProductionConfig(Config):
    """Checked at start-up (gdt/config_check.py): no development default stands in for a setting production needs."""
    ENVIRONMENT = "production"
    SMTP_HOST = os.environ.get("SMTP_HOST")
    MAIL_FROM = os.environ.get("MAIL_FROM")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    SESSION_COOKIE_NAME = "__Host-gdt_session"
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    MAIL_TRANSPORT = "smtp"  # mail must leave: the local mailbox is for development only
    OUTBOUND_ALLOW_HTTP = False  # a webhook body and PDOK answers travel only over TLS
    # The 40 addresses of the fixture would call every real address "not in the BAG": ask PDOK instead.
    ADDRESS_SERVICE_URL = os.environ.get("ADDRESS_SERVICE_URL", PDOK_LOCATIESERVER)


class TestConfig(Config):
    ENVIRONMENT = "test"
    LOG_FORMAT = None  # logging stays pytest's; a test of JSON logs sets "json"
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    WTF_CSRF_ENABLED = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("GDT_TEST_DATABASE_URL", "sqlite://")
    SQLALCHEMY_ENGINE_OPTIONS = {}
    RATELIMIT_ENABLED = False
    MFA_REQUIRED = False  # the tests of the second factor switch it on
    ADDRESS_SERVICE_URL = "fixture:"  # never the network, whatever the environment says
    MAP_TILE_URL = ""  # never the network: the map tests serve their own tiles (tests/support/tiles.py)
    STORAGE_URL = ""  # the suite's own folder, whatever the environment says; tests of S3 start their own server
    CELERY = Config.CELERY | {"broker_url": "memory://", "task_always_eager": True}


def config_for_environment() -> type[Config]:
    """GDT_ENV=production selects the strict settings; anything else is development."""
    return ProductionConfig if os.environ.get("GDT_ENV") == "production" else DevelopmentConfig
