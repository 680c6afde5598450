"""Settings shared by every environment. Environment variables override the embedded defaults."""
import json
import os
from pathlib import Path

import dj_database_url
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

# The development key; config/settings/production.py refuses it.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = False
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "*").split(",")

# Where outbound notifications say our resources live when no request is at hand.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:%s" % os.environ.get("PORT", "8000"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "oauth2_provider",
    "django_celery_beat",
    "django_fsm",
    "bss",
    "apps.parties",
    "apps.product_catalog",
    "apps.service_catalog",
    "apps.product_qualification",
    "apps.service_qualification",
    "apps.shopping_cart",
    "apps.product_ordering",
    "apps.product_inventory",
    "apps.service_ordering",
    "apps.service_inventory",
    "apps.network",
    "apps.reconciliation",
    "apps.fallout",
    "apps.console",
]

MIDDLEWARE = [
    "bss.observability.CorrelationIdMiddleware",
    "bss.observability.MetricsMiddleware",
    "bss.api.middleware.TMFRequestGuardMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
APPEND_SLASH = False

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
                "apps.console.access.console_settings",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:54329/bss"),
        conn_max_age=60,
        conn_health_checks=True,
    )
}
# Parameters bound by the server, and a statement prepared once per connection from its Nth run on (ADR 0010):
# PostgreSQL parses and plans the order flow's repeated statements once per connection, not at every call.
# BSS_DB_PREPARE_THRESHOLD=off turns preparing off (a PgBouncer in transaction mode older than 1.21).
_prepare_threshold = os.environ.get("BSS_DB_PREPARE_THRESHOLD", "1")
DATABASES["default"].setdefault("OPTIONS", {}).update(
    server_side_binding=True,
    prepare_threshold=None if _prepare_threshold == "off" else int(_prepare_threshold),
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:63799/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "bss",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

AUTH_PASSWORD_VALIDATORS = []
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
LOGIN_URL = "/admin/login/"

# A TMF request body larger than this is refused with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024

# --- REST framework: every TMF API goes through the kit in bss/api ---
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oauth2_provider.contrib.rest_framework.OAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["bss.api.permissions.TMFScopePermission"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "bss.api.parsers.MergePatchJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "bss.api.pagination.TMFPagination",
    "DEFAULT_FILTER_BACKENDS": ["bss.api.filters.TMFFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["bss.api.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": os.environ.get("BSS_CLIENT_RATE", "6000/min")},
    "EXCEPTION_HANDLER": "bss.api.errors.tmf_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "bss.api.schema.TMFAutoSchema",
    "UNAUTHENTICATED_USER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "BSS TMF Open APIs",
    "VERSION": "4",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "DISABLE_ERRORS_AND_WARNINGS": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "bss.api.schema.relax_response_required",
        "bss.api.schema.add_create_links",
    ],
}

# --- OAuth2: client credentials for channels and partners; scopes per TMF API ---
OAUTH2_PROVIDER = {
    "SCOPES_BACKEND_CLASS": "bss.auth.ClientScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
}

# --- Celery ---
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in ("orders", "activation", "notifications", "reconcile", "default")]
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes the DB connection around every task unless told to reuse it: a new PostgreSQL backend per task
# (fork, auth, set_config) was a tenth of the statements of an order. Reused for this many tasks, then renewed;
# Django still drops a connection that broke (CONN_HEALTH_CHECKS).
CELERY_DB_REUSE_MAX = int(os.environ.get("CELERY_DB_REUSE_MAX", "200"))
# Time limits of critical tasks stay well below this, so a task is never redelivered while it still runs.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_timeout": 2, "socket_connect_timeout": 2}
# Publishing must not hang a request when Redis is down: the outbox sweeper re-dispatches later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Schedules are declared in code (apps add theirs to this dict in their AppConfig.ready).
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "bss.tasks.outbox_sweep_task", "schedule": 5.0},
}

# --- Logging: JSON lines with the correlation id ---
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"correlation": {"()": "bss.observability.CorrelationIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(correlation_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["correlation"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Per-task INFO lines (every sweep, every delivery) drown the rest; task outcomes are in /metrics.
    "loggers": {"django.server": {"level": "WARNING"}, "celery": {"level": "INFO"},
                "celery.app.trace": {"level": "WARNING"}, "celery.worker.strategy": {"level": "WARNING"},
                "celery.beat": {"level": "WARNING"}},
}

# Outbound HTTP (hub callbacks): (connect, read) seconds.
BSS_HTTP_TIMEOUT = (2.0, 5.0)
BSS_HUB_MAX_ATTEMPTS = int(os.environ.get("BSS_HUB_MAX_ATTEMPTS", "8"))
BSS_HUB_BACKOFF_BASE = float(os.environ.get("BSS_HUB_BACKOFF_BASE", "2.0"))
# A platform's asynchronous completion (the callback of the access controller and other async platforms) may hold
# its worker on a lock or a stuck disk at most this long: the statement is cancelled, the handler's transaction rolls
# back whole and the completion's delivery is retried with backoff (bss.events), like any transient failure.
BSS_CALLBACK_STATEMENT_TIMEOUT_MS = int(os.environ.get("BSS_CALLBACK_STATEMENT_TIMEOUT_MS", "5000"))
# Hub callbacks to loopback, link-local or cloud metadata addresses are refused (SSRF) unless this is on
# (local and test settings, whose listeners run on 127.0.0.1).
BSS_HUB_ALLOW_LOCAL_CALLBACKS = os.environ.get("BSS_HUB_ALLOW_LOCAL_CALLBACKS", "0") == "1"
# What a degraded service (TMF638 operatingStatus) does to the TMF637 product it realises, per service family
# (docs/activation.md, "Product status follows service health"): "active" keeps the product active with a
# serviceHealth characteristic; "suspended" also suspends it until the service is healthy again. A JSON object
# in the environment; families it does not name keep "active".
BSS_PRODUCT_STATUS_ON_DEGRADED = json.loads(os.environ.get("BSS_PRODUCT_STATUS_ON_DEGRADED") or "{}")
# A task runs the follow-up work its commit created (next activation step, handlers of its events) itself
# instead of publishing a task per unit (bss/jobs.py). "0" publishes every unit to its queue instead, for
# deployments that give each queue its own workers.
BSS_CONTINUE_IN_TASK = os.environ.get("BSS_CONTINUE_IN_TASK", "1") == "1"
# The console's network simulator page and `network_sim`'s fault, drift and capacity commands: test and demo
# environments only.
BSS_SIMULATOR_CONTROLS = os.environ.get("BSS_SIMULATOR_CONTROLS", "0") == "1"
# The demo's well-known access: the admin user (password admin unless BSS_ADMIN_PASSWORD) and the demo-channel and
# conformance-lab API clients, created by `seed_demo`. Off in production unless asked for (BSS_DEMO_ACCESS=1).
BSS_DEMO_ACCESS = os.environ.get("BSS_DEMO_ACCESS", "1") == "1"

# TMF APIs served (each has a read and a write scope). Apps append as they land.
BSS_TMF_APIS = ["tmf620", "tmf622", "tmf633", "tmf637", "tmf638", "tmf641", "tmf645", "tmf663", "tmf679"]
OAUTH2_PROVIDER["SCOPES_BACKEND_CLASS"] = "apps.parties.auth.ClientScopes"
# How the API kit finds the channel/partner behind a request (bss imports no app, so it is named here).
BSS_CALLER_PARTY_RESOLVER = "apps.parties.selectors.party_for_request"
# django-oauth-toolkit's swappable models, named so migrations can depend on them.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
