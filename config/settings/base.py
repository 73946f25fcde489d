"""Settings shared by every environment; everything that differs comes from the environment."""

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
    "bureaus",
    "core",
    "institutions",
    "complaints",
    "inspections",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bureaus.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bureaus.middleware.ActingMembershipMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:56379/0")
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "jianguan",
        "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "EXCEPTION_HANDLER": "core.errors.api_exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
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
CELERY_BEAT_SCHEDULE = {
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
    # inspections/: remind, mark overdue and escalate rectification notices (idempotent).
    "inspections-chase-notices": {
        "task": "inspections.tasks.notices_chase",
        "schedule": crontab(hour=6, minute=15),
    },
}

# Limits of what the public and staff may send.
INSTITUTION_IMPORT_MAX_BYTES = env.int("JIANGUAN_IMPORT_MAX_MB", default=20) * 1024 * 1024
# A queue of their own lets survey imports run on dedicated workers (None: the default queue).
INSTITUTION_IMPORT_QUEUE = env("JIANGUAN_IMPORT_QUEUE", default=None)
COMPLAINT_UPLOAD_MAX_BYTES = env.int("JIANGUAN_UPLOAD_MAX_MB", default=10) * 1024 * 1024
# inspections/: evidence photos are kept as taken; checked by content and pixel count.
INSPECTION_PHOTO_MAX_BYTES = env.int("JIANGUAN_PHOTO_MAX_MB", default=15) * 1024 * 1024
INSPECTION_PHOTO_MAX_PIXELS = 50_000_000
COMPLAINT_SUBMIT_RATE_PER_MINUTE = env.int("JIANGUAN_TIPOFF_RATE_PER_MINUTE", default=5)

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
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Personal data at rest (bureaus.crypto): set JIANGUAN_FIELD_ENCRYPTION_KEY in production and
# keep it with the database backups; losing it loses the encrypted fields.
FIELD_ENCRYPTION_KEY = env("JIANGUAN_FIELD_ENCRYPTION_KEY", default="")
