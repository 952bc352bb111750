"""Settings shared by every environment, read from the process environment.

Every variable is documented in `.env.example`. The typed readers of django-environ
raise ImproperlyConfigured on a malformed value (``DJANGO_DEBUG=perhaps``), so a typo
fails at start-up instead of silently falling back to a default.
"""

import datetime as dt
from email.utils import parseaddr
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.request_log import logging_config, sentry_before_send

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (or DJANGO_DEBUG=true for local development)."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-mode"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "core",
    "accounts",
    "schools",
    "scheduling",
    "companies",
    "partnerships",
    "competence_plans",
    "reports",
    "evaluations",
    "dashboards",
    "privacy",
    "home",
    "demo",
    "people",
    "notifications",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    # The request id and the one access-log line per request (core/request_log.py).
    "core.request_log.RequestIdMiddleware",
    # /healthz, before sessions, login and the HTTPS redirect (core/health.py).
    "core.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.RefuseNulBytesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "accounts.two_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns lockouts raised by the backend into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "access.navigation.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite under var/ by default so a new user needs nothing else; DATABASE_URL
# (postgres://user:pass@host:5432/name) switches to PostgreSQL through psycopg 3.
(BASE_DIR / "var").mkdir(exist_ok=True)
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's native psycopg 3 pool; CONN_MAX_AGE must stay 0 with a pool.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # A database that does not answer must not hold a request for long: the page says
    # "briefly unavailable" (503) within two seconds (core/errors.py).
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=2
    )
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
            # Seconds a request waits for a free (or a first) connection.
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=1.5),
        }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the Celery worker read while a request writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = "PRAGMA journal_mode=WAL;"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Refuses locked-out credentials before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Brute-force protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked until the cool-off has passed, even with
# the right password. Username *and* address, so a whole school behind one NAT address is
# not locked out by one person, and nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Limits django-axes does not cover (accounts/throttle.py): (attempts, minutes). Wrong
# second-factor codes per account and per address, in a count the password step does not
# reset; password-reset mails per address and per e-mail typed.
THROTTLES = {
    "two_factor_account": (AXES_FAILURE_LIMIT, int(AXES_COOLOFF_TIME.total_seconds() // 60)),
    "two_factor_address": (AXES_FAILURE_LIMIT * 4, int(AXES_COOLOFF_TIME.total_seconds() // 60)),
    "password_reset_address": (env.int("PASSWORD_RESET_PER_ADDRESS", default=5), 60),
    "password_reset_email": (env.int("PASSWORD_RESET_PER_EMAIL", default=3), 60),
    # Opening an unknown invitation link or submitting the accept form, per address.
    "invitation_address": (env.int("INVITATION_ATTEMPTS_PER_ADDRESS", default=20), 60),
}
# An invitation link works this long after it was sent (or sent again).
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# Number of reverse proxies in front of the app whose X-Forwarded-For can be trusted.
AXES_IPWARE_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0) or None
# Clients can prepend fake addresses to X-Forwarded-For; count proxies from the right.
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

# --- Sessions -----------------------------------------------------------------
# Sessions are stored with their user id so that deactivating a user ends them.
SESSION_ENGINE = "accounts.sessions"
SESSION_IDLE_TIMEOUT = dt.timedelta(hours=env.int("SESSION_IDLE_HOURS", default=8))
SESSION_ABSOLUTE_LIFETIME = dt.timedelta(days=env.int("SESSION_ABSOLUTE_DAYS", default=7))

# Two-factor login (TOTP app plus one-use recovery codes). Who must use it: "superuser"
# and/or school roles ("leader", "coordinator", "consultant", "teacher"); anyone else may.
MFA_REQUIRED_FOR = env.list("MFA_REQUIRED_FOR", default=["superuser", "leader"])
OTP_TOTP_ISSUER = "Partnerskab"
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_LIFETIME.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# --- Content Security Policy (django-csp) -------------------------------------
# Everything is served from our own origin; no inline script anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Bootstrap draws its icons (menu toggle, select arrows) as data: SVGs.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
    },
}

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True
# Danish formats (dd.mm.yyyy, thousands separator ".") come from the "da" locale;
# our own module adds the ISO week and input formats schools type.
FORMAT_MODULE_PATH = ["config.formats"]
# Off: ids, years, revisions and weeks must never print as "1.234" (hidden fields, links,
# "uge 50, 2026"). Figures meant for people are grouped explicitly (floatformat:"g").
USE_THOUSAND_SEPARATOR = False

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Generated files (report PDFs, exports) on local disk under MEDIA_ROOT, or in
# S3-compatible object storage (django-storages) so that web and workers may run on
# different machines: FILE_STORAGE=s3 and the S3_* variables. Files stay private: every
# download goes through the application, which checks who may have it.
FILE_STORAGE = env.str("FILE_STORAGE", default="local")
if FILE_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("S3_BUCKET"),
            # Empty for AWS itself; the address of MinIO, Ceph, Hetzner, UpCloud, ...
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            # Empty: the machine's own credentials (an instance role, ~/.aws).
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "addressing_style": env.str("S3_ADDRESSING_STYLE", default="path"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
elif FILE_STORAGE != "local":
    raise ImproperlyConfigured("FILE_STORAGE must be 'local' or 's3'.")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- E-mail -------------------------------------------------------------------
# EMAIL_URL picks the backend and server, e.g. smtp+tls://user:password@smtp.example.dk:587
# Default: print mails to the console.
globals().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="partnerskab@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -------------------------------------------------------------------
# Without a broker the tasks run in-process (eagerly) so one laptop is enough;
# with CELERY_BROKER_URL=redis://... a worker does the work.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# Every task keeps its own state in the database (ReportJob, invitations), so nothing
# reads Celery results. Not subscribing to them also keeps a web process usable after
# Redis has been away: the result consumer gives up for good once its retries run out.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker child that has grown past this (KiB) is replaced after its task: WeasyPrint
# keeps font and layout caches, and one huge report must not pin the memory for ever.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)
CELERY_WORKER_MAX_TASKS_PER_CHILD = env.int("CELERY_WORKER_MAX_TASKS_PER_CHILD", default=200)
# An unacknowledged message (its worker died) goes back to the queue once it is older
# than the visibility timeout, which must be longer than the longest task (render_report's
# hard limit is 300 s). Workers look for such messages at start and every so often.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=900),
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_SECONDS", default=60),
    "unacked_restore_throttle": 1,
}

# --- Reports ------------------------------------------------------------------
# Every spreadsheet import (employees, the AMU catalogue) is bounded while it is read.
IMPORT_LIMITS = {
    "max_bytes": env.int("IMPORT_MAX_BYTES", default=2 * 1024 * 1024),
    "max_uncompressed_bytes": env.int("IMPORT_MAX_UNCOMPRESSED_BYTES", default=20 * 1024 * 1024),
    "max_columns": 50,
    "max_cell_chars": 1000,
}
# Django refuses larger request bodies before a view runs (the nginx limit should match).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

REPORT_RETENTION_DAYS = env.int("REPORT_RETENTION_DAYS", default=14)
# A job still queued this long after it was asked for is dispatched again (a lost message).
REPORT_STUCK_AFTER_MINUTES = env.int("REPORT_STUCK_AFTER_MINUTES", default=15)
# A rendering worker holds its job for this long and renews the hold every third of it;
# the sweep (every REPORT_SWEEP_SECONDS) gives a job whose hold ran out back to the queue,
# so a job whose worker died is rendered again within about 90 seconds, by one worker.
REPORT_LEASE_SECONDS = env.int("REPORT_LEASE_SECONDS", default=60)
REPORT_SWEEP_SECONDS = env.int("REPORT_SWEEP_SECONDS", default=30)
# After this many started attempts a job is marked failed, with its reason, instead of
# being sent again for ever.
REPORT_MAX_ATTEMPTS = env.int("REPORT_MAX_ATTEMPTS", default=3)
# A report that took at least this long is announced to its requester when it is ready.
REPORT_NOTIFY_AFTER_SECONDS = env.int("REPORT_NOTIFY_AFTER_SECONDS", default=5)
# The planner that proposes schedules: how long one solve may search (it returns the best
# schedule found by then), on how many cores, and the objective's weights in their order
# (scheduling/planner.py: DEFAULT_WEIGHTS; a JSON object here overrides some of them).
PLANNER_TIME_LIMIT_SECONDS = env.float("PLANNER_TIME_LIMIT_SECONDS", default=20.0)
PLANNER_WORKERS = env.int("PLANNER_WORKERS", default=2)
PLANNER_WEIGHTS = env.json("PLANNER_WEIGHTS", default={})
# Notifications not e-mailed (mail server or broker down) are tried again this long after
# they were made, and every as often, up to this many attempts (then shown to admins).
NOTIFICATION_RETRY_AFTER_SECONDS = env.int("NOTIFICATION_RETRY_AFTER_SECONDS", default=300)
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-reports": {
        "task": "reports.tasks.sweep_stuck_reports",
        "schedule": float(REPORT_SWEEP_SECONDS),
    },
    "sweep-stuck-proposals": {
        "task": "scheduling.tasks.sweep_stuck_proposals",
        "schedule": float(REPORT_SWEEP_SECONDS),
    },
    "apply-retention": {
        "task": "privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=30),
    },
    # Creates due evaluation invitations, e-mails them, and sends the one reminder.
    "evaluation-invitations": {
        "task": "evaluations.tasks.run_invitations",
        "schedule": crontab(hour=6, minute=15),
    },
    # E-mails again what a mail server or broker that was down left unsent.
    "notifications-resend": {
        "task": "notifications.tasks.deliver_pending",
        "schedule": float(NOTIFICATION_RETRY_AFTER_SECONDS),
    },
    # Action items due tomorrow or overdue, blocks under half full two weeks before start.
    "notifications-daily": {
        "task": "notifications.tasks.daily_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # The daily digest, for those who chose it (after the reminders, so they are in it).
    "notifications-digest": {
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
}

# --- Personal data: retention (days; GDPR Art. 5 storage limitation) ----------
# A daily beat task applies them; `manage.py apply_retention --dry-run` lists what is due.
RETENTION_DAYS = {
    # Employees marked inactive this long ago are anonymised (figures stay).
    "inactive_employees": env.int("RETENTION_INACTIVE_EMPLOYEES_DAYS", default=730),
    # Written evaluation answers are blanked this long after they were given.
    "evaluation_free_text": env.int("RETENTION_EVALUATION_TEXT_DAYS", default=1095),
    # Report files are deleted this long after their job expired.
    "report_files": env.int("RETENTION_REPORT_FILES_DAYS", default=0),
    # Audit events are deleted after this long (five years, as for accounting records).
    "audit_events": env.int("RETENTION_AUDIT_EVENTS_DAYS", default=1825),
    # Invitations never answered are deleted this long after they closed.
    "unanswered_invitations": env.int("RETENTION_UNANSWERED_INVITATIONS_DAYS", default=90),
    # Notifications (read or not, e-mailed or not) are deleted this long after they were made.
    "notifications": env.int("RETENTION_NOTIFICATIONS_DAYS", default=365),
    # Invitations to log in are deleted this long after their link expired.
    "people_invitations": env.int("RETENTION_PEOPLE_INVITATIONS_DAYS", default=90),
    # Sessions are deleted this long after they expired (they cannot be used once expired).
    "expired_sessions": env.int("RETENTION_EXPIRED_SESSIONS_DAYS", default=0),
    # Login records (who signed in or failed to, from which IP address) and the login
    # throttles' counters are deleted after this long.
    "login_records": env.int("RETENTION_LOGIN_RECORDS_DAYS", default=30),
}

# --- Evaluations --------------------------------------------------------------
# The address links in e-mails start with (no request is at hand in a Celery task).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Motivation opens this many days before a block starts and closes when it starts.
EVALUATION_MOTIVATION_DAYS_BEFORE = env.int("EVALUATION_MOTIVATION_DAYS_BEFORE", default=7)
# Follow-up opens on the block's last day and stays open this long.
EVALUATION_FOLLOW_UP_OPEN_DAYS = env.int("EVALUATION_FOLLOW_UP_OPEN_DAYS", default=14)
# Effect (participants and company) opens this long after the block (8–12 weeks)...
EVALUATION_EFFECT_DELAY_DAYS = env.int("EVALUATION_EFFECT_DELAY_DAYS", default=70)
# ...and stays open this long.
EVALUATION_EFFECT_OPEN_DAYS = env.int("EVALUATION_EFFECT_OPEN_DAYS", default=28)
# One reminder, this long after the invitation was e-mailed.
EVALUATION_REMINDER_AFTER_DAYS = env.int("EVALUATION_REMINDER_AFTER_DAYS", default=4)
# Groups with fewer answers than this show no figures (anonymity).
EVALUATION_MIN_ANSWERS = env.int("EVALUATION_MIN_ANSWERS", default=3)

# --- Domain settings ----------------------------------------------------------
# VEU compensation and participant fees change every year: they are data
# (schools.FundingRate, kept by administrators at /schools/rates/), not settings.

# --- Logs, errors, health -----------------------------------------------------
# One line per request and per task with time, level, logger, request id and user id
# (core/request_log.py); LOG_FORMAT=json for one JSON object per line.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'text' or 'json'.")
LOGGING = logging_config(json=LOG_FORMAT == "json", level=env.str("LOG_LEVEL", default="INFO"))
# The worker logs through the same configuration instead of Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Errors are mailed to these: DJANGO_ADMINS="Ops <ops@skole.dk>,Anna <anna@skole.dk>".
ADMINS = [parseaddr(address) for address in env.list("DJANGO_ADMINS", default=[])]
# Optional error reporting to Sentry (or a Sentry-compatible server such as GlitchTip).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        # Errors only, and no names or addresses of the people in the data.
        traces_sample_rate=0.0,
        send_default_pii=False,
        before_send=sentry_before_send,
    )
# /healthz calls the workers down when their last heartbeat is older than this (s).
HEARTBEAT_SECONDS = env.int("HEARTBEAT_SECONDS", default=30)
HEALTH_WORKER_MAX_AGE_SECONDS = env.int(
    "HEALTH_WORKER_MAX_AGE_SECONDS", default=3 * HEARTBEAT_SECONDS
)
CELERY_BEAT_SCHEDULE["worker-heartbeat"] = {
    "task": "core.tasks.heartbeat",
    "schedule": float(HEARTBEAT_SECONDS),
    # A heartbeat nobody took in time says nothing: drop it instead of queueing it up.
    "options": {"expires": HEARTBEAT_SECONDS},
}
