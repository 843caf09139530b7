"""Settings for the Tracker project.

Everything that differs between a laptop, CI and production comes from the
environment (django-environ). The defaults are for local use: an SQLite file
under ``var/`` and an embedded Celery broker on the filesystem. With ``DEBUG``
off the project refuses to start without a real ``SECRET_KEY`` and turns on
the HTTPS and cookie settings that ``manage.py check --deploy`` asks for.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A git-ignored .env file (written by `make demo`) supplies local defaults;
# variables already in the environment win. ENV_FILE="" reads none.
_env_file = env.str("ENV_FILE", default=str(BASE_DIR / ".env"))
if _env_file and Path(_env_file).is_file():
    env.read_env(_env_file, overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (generate one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105
elif not DEBUG and (SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("SECRET_KEY is not a real secret: use 50 or more random characters.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # third party
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "import_export",
    # ours
    "accounts",
    "treaties",
    "findings",
    "notifications",
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
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "tracker.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tracker" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "tracker.wsgi.application"

# --- Database -----------------------------------------------------------------
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/tracker; default SQLite.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'tracker.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)  # the default database file lives there (git-ignored)
    # The web app, the worker and beat share one file: wait for locks instead
    # of failing, and let readers run beside the single writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("kk", _("Kazakh")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django ships no Kazakh date formats; ours are in tracker/formats/kk/.
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Almaty")
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security ----------------------------------------------------------------------
# Off in DEBUG so the local demo works over plain HTTP; on by default otherwise.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Email -----------------------------------------------------------------------
# EMAIL_URL, e.g. smtp://user:password@mail.example.org:587 or consolemail://
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Tracker <tracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Absolute address of the site, used for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Celery --------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
else:
    # Embedded broker for the zero-setup demo: messages are files under var/.
    CELERY_BROKER_URL = "filesystem://"
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(VAR_DIR / "celery" / "processed"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- REST framework ---------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.APIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "tracker.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "tracker.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_USER", default="1000/hour"),
        "anon": env.str("API_THROTTLE_ANON", default="60/hour"),
        "submissions": env.str("API_THROTTLE_SUBMISSIONS", default="100/day"),
    },
    "EXCEPTION_HANDLER": "tracker.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Tracker API",
    "DESCRIPTION": (
        "Kazakhstan's human rights treaty obligations and the findings of monitoring "
        "reports, for NGO partners and staff."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `kind` or `status` with different choices: name each enum
    # after its choice set instead of letting drf-spectacular number the collisions.
    "ENUM_NAME_OVERRIDES": {
        "BodyKindEnum": "treaties.choices.BodyKind",
        "TreatyKindEnum": "treaties.choices.TreatyKind",
        "ParticipationStatusEnum": "treaties.choices.ParticipationStatus",
        "ConsentKindEnum": "treaties.choices.ConsentKind",
        "ComplaintsAcceptedEnum": "treaties.choices.ComplaintsAccepted",
        "ObligationKindEnum": "treaties.choices.ObligationKind",
        "ReportKindEnum": "findings.choices.ReportKind",
        "FindingKindEnum": "findings.choices.FindingKind",
        "PriorityEnum": "findings.choices.Priority",
        "StatusEnum": "findings.choices.Status",
        "AssessmentEnum": "findings.choices.Assessment",
        "StatePositionEnum": "findings.choices.StatePosition",
        "EvidenceKindEnum": "findings.choices.EvidenceKind",
        "VisibilityEnum": "findings.choices.Visibility",
        "ModerationEnum": "findings.choices.Moderation",
        "RoleEnum": "accounts.roles.Role",
    },
}

# --- Caches ---------------------------------------------------------------------------
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL and not env.bool("CACHE_LOCMEM", default=False)
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# History is read-only in the admin: a revert would write around the workflow services.
SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Domain settings ------------------------------------------------------------------
# Reviewer reminders: findings due within this many days are listed...
TRACKER_REMINDER_DUE_WITHIN_DAYS = env.int("TRACKER_REMINDER_DUE_WITHIN_DAYS", default=14)
# ...and reviews waiting longer than this many days.
TRACKER_REMINDER_REVIEW_WAITING_DAYS = env.int("TRACKER_REMINDER_REVIEW_WAITING_DAYS", default=7)
# Digests escalate findings overdue for more than this many days.
TRACKER_ESCALATION_OVERDUE_DAYS = env.int("TRACKER_ESCALATION_OVERDUE_DAYS", default=30)
# The API summary's counts are cached this many seconds (per audience, language and filters).
TRACKER_SUMMARY_CACHE_SECONDS = env.int("TRACKER_SUMMARY_CACHE_SECONDS", default=60)
# Reporting calendar thresholds (days before an obligation falls due).
TRACKER_DEADLINE_THRESHOLDS = [90, 30, 7]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
