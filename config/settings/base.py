"""Settings shared by every environment; everything that differs comes from the environment."""

import datetime as dt
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "bureaus",
    "core",
    "institutions",
    "complaints",
    "inspections",
    "documents",
    "funds",
    "courses",
    "reports",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bureaus.middleware.RequestIdMiddleware",
    "bureaus.security.SecurityHeadersMiddleware",
    "bureaus.security.ControlCharacterMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bureaus.security.SessionLimitsMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "bureaus.middleware.ActingMembershipMiddleware",
    "portal.middleware.PortalAccountMiddleware",
    "bureaus.security.AdministratorGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: refuses a locked account or address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "bureaus.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

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
                "bureaus.context_processors.acting",
            ],
        },
    },
]

# PostgreSQL only: there is no SQLite path.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default="postgres://jianguan@127.0.0.1:55432/jianguan"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Django's PostgreSQL backend whose health check looks at the socket before asking the server
# (one round trip fewer per request; bureaus/db/base.py).
DATABASES["default"]["ENGINE"] = "bureaus.db"
# PostgreSQL's JIT spent 255 of 320 ms compiling a two-character public search (issue 11):
# off for the application's connections unless JIANGUAN_PG_JIT turns it back on.
if not env.bool("JIANGUAN_PG_JIT", default=False):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The role the application connects as: it owns no table, so row-level security applies to it
# (docs/security-database.md). `migrate`, run as the owner, grants it DML on every table.
DATABASE_APP_ROLE = env("JIANGUAN_DB_APP_ROLE", default="jianguan_app")
# A NOLOGIN BYPASSRLS role granted to it, taken (SET ROLE) inside rls.platform_access only.
DATABASE_PLATFORM_ROLE = env("JIANGUAN_DB_PLATFORM_ROLE", default="jianguan_platform")

# seed_demo loads demo accounts with a published password: development and tests only.
ALLOW_DEMO_DATA = False
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:56379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "jianguan",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}
# Sessions are kept in PostgreSQL and read through Redis (a request reads its session from
# the cache, not with a query; sign-out and expiry clear both; ended sessions are refused by
# SessionLimitsMiddleware from the account's `sessions_ended_at`, whatever the store holds).
# bureaus.sessions: Django's cached_db, with the user's kept memberships in the same round trip.
SESSION_ENGINE = "bureaus.sessions"
# 等保2.0 level 3: automatic sign-out after SESSION_IDLE_TIMEOUT seconds without a request and
# SESSION_ABSOLUTE_LIFETIME after sign-in, both checked server-side (bureaus.security); the
# session row and cookie are renewed when the last-seen time is written (once a minute).
SESSION_IDLE_TIMEOUT = env.int("JIANGUAN_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_ABSOLUTE_LIFETIME = env.int("JIANGUAN_SESSION_MAX_HOURS", default=12) * 3600
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "bureaus.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
# 等保: administrators (三权分立 roles) change their password at least this often.
PASSWORD_MAX_AGE_DAYS_ADMIN = env.int("JIANGUAN_ADMIN_PASSWORD_MAX_AGE_DAYS", default=180)

# Sign-in lockout (django-axes): 5 failures of one account within 15 minutes lock it for 15
# minutes, whoever tries; failures expire after the same window.
AXES_FAILURE_LIMIT = env.int("JIANGUAN_LOCKOUT_FAILURES", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("JIANGUAN_LOCKOUT_MINUTES", default=15))
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_LOCKOUT_CALLABLE = "bureaus.signin.locked_out"
AXES_CLIENT_IP_CALLABLE = "bureaus.acting.client_ip"
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Per-address throttle, in front of the per-account lockout: failed sign-ins from one address
# (an office behind one NAT address shares it, hence the larger figure).
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("JIANGUAN_LOGIN_ADDRESS_FAILURES", default=30)
# axes.W006 asks for the address among the lockout parameters; the address is throttled by
# bureaus.signin with its own, larger limit (one office shares one address), not by axes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# API tokens: issued at /api/v1/auth/token/, expire after this many hours, revocable.
API_TOKEN_HOURS = env.int("JIANGUAN_API_TOKEN_HOURS", default=12)

# Django's /admin/ is for the platform operator (superusers) only; off unless enabled.
ADMIN_SITE_ENABLED = env.bool("JIANGUAN_ADMIN_SITE", default=True)

# Second factor (TOTP): required for the 三权分立 administrator roles, open to everyone.
OTP_TOTP_ISSUER = "Jianguan"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(BASE_DIR / "var" / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live here but are never served by URL: only through views that check access.
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "bureaus.api.authentication.ExpiringTokenAuthentication",
    ],
    # JSON only: no content negotiation against the browsable API's HTML on every request
    # (issue 11); the API's documentation is /api/docs/. DRF's JSON, encoded by orjson.
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.FastJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "bureaus.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"token": env("JIANGUAN_TOKEN_RATE", default="10/minute")},
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "bureaus.paging.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jianguan API",
    "DESCRIPTION": "监管: supervision of off-campus tutoring institutions.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models nest a `Status` / `Category`; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "InstitutionCategoryEnum": "institutions.models.Institution.Category",
        "InstitutionStatusEnum": "institutions.models.Institution.Status",
        "ComplaintCategoryEnum": "complaints.models.Complaint.Category",
        "ComplaintStatusEnum": "complaints.models.Complaint.Status",
        "SupervisionOrderStatusEnum": "complaints.models.SupervisionOrder.Status",
        "RewardStatusEnum": "complaints.models.Reward.Status",
        "RefundDisputeStatusEnum": "complaints.models.RefundDispute.Status",
        # One department enum for the registry and the partner departments (issue 8 item 3).
        "DepartmentKindEnum": "bureaus.models.Department.Kind",
        "ComplaintOutcomeEnum": "complaints.models.Complaint.Outcome",
        "CampaignKindEnum": "inspections.models.Campaign.Kind",
        "InspectionStatusEnum": "inspections.models.Inspection.Status",
        "InspectionOutcomeEnum": "inspections.models.Inspection.Outcome",
        "FindingResultEnum": "inspections.models.Finding.Result",
        "RectificationNoticeStatusEnum": "inspections.models.RectificationNotice.Status",
        "CourseDeliveryEnum": "courses.models.Course.Delivery",
        "CourseStatusEnum": "courses.models.Course.Status",
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A Redis-delivered task whose worker died is given to another worker after this long: longer
# than the longest job (a 20 MB import, a long report), or a slow job would run twice at once.
_VISIBILITY_TIMEOUT = env.int("JIANGUAN_CELERY_VISIBILITY_TIMEOUT", default=2 * 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY_TIMEOUT,
    # kombu looks for such tasks every interval × throttle seconds (10 × 10 by default): with a
    # short timeout, as often as the timeout itself, so redelivery is not 100 s late.
    "unacked_restore_interval": max(1, min(10, _VISIBILITY_TIMEOUT)),
    "unacked_restore_throttle": max(1, min(10, _VISIBILITY_TIMEOUT // 10)),
}
# Queues /healthz reports, and the backlog that shows as a problem on the administrator's home.
# The queue of long jobs (config/celery_app.py routes them); quick ones use "celery".
CELERY_LONG_QUEUE = env("JIANGUAN_LONG_QUEUE", default="long")
CELERY_QUEUES_WATCHED = [
    "celery",
    CELERY_LONG_QUEUE,
    *env.list("JIANGUAN_EXTRA_QUEUES", default=[]),
]
CELERY_QUEUE_ALARM_LENGTH = env.int("JIANGUAN_QUEUE_ALARM_LENGTH", default=500)
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "bureaus.tasks.heartbeat", "schedule": 60.0},
    "audit-seal-days": {
        "task": "bureaus.tasks.audit_seal_days",
        "schedule": crontab(hour=0, minute=30),
    },
    # institutions/: flag licences expiring within 60 days and those expired.
    "institution-credentials-flag-expiry": {
        "task": "institutions.tasks.credentials_flag_expiry",
        "schedule": crontab(hour=1, minute=10),
    },
    # complaints/: overdue tip-offs and supervision orders, expired rewards (idempotent).
    "complaints-mark-overdue": {
        "task": "complaints.tasks.complaints_mark_overdue",
        "schedule": crontab(minute=5),
    },
    # funds/: nightly reconciliation of balances against the ledger (mismatches are alerts).
    "funds-reconcile": {
        "task": "funds.tasks.funds_reconcile",
        "schedule": crontab(hour=2, minute=20),
    },
    # funds/: warnings, deemed confirmations and deemed refunds (idempotent).
    "funds-periodic": {
        "task": "funds.tasks.funds_periodic",
        "schedule": crontab(minute=15),
    },
    # courses/: the rules over every accepted course's sessions (idempotent).
    "courses-nightly": {
        "task": "courses.tasks.courses_check",
        "schedule": crontab(hour=1, minute=40),
    },
    # inspections/: remind, mark overdue and escalate rectification notices (idempotent).
    "inspections-chase-notices": {
        "task": "inspections.tasks.notices_chase",
        "schedule": crontab(hour=6, minute=15),
    },
    # inspections/: figures and warnings re-derived for what their writes cannot see (an
    # institution moved to another street); idempotent.
    "inspections-rebuild-figures": {
        "task": "inspections.tasks.figures_and_warnings_rebuild",
        "schedule": crontab(hour=3, minute=5),
    },
    # reports/: every district's due progress reports, issued once each (seed 002 §四).
    "reports-generate-due": {
        "task": "reports.tasks.reports_generate_due",
        "schedule": crontab(minute=40),
    },
}

# Limits of what the public and staff may send.
INSTITUTION_IMPORT_MAX_BYTES = env.int("JIANGUAN_IMPORT_MAX_MB", default=20) * 1024 * 1024
COMPLAINT_UPLOAD_MAX_BYTES = env.int("JIANGUAN_UPLOAD_MAX_MB", default=10) * 1024 * 1024
# funds/: bank statements (issue 14: 1,000,000 lines). A CSV is streamed (never held in memory
# whole: uploads over FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file); an .xlsx is read
# whole, so it keeps the 20 MB of other imports.
STATEMENT_IMPORT_MAX_BYTES = env.int("JIANGUAN_STATEMENT_MAX_MB", default=200) * 1024 * 1024
STATEMENT_XLSX_MAX_BYTES = 20 * 1024 * 1024
# inspections/: evidence photos are kept as taken; checked by content and pixel count.
INSPECTION_PHOTO_MAX_BYTES = env.int("JIANGUAN_PHOTO_MAX_MB", default=15) * 1024 * 1024
INSPECTION_PHOTO_MAX_PIXELS = 50_000_000
COMPLAINT_SUBMIT_RATE_PER_MINUTE = env.int("JIANGUAN_TIPOFF_RATE_PER_MINUTE", default=5)
# Every upload (core.uploads): a photo's pixels are counted before decoding (a 10,000 × 10,000
# PNG of 284 KB decodes to 1.5 GB); an .xlsx is unpacked with a cap; long PDFs are refused.
UPLOAD_MAX_IMAGE_PIXELS = env.int("JIANGUAN_UPLOAD_MAX_MEGAPIXELS", default=50) * 1_000_000
UPLOAD_PDF_MAX_PAGES = env.int("JIANGUAN_UPLOAD_PDF_MAX_PAGES", default=300)
UPLOAD_ZIP_MAX_ENTRIES = 1000
UPLOAD_ZIP_MAX_UNPACKED_BYTES = env.int("JIANGUAN_UPLOAD_XLSX_MAX_UNPACKED_MB", default=400) * (
    1024 * 1024
)
# Public registry searches accepted per address per minute (bureaus.ratelimit).
PUBLIC_SEARCH_RATE_PER_MINUTE = env.int("JIANGUAN_SEARCH_RATE_PER_MINUTE", default=60)

# Audit trail: kept at least six months (网络安全法 第二十一条); the daily seal job checks it.
AUDIT_RETENTION_DAYS = env.int("JIANGUAN_AUDIT_RETENTION_DAYS", default=183)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "bureaus.log.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# documents/: the address printed (as a QR code) on every issued document for its verification
# page, e.g. https://jianguan.example.gov.cn (empty: the address of the request that issued it).
DOCUMENTS_PUBLIC_URL = env("JIANGUAN_PUBLIC_URL", default="")

# Personal data at rest (bureaus.crypto): set JIANGUAN_FIELD_ENCRYPTION_KEY in production and
# keep it with the database backups; losing it loses the encrypted fields.
FIELD_ENCRYPTION_KEY = env("JIANGUAN_FIELD_ENCRYPTION_KEY", default="")

# reports/: the roll-ups' summary table, refreshed every 15 minutes (incrementally); district
# staff and superiors land on their dashboard / roll-up (bureaus.views.home redirects by URL
# name, so bureaus never imports reports).
CELERY_BEAT_SCHEDULE["reports-refresh-summaries"] = {
    "task": "reports.tasks.summaries_refresh",
    "schedule": crontab(minute="*/15"),
}
HOME_DASHBOARD_URL = "reports:dashboard"
# Dashboards, roll-ups and reports read from a PostgreSQL streaming replica when one is
# configured (reports.routers, docs/read-replica.md); writes always go to the primary.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "ENGINE": DATABASES["default"]["ENGINE"],
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {})),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["reports.routers.ReplicaRouter"]
