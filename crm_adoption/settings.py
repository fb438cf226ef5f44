"""Settings for the CRM adoption tracker.

Everything comes from the environment. With nothing set the project runs on the embedded
default: a SQLite file and Celery tasks executed in-process, so `make run` needs no services.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A development key only when DEBUG is on; production must provide SECRET_KEY or fail fast.
SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production" if DEBUG else None)
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for a development key).")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address, for links in e-mails (digests) sent outside a request.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "apps.core",
    "apps.roles",
    "apps.usage",
    "apps.identities",
    "rest_framework_api_key",
    "apps.integrations",
    "apps.activities",
    "apps.givegets",
    "apps.quickwins",
    "apps.rollout",
    "apps.pulse",
    "apps.suggestions",
    "apps.scoring",
    "apps.trust",
    "apps.digests",
    "apps.imports",
    "apps.campaigns",
    "apps.coaching",
    "apps.ambassadors",
    "apps.service",
    "apps.dashboards",
    "apps.demo",
    "apps.people",
    "apps.adoption",
    "auditlog",
    "axes",
]
# The audit trail's entries carry their organisation (apps/trust/audit.py).
AUDITLOG_LOGENTRY_MODEL = "trust.AuditEntry"
# A changed link is recorded by the name it pointed to then (a role, a team), as people read it.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True
# django-auditlog's own migrations create a table for its swapped-out LogEntry that nothing uses
# (and that blocks flushing the users table on PostgreSQL); with the model swapped it needs none.
MIGRATION_MODULES = {"auditlog": None}
# Days raw usage events are kept (0: kept; at least 400 when set). Aggregates are always kept.
USAGE_EVENT_RETENTION_DAYS = env.int("USAGE_EVENT_RETENTION_DAYS", default=0)

MIDDLEWARE = [
    # Every request's logs carry its id, returned in X-Request-ID.
    "apps.core.log.RequestIdMiddleware",
    # /healthz answers before host checks and the HTTPS redirect (probes use the bare address).
    "apps.core.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "auditlog.middleware.AuditlogMiddleware",  # the signed-in user is the actor of audited changes
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it can turn a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm_adoption.urls"

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
                "apps.roles.context_processors.viewer_role",
                "apps.roles.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "crm_adoption.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process, the embedded worker and beat share one SQLite file: WAL lets readers
    # run beside the writer, IMMEDIATE transactions queue writers instead of failing on upgrade,
    # and the timeout lets a writer wait for another's commit.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # An unreachable server fails in seconds (health check, requests) instead of hanging.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    # Overridable so that two test runs on one server (or a run beside a benchmark) never collide.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env("TEST_DATABASE_NAME", default="test_crm_adoption")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
# The lockout check comes first (apps/core/authentication.py), then the ordinary password check.
AUTHENTICATION_BACKENDS = [
    "apps.core.authentication.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("da", _("Danish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

EMAIL_BACKEND = env(
    "EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="crm-adoption@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        # Basic auth counts failures towards the login lockout, like the form.
        "apps.core.authentication.LockoutBasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # DRF's defaults, with a JSON parser that answers 400 (not 500) for absurdly deep nesting.
    "DEFAULT_PARSER_CLASSES": [
        "apps.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "apps.core.exception_handler.application_exception_handler",
    # Every API view is limited per person (signed in) or per address (anonymous), counted in the
    # cache (Redis when REDIS_URL is set, so all web processes share one count); over the rate is a
    # 429 with Retry-After. Requests with an integration key are limited per key instead
    # (apps/integrations/auth.py). Rates are "<n>/second|minute|hour|day", overridable by env.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_RATE", default="60/minute"),
        "user": env("API_USER_RATE", default="1200/minute"),
        "integration_key": env("INTEGRATION_KEY_RATE", default="600/minute"),
    },
    # The anonymous address: REMOTE_ADDR, or with proxies the one the outermost proxy appended
    # (as for the login lockout); never a client's own X-Forwarded-For, which would reset its count.
    "NUM_PROXIES": env.int("TRUSTED_PROXY_COUNT", default=0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRM adoption tracker API",
    "DESCRIPTION": "Usage events in, Net Beneficiary scores out.",
    "VERSION": "1.0.0",
    # Serve Swagger UI from our own static files: no CDN, works offline and behind firewalls.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The schema and docs describe the API to people who may use it, not to the internet.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "apps.core.schema.document_error_responses",
    ],
}

# --- Celery -------------------------------------------------------------------------------
# Without REDIS_URL the embedded default runs every task in-process (eager), so the product
# works on a laptop with no broker. With REDIS_URL, tasks go to Redis and real workers.
REDIS_URL = env("REDIS_URL", default="")
# The cache holds rate-limit counters (integration keys); shared in Redis when there is one.
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }}
# `make run` without Redis still runs the production worker and beat schedule: with
# EMBEDDED_WORKER=true tasks travel through kombu's filesystem transport (files in
# CELERY_EMBEDDED_DIR), so weeks close, digests are built and gates are evaluated on a laptop.
EMBEDDED_WORKER = env.bool("EMBEDDED_WORKER", default=False) and not REDIS_URL
CELERY_EMBEDDED_DIR = Path(env("CELERY_EMBEDDED_DIR", default=str(BASE_DIR / ".celery")))
CELERY_BROKER_URL = REDIS_URL or ("filesystem://" if EMBEDDED_WORKER else "memory://localhost/")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or EMBEDDED_WORKER)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
# Matched to the longest task (time limit 15 min): a killed worker's task is redelivered
# after 20 minutes, not 2 hours.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {"visibility_timeout": 20 * 60}
if EMBEDDED_WORKER:
    for folder in ("queue", "processed"):
        (CELERY_EMBEDDED_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_EMBEDDED_DIR / "queue"),
        "data_folder_out": str(CELERY_EMBEDDED_DIR / "queue"),
        "processed_folder": str(CELERY_EMBEDDED_DIR / "processed"),
        "store_processed": False,
    }
    # The filesystem transport has no broadcast: no remote control, no events.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
    CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ROUTES = {
    "apps.imports.tasks.*": {"queue": env("CELERY_IMPORTS_QUEUE", default=CELERY_TASK_DEFAULT_QUEUE)},
}
CELERY_BEAT_SCHEDULE_FILENAME = env("CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "celerybeat-schedule"))

# Every periodic job lives here, each with why and when. Crontabs (not intervals) so a beat
# restart does not shift the schedule; each entry expires before its next run so a backlog
# after an outage does not run the same job many times.
CELERY_BEAT_SCHEDULE = {
    # Every minute: drain the refresh marks the usage log writes with its events, so work
    # enqueued while the broker was down (or lost with a worker) reaches the scores anyway.
    "drain-refresh-marks": {
        "task": "apps.usage.tasks.drain_refresh_marks",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    # Every 5 minutes: imported history older than the refresh horizon is scored (see HistoryBackfill).
    "backfill-score-history": {
        "task": "apps.scoring.tasks.backfill_score_history",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # Monday 00:15: freeze last week's snapshots so trends and gates read settled figures.
    "close-score-period": {
        "task": "apps.scoring.tasks.close_previous_period",
        "schedule": crontab(minute=15, hour=0, day_of_week="mon"),
        "options": {"expires": 6 * 60 * 60},
    },
    # Every 10 minutes: recompute anyone whose events are newer than their snapshot, so a
    # crash between commit and enqueue loses nothing.
    "reconcile-scores": {
        "task": "apps.scoring.tasks.reconcile_stale_scores",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},
    },
    # Hourly: quick-win deadlines pass by the hour; statuses are stored for the dashboards.
    "refresh-quickwins": {
        "task": "apps.quickwins.tasks.refresh_quickwin_results",
        "schedule": crontab(minute=5),
        "options": {"expires": 55 * 60},
    },
    # Hourly after the refresh: nudge people (and their ambassador) two days before a deadline.
    "quickwin-deadline-nudges": {
        "task": "apps.quickwins.tasks.send_deadline_nudges",
        "schedule": crontab(minute=20),
        "options": {"expires": 55 * 60},
    },
    # Daily 02:00: classify every contract per person for the current week (honoured/broken/not giving).
    "classify-contracts": {
        "task": "apps.givegets.tasks.classify_contracts",
        "schedule": crontab(minute=0, hour=2),
        "options": {"expires": 20 * 60 * 60},
    },
    # Daily 02:30, after the contracts: evaluate every live phase's gate and store the result.
    "evaluate-gates": {
        "task": "apps.rollout.tasks.evaluate_gates",
        "schedule": crontab(minute=30, hour=2),
        "options": {"expires": 20 * 60 * 60},
    },
    # Monday 06:00: build and send each person's weekly digest (idempotent per person and week).
    "weekly-digests": {
        "task": "apps.digests.tasks.send_weekly_digests",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon"),
        "options": {"expires": 12 * 60 * 60},
    },
    # Every 5 minutes: a CRM log upload whose task could not be queued (broker down) is queued now.
    "resume-usage-imports": {
        "task": "apps.integrations.tasks.resume_usage_imports",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    # Every 15 minutes: an import still running 30 minutes after it started lost its task; resume it.
    "resume-stalled-imports": {
        "task": "apps.imports.tasks.resume_stalled_imports",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    # Daily 03:10: the usage log's monthly partitions ahead of time (PostgreSQL; nothing on SQLite).
    "usage-log-partitions": {
        "task": "apps.usage.tasks.maintain_partitions",
        "schedule": crontab(minute=10, hour=3),
        "options": {"expires": 20 * 60 * 60},
    },
    # Daily 03:30: drop the months of raw usage events past USAGE_EVENT_RETENTION_DAYS (nothing when 0).
    "usage-event-retention": {
        "task": "apps.trust.tasks.delete_expired_usage_events",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 20 * 60 * 60},
    },
    # Daily 07:00: suggest a touch on deals that have gone quiet longer than their stage allows.
    "idle-deal-suggestions": {
        "task": "apps.suggestions.tasks.suggest_for_idle_deals",
        "schedule": crontab(minute=0, hour=7),
        "options": {"expires": 12 * 60 * 60},
    },
}

# Structured logs: one JSON object a line (python-json-logger) with an ISO timestamp, level,
# logger, message, the request id (X-Request-ID) and the Celery task's name and id. LOG_FORMAT=text
# gives the same fields as plain lines, the default under DEBUG.
LOG_FORMAT = env("LOG_FORMAT", default="text" if DEBUG else "json")
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through this configuration too
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "apps.core.log.ContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(task_name)s %(task_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": True,
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [request=%(request_id)s task=%(task_name)s %(task_id)s] "
                      "%(message)s",
        },
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["context"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # In-process (eager) tasks would log every success into the web server's console.
    "loggers": {"celery.app.trace": {"level": "INFO" if REDIS_URL else "WARNING"}},
}

# --- Security ------------------------------------------------------------------------------
# Sessions end after a working day (absolute, from login), configurable in seconds.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): only our own files. No inline script, event handler or
# style attribute, no CDN, no framing; static/js holds every script the pages run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Swagger UI's stylesheet draws its icons as data: images.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Login throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is locked out for the cool-off, even with the right password. Per pair,
# so a colleague behind the same office address and the person elsewhere can still log in.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.core.authentication.lockout_response"
# Only failures are kept; a log of every successful login and its address is not ours to keep.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Behind N reverse proxies that append to X-Forwarded-For, the client is the Nth from the right.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "apps.core.authentication.client_ip"

# HTTPS only, by default in production: redirect, HSTS and secure cookies. A plain-HTTP
# intranet install says so with SECURE_SSL=false (then `check --deploy` warns, as it should).
SECURE_SSL = env.bool("SECURE_SSL", default=not DEBUG)
if SECURE_SSL:
    SECURE_SSL_REDIRECT = True
    # Load balancers and the compose health check probe over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # One year; start lower (e.g. 3600) while trying HTTPS out, since browsers remember it.
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips a client's own).
    if env.bool("SECURE_PROXY_SSL", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
