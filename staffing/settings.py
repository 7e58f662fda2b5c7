"""Nakadachi settings: one file, read from the environment.

With no environment at all the portal runs embedded: SQLite under ``var/`` and Celery tasks
executed in process. ``DATABASE_URL`` switches to PostgreSQL, ``REDIS_URL`` to a real broker.
Every variable is listed in ``.env.example``.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false/1/0), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    raw = os.environ.get(name) or default
    try:
        config = dj_database_url.parse(raw, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if not config.get("ENGINE") or not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {raw!r}")
    return config


def env_redis_url(name: str) -> str:
    raw = os.environ.get(name, "")
    if raw and not raw.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"{name} must start with redis://, rediss:// or unix://")
    return raw


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
# Production is a deployment that brings its own secret key with DEBUG off; the embedded mode
# (no environment at all) serves plain HTTP on 127.0.0.1 and must not redirect to HTTPS.
PRODUCTION = bool(SECRET_KEY) and not DEBUG
if not SECRET_KEY:
    # Embedded mode only: a fixed development key keeps sessions valid across restarts.
    SECRET_KEY = "insecure-embedded-only-" + "nakadachi-development-key-change-me-0123456789"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "staffing",
    "registrants",
    "jobs",
    "coordinators",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "staffing.urls"
WSGI_APPLICATION = "staffing.wsgi.application"
ASGI_APPLICATION = "staffing.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "staffing.context_processors.portal",
            ],
        },
    },
]

VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'nakadachi.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "staffing.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staffing:login"
LOGIN_REDIRECT_URL = "staffing:home"
LOGOUT_REDIRECT_URL = "staffing:home"

# Login lockout: failures are counted per (account, address) pair, so one person's typos behind
# an office's shared address never lock out colleagues, and guessing one account from many
# addresses is still slowed per address.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0)
AXES_VERBOSE = False

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 512 * 1024 * 1024)  # import_data/import_csv limit
# Outside production, static files are served straight from the source folders (no collectstatic).
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    # WhiteNoise warns when STATIC_ROOT is missing, even though it serves from the finders here.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_AUTOREFRESH = DEBUG

# Mail goes through Django's mail framework, so any provider's backend can be configured.
EMAIL_BACKEND_PATH = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
_MAIL_OPTIONS: dict = {}
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _MAIL_OPTIONS = {
        "host": env_str("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": env_str("EMAIL_HOST_USER"),
        "password": env_str("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
    }
elif EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    _MAIL_OPTIONS = {"file_path": env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _MAIL_OPTIONS}}
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Nakadachi <noreply@nakadachi.example>")

# Celery: a real broker when REDIS_URL is set, otherwise tasks run in process.
REDIS_URL = env_redis_url("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "nakadachi")
# A broker that is down must not hang a web request: publishing fails within a second and the
# outbox sweep delivers later. The result backend is Redis too, and queuing a task that keeps its
# result subscribes to it first: without the short retry policy below that alone stalls a
# request for about 20 seconds when Redis is down.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # An unacknowledged message (worker killed) comes back after this long; the outbox sweep
    # does not wait for it. Must stay longer than any task runs.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "socket_connect_timeout": 2,
    "socket_timeout": 10,
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
# Database connections in workers live as long as in web processes (see staffing/tasks.py).
CELERY_DB_REUSE_MAX = 1_000_000

# The outbox: an e-mail queued but not sent within the grace period is queued again by the sweep.
OUTBOX_GRACE_SECONDS = env_int("OUTBOX_GRACE_SECONDS", 120)
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 60)
# What each entry does is in docs/operations.md. Times are Asia/Tokyo (CELERY_TIMEZONE).
CELERY_BEAT_SCHEDULE: dict = {
    "sweep-outbox": {
        "task": "staffing.tasks.task_sweep_outbox",
        "schedule": float(OUTBOX_SWEEP_SECONDS),
    },
    "recompute-matches-nightly": {
        "task": "jobs.tasks.task_recompute_all",
        "schedule": crontab(hour=3, minute=0),
    },
    "job-alerts-immediate": {
        "task": "registrants.tasks.task_send_job_alerts",
        "schedule": 600.0,
        "kwargs": {"frequency": "immediate"},
    },
    "job-alerts-daily": {
        "task": "registrants.tasks.task_send_job_alerts",
        "schedule": crontab(hour=7, minute=0),
        "kwargs": {"frequency": "daily"},
    },
    "job-alerts-weekly": {
        "task": "registrants.tasks.task_send_job_alerts",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "kwargs": {"frequency": "weekly"},
    },
    "remind-assignment-endings": {
        "task": "staffing.tasks.task_remind_assignment_endings",
        "schedule": crontab(hour=9, minute=0),
    },
    "remind-conflict-dates": {
        "task": "staffing.tasks.task_remind_conflict_dates",
        "schedule": crontab(hour=9, minute=10),
    },
    "remind-overdue-steps": {
        "task": "staffing.tasks.task_remind_overdue_steps",
        "schedule": crontab(hour=9, minute=20, day_of_week="mon-fri"),
    },
}

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Production hardening, on by default in production (see PRODUCTION above).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
