"""FundGuard settings, read from the environment.

Two modes (``FUNDGUARD_ENV``):

* ``embedded`` (default): SQLite under ``var/``, a secret key generated once into ``var/``,
  console e-mail. One command sets it up (``make demo``).
* ``production``: every secret comes from the environment; missing ones stop start-up.
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = os.environ.get("FUNDGUARD_ENV", "embedded")
if ENVIRONMENT not in {"embedded", "production"}:
    raise ImproperlyConfigured("FUNDGUARD_ENV must be 'embedded' or 'production'")
IS_PRODUCTION = ENVIRONMENT == "production"
VAR_DIR = Path(os.environ.get("FUNDGUARD_VAR_DIR", Path.cwd() / "var")).resolve()


def _embedded_secret(name: str) -> str:
    """Return a secret kept in ``var/`` for the embedded mode, creating it on first use."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def _required(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when FUNDGUARD_ENV=production")
    return value


SECRET_KEY = (
    _required("SECRET_KEY")
    if IS_PRODUCTION
    else os.environ.get("SECRET_KEY") or _embedded_secret("secret_key")
)


def _embedded_key(name: str, with_id: bool) -> str:
    """A 32-byte key (base64) kept in ``var/`` for the embedded mode, created on first use.

    ``with_id`` writes it as a one-key ring ``k<date>:<base64>`` for FUNDGUARD_DATA_KEYS.
    """
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / name
    if not path.exists():
        key = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        stamp = datetime.now(UTC).strftime("k%Y%m%d")
        path.write_text(f"{stamp}:{key}" if with_id else key)
        path.chmod(0o600)
    return path.read_text().strip()


# Personal data (docs/customers.md): master keys wrapping each customer's data key, newest
# first; and the separate HMAC key of the blind indexes. Both required in production.
FUNDGUARD_DATA_KEYS = (
    _required("FUNDGUARD_DATA_KEYS")
    if IS_PRODUCTION
    else os.environ.get("FUNDGUARD_DATA_KEYS") or _embedded_key("data_keys", with_id=True)
)
FUNDGUARD_BLIND_INDEX_KEY = (
    _required("FUNDGUARD_BLIND_INDEX_KEY")
    if IS_PRODUCTION
    else os.environ.get("FUNDGUARD_BLIND_INDEX_KEY")
    or _embedded_key("blind_index_key", with_id=False)
)
DEBUG = os.environ.get("FUNDGUARD_DEBUG", "") == "1" and not IS_PRODUCTION
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "ALLOWED_HOSTS", "" if IS_PRODUCTION else "127.0.0.1,localhost,testserver"
    ).split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",
    "fundguard.core",
    "fundguard.audit",
    "fundguard.ledger",
    "fundguard.customers",
    "fundguard.notifications",
    "fundguard.payments",
    "fundguard.transfers",
    "fundguard.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fundguard.core.request_context.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fundguard.urls"
WSGI_APPLICATION = "fundguard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fundguard.console.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'fundguard.sqlite3'}"
if DATABASE_URL.startswith("sqlite") and not IS_PRODUCTION:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: every transaction takes the write lock at BEGIN, so writers queue up
    # instead of failing half-way with "database is locked" (see docs/decisions).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file (not memory) so that subprocesses in tests can open it; one per test run.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication -------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "fundguard.core.auth.NormalizedUsernameBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "console:signin"
LOGIN_REDIRECT_URL = "console:dashboard"

AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "fundguard.core.auth.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fundguard.console.views.auth.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ADMIN = False

OTP_TOTP_ISSUER = "FundGuard"
STAFF_IDLE_TIMEOUT_SECONDS = 15 * 60
SESSION_COOKIE_AGE = STAFF_IDLE_TIMEOUT_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("FUNDGUARD_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The embedded mode serves assets straight from the apps; production runs collectstatic.
WHITENOISE_USE_FINDERS = not IS_PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if IS_PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Security headers -----------------------------------------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fundguard@localhost")

# --- Background tasks -----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Audit ----------------------------------------------------------------------------------
# A checkpoint (sequence number and hash) is kept every N records so that a truncated tail
# is detected even if the chain head is rewritten.
AUDIT_CHECKPOINT_INTERVAL = int(os.environ.get("FUNDGUARD_AUDIT_CHECKPOINT_INTERVAL", "100"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FUNDGUARD_LOG_LEVEL", "WARNING")},
}

# Lockout counts failures per (normalized) username, as the sign-in policy asks; locking
# whole IP addresses would let one typist behind a shared NAT lock out an office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
