"""confman settings. Everything that differs between a laptop and production comes from the
environment (see README.md, "Configuration"); the defaults run the embedded mode: SQLite under
var/, the in-memory channel layer and a local-memory cache."""

import os
import re
import warnings
from datetime import timedelta
from ipaddress import ip_network
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from confman.core import fastpaths
from confman.core.env import env_bool, env_int, env_list, env_str, secret_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CONFMAN_VAR_DIR", str(BASE_DIR / "var")))
try:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "static").mkdir(exist_ok=True)
except OSError as exc:
    raise ImproperlyConfigured(
        f"CONFMAN_VAR_DIR={str(VAR_DIR)!r} cannot be created or written ({exc.strerror}); "
        "point it at a directory this user may write."
    ) from None

DEBUG = env_bool("DEBUG", False)

# The fast paths that rely on Django's internals (confman/core/fastpaths/), all on by default.
_fast_paths_off = set(env_list("FAST_PATHS_OFF", []))
if _fast_paths_off - set(fastpaths.NAMES):
    raise ImproperlyConfigured(
        f"FAST_PATHS_OFF names {', '.join(sorted(_fast_paths_off - set(fastpaths.NAMES)))}, "
        f"which confman does not have; use some of: {', '.join(fastpaths.NAMES)}."
    )
FAST_PATHS = {name: name not in _fast_paths_off for name in fastpaths.NAMES}


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise ImproperlyConfigured(
                "SECRET_KEY is too short: use at least 32 random characters, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
            )
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production needs a long random value, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`; "
            "for development set DEBUG=true and one is generated in var/secret_key."
        )
    return secret_file(VAR_DIR / "secret_key")


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is empty; list the host names the site answers to, e.g. "
        "conf.example.org,www.conf.example.org."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto: plain HTTP is redirected to HTTPS
# and browsers are told to use HTTPS only (HSTS, a year; subdomains and preload are the
# operator's call: HSTS_INCLUDE_SUBDOMAINS, HSTS_PRELOAD).
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # The proxy's health checks and Prometheus come over plain HTTP on the loopback.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Sign-in lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one account from
# one address, that pair waits LOGIN_LOCKOUT_MINUTES (a success clears the count). Counting the
# pair, not the account alone, keeps a stranger from locking someone out of their account.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "confman.core.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "confman.core.lockout.client_ip"
AXES_VERBOSE = False


# Rate limits of the API's repeatable writes (confman/core/throttling.py), per signed-in user or
# per client address ("30/min"; "off": no limit). Behind the proxy, the client's address is the
# last one it adds to X-Forwarded-For; otherwise the connection's (never a header the client
# could write itself).
def _rate(name: str, default: str) -> str | None:
    value = env_str(name, default)
    if value.lower() == "off":
        return None
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|m|min|h|hour|d|day)", value):
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a rate; write e.g. 30/min (s, min, hour or day), or off."
        )
    return value


API_RATE_LIMITS = {
    "registrations": _rate("THROTTLE_REGISTRATIONS", "30/min"),
    "checkins": _rate("THROTTLE_CHECKINS", "600/min"),
    # Opening a participant's private link (and its steps): a guesser, not a participant.
    "private_links": _rate("THROTTLE_PRIVATE_LINKS", "120/min"),
    # Checking a certificate's code: a verifier checks a few, a guesser would need billions.
    "certificates": _rate("THROTTLE_CERTIFICATES", "30/min"),
}
NINJA_NUM_PROXIES = 1 if env_bool("BEHIND_TLS_PROXY", False) else 0

# Every page's Content-Security-Policy (django-csp): scripts, styles, fonts and images from this
# site only, no inline script (none is needed: the pages' data is JSON in
# <script type="application/json">). Inline style *attributes* are allowed (the agenda grid
# places each session with one), not <style> blocks. The live page embeds the organisers'
# stream players (YouTube, Zoom, …) over HTTPS; the desk's QR scanner runs in a worker.
# Paying leaves for Stripe Checkout through a form's redirect.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "frame-src": ["https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, "https://checkout.stripe.com"],
        "frame-ancestors": [NONE],
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "django_countries",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "axes",
    "confman",
    "events",
    "sessions.apps.AgendaConfig",
    "registrations",
    "livestream",
]

MIDDLEWARE = [
    # First: every answer has its X-Request-ID and is timed, a redirect or a static file too.
    "confman.core.logs.RequestIdMiddleware",
    "confman.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Gzip (Django's, BREACH-safe) around everything that writes a body, whitenoise's static
    # files included (in DEBUG they are not precompressed); never the live event stream.
    "confman.core.middleware.CompressionMiddleware",
    "confman.core.middleware.RejectNulCharactersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "confman.core.language.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it answers a locked-out sign-in (confman/core/lockout.py).
    "axes.middleware.AxesMiddleware",
    "confman.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "confman.urls"
ASGI_APPLICATION = "confman.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'confman.sqlite3'}")
_scheme = urlsplit(DATABASE_URL).scheme
if _scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
    raise ImproperlyConfigured(
        f"DATABASE_URL has the scheme {_scheme!r}; confman runs on "
        "postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:////absolute/path.sqlite3."
    )
try:
    _database = dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0, minimum=0)
    )
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL cannot be read: {exc}") from None
_pool_size = env_int("DATABASE_POOL_SIZE", 0, minimum=0)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer commits; IMMEDIATE takes the write lock at BEGIN,
    # so two writers queue instead of failing half-way with "database is locked".
    # A fast path (confman/core/fastpaths/sqlite): connections kept, writers queued in Python.
    if FAST_PATHS["sqlite_pool"]:
        _database["ENGINE"] = "confman.core.fastpaths.sqlite"
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    _database["CONN_HEALTH_CHECKS"] = True
    # Each ASGI process runs sync views in threads, each with its own connection: under load
    # that exceeds PostgreSQL's max_connections. A pool of DATABASE_POOL_SIZE connections per
    # process makes requests wait their turn instead (set it so that processes x size stays
    # below max_connections); 0 turns pooling off.
    if _pool_size:
        if _database.get("CONN_MAX_AGE"):
            raise ImproperlyConfigured(
                "DATABASE_POOL_SIZE and DATABASE_CONN_MAX_AGE cannot both be set; use the pool."
            )
        _database.setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": _pool_size,
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
        }
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: channel layer and cache -------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
# With Redis, what follows a programme update (the live broadcast, the change notices' round,
# reminders, webhooks) runs in a background thread once the request that made it has answered,
# so a chair's click waits for none of it (sessions.services.programme). Off, or without Redis
# (the in-memory channel layer lives on the server's event loop): in the request, after commit.
UPDATES_IN_BACKGROUND = env_bool("UPDATES_IN_BACKGROUND", True) and bool(REDIS_URL)
REDIS_PREFIX = env_str("REDIS_PREFIX", "confman")
if REDIS_URL:
    _redis = urlsplit(REDIS_URL)
    try:
        _redis_port_ok = _redis.port is None or _redis.port > 0
    except ValueError:
        _redis_port_ok = False
    if _redis.scheme not in {"redis", "rediss", "unix"} or not _redis_port_ok:
        raise ImproperlyConfigured(
            f"REDIS_URL={REDIS_URL!r} is not a Redis address; use redis://HOST:PORT/DB."
        )
    _prefix = REDIS_PREFIX
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{_prefix}:asgi", "capacity": 1000},
        }
    }
    CACHES = {
        "default": {
            # Redis away: a miss, logged, and the page or export built from the database.
            "BACKEND": "confman.core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{_prefix}:cache",
            # Fail fast rather than hold a request while Redis does not answer.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "events:list"
LOGOUT_REDIRECT_URL = "events:list"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    ("ru", _("Russian")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static files: whitenoise serves them, so no proxy is needed to run -------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files (session materials, certificate signatures): never served from a public
# address, only through views that check who may have them. On the filesystem under var/media
# by default; with CONFMAN_S3_BUCKET, in an S3-compatible store through django-storages (install
# `confman[s3]`; AWS_S3_ENDPOINT_URL, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the
# environment as boto3 reads them), private objects, fetched by the server.
MEDIA_ROOT = VAR_DIR / "media"
S3_BUCKET = env_str("CONFMAN_S3_BUCKET", "")
DEFAULT_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL", "") or None,
        },
    }
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
# The largest session material (slides, a document, photos) an organiser or speaker may upload,
# in bytes; recordings are links, not files.
MATERIAL_MAX_BYTES = env_int("CONFMAN_MATERIAL_MAX_BYTES", 50 * 1024 * 1024, minimum=1)
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# WhiteNoise hands Django a file iterator that Django's ASGI handler reads in a worker thread;
# that is expected here, so the per-file warning about it is noise.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

# --- Payments and mail ----------------------------------------------------------------------
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
for _name, _prefix_expected in (
    ("STRIPE_SECRET_KEY", ("sk_", "rk_")),
    ("STRIPE_PUBLISHABLE_KEY", ("pk_",)),
    ("STRIPE_WEBHOOK_SECRET", ("whsec_",)),
):
    _value = globals()[_name]
    if _value and not _value.startswith(_prefix_expected):
        raise ImproperlyConfigured(
            f"{_name} does not look like a Stripe key: it should start with "
            f"{' or '.join(_prefix_expected)} (copy it from the Stripe dashboard)."
        )

# Background tasks (mail) are stored in the database and run by `manage.py db_worker`, which
# `make run` starts beside the web server; in production run one or more workers.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EMAIL_URL = env_str("EMAIL_URL")
DEFAULT_FROM_EMAIL = env_str("EMAIL_FROM", "confman <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_URL:
    _email = urlsplit(EMAIL_URL)
    if _email.scheme not in {"smtp", "smtps", "submission"} or not _email.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL={EMAIL_URL!r} is not understood; use smtp://USER:PASSWORD@HOST:587 "
            "(STARTTLS) or smtps://USER:PASSWORD@HOST:465 (TLS)."
        )
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname
    EMAIL_PORT = _email.port or (465 if _email.scheme == "smtps" else 587)
    EMAIL_HOST_USER = _email.username or ""
    EMAIL_HOST_PASSWORD = _email.password or ""
    EMAIL_USE_SSL = _email.scheme == "smtps"
    EMAIL_USE_TLS = not EMAIL_USE_SSL
else:
    # Without a mail server, messages are written to var/mail/ to be read there.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"

# Outgoing webhooks: endpoints on loopback and private addresses are refused, at saving and at
# each delivery, so that an event's team cannot make the server call its own network. Allowed
# by default only with DEBUG (make run: a receiver on 127.0.0.1); tests switch it on.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", DEBUG)

# --- Site -----------------------------------------------------------------------------------
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if urlsplit(SITE_URL).scheme not in {"http", "https"} or not urlsplit(SITE_URL).hostname:
    raise ImproperlyConfigured(
        f"SITE_URL={SITE_URL!r} is not a web address; give the public address of the site, "
        "e.g. https://conf.example.org."
    )
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL={LOG_LEVEL!r} is not a log level; use DEBUG, INFO, WARNING, ERROR or CRITICAL."
    )
LOG_FORMAT = env_str("LOG_FORMAT", "text").lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(
        f"LOG_FORMAT={LOG_FORMAT!r} is not a log format; use text (the default) or json (one "
        "JSON object a line, with the request id)."
    )
CONFMAN_API_TOKEN_PREFIX = "cm_"  # noqa: S105 (a marker, not a secret)
# Who a bearer token belongs to: the events app keeps the tokens (confman.core.auth calls this).
API_TOKEN_AUTHENTICATE = "events.services.api_token_authenticate"  # noqa: S105 (a path)

# One console handler, the root's: every record is printed once. Django's own configuration
# (applied first) gives the "django" logger a console handler of its own in DEBUG, and its
# records also reach the root's: configured here with Django's mail handler alone, they print
# once, at the same level as before (INFO). "django.server" keeps its own handler and does
# not propagate.
# Each record carries the request id (confman/core/logs.py); LOG_FORMAT=json prints it, one
# JSON object a line with the time, level, logger and message, a traceback under exc_info.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "request_id": {"()": "confman.core.logs.RequestIdFilter"},
    },
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
            "json_ensure_ascii": False,
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        },
        "mail_admins": {
            "level": "ERROR",
            "filters": ["require_debug_false"],
            "class": "django.utils.log.AdminEmailHandler",
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
    },
}

# --- Metrics (GET /metrics, confman/metrics.py) and error reports --------------------------
# Prometheus reads the metrics with a bearer token (METRICS_TOKEN), or without one from the
# addresses of METRICS_ALLOW (addresses or networks; "none": the token only).
METRICS_TOKEN = env_str("METRICS_TOKEN", "")
if METRICS_TOKEN and len(METRICS_TOKEN) < 32:
    raise ImproperlyConfigured(
        "METRICS_TOKEN is too short: use at least 32 random characters, e.g. the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`."
    )
METRICS_ALLOW = env_list("METRICS_ALLOW", ["127.0.0.1", "::1"])
if [entry.lower() for entry in METRICS_ALLOW] == ["none"]:
    METRICS_ALLOW = []
for _entry in METRICS_ALLOW:
    try:
        ip_network(_entry, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"METRICS_ALLOW lists {_entry!r}, which is not an address or a network; write e.g. "
            "127.0.0.1,::1,10.0.0.0/8 (or none, to require METRICS_TOKEN)."
        ) from None
# prometheus_client's own variable: several processes on one port write their figures there,
# and any of them answers for all. It must exist, empty, before they start.
METRICS_MULTIPROCESS_DIR = env_str("PROMETHEUS_MULTIPROC_DIR")
if METRICS_MULTIPROCESS_DIR and not (
    Path(METRICS_MULTIPROCESS_DIR).is_dir() and os.access(METRICS_MULTIPROCESS_DIR, os.W_OK)
):
    raise ImproperlyConfigured(
        f"PROMETHEUS_MULTIPROC_DIR={METRICS_MULTIPROCESS_DIR!r} is not a directory this user may "
        "write; create it (emptied at each start of the web processes), or unset it."
    )

# Errors to Sentry, when SENTRY_DSN is set and sentry-sdk installed (`confman[sentry]`); the SDK
# reads SENTRY_ENVIRONMENT and SENTRY_RELEASE itself. No personal data: no users, addresses,
# request bodies (registration forms) or local variables leave with an error.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    try:
        import sentry_sdk
        from sentry_sdk.utils import BadDsn
    except ImportError:
        raise ImproperlyConfigured(
            "SENTRY_DSN is set but sentry-sdk is not installed: install it with "
            "`pip install 'confman[sentry]'` (or 'sentry-sdk[django]>=2,<3'), or unset SENTRY_DSN."
        ) from None
    try:
        sentry_sdk.init(
            dsn=SENTRY_DSN,
            send_default_pii=False,
            max_request_body_size="never",
            include_local_variables=False,
        )
    except BadDsn as exc:
        raise ImproperlyConfigured(
            f"SENTRY_DSN is not a Sentry DSN ({exc}); copy it from the Sentry project's "
            "settings (Client Keys), e.g. https://KEY@o0.ingest.sentry.io/0."
        ) from None
