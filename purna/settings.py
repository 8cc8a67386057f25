"""Purna settings: one module, read from the environment (django-environ).

Embedded defaults make `make run` work with nothing installed (SQLite, and a Celery broker on a SQLite
file, under var/). Production sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and email settings;
every variable is documented in README.md.
"""

from pathlib import Path

import bootstrap_wrapper
import environ
from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from sqlalchemy.pool import NullPool

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

# A secret has no production default: without it, production refuses to start.
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY belum diatur. Setel variabel lingkungan SECRET_KEY (wajib bila DEBUG mati). "
            "SECRET_KEY is not set: it is required when DEBUG is off."
        )
    SECRET_KEY = "django-insecure-purna-development-only"  # noqa: S105 - only ever used with DEBUG on
# Rotating the key (docs/operations.md): the old one here for a while keeps sessions and the links already
# emailed (RSVP, password reset) valid; anything new is signed with SECRET_KEY only.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    # Django's admin, on a site that also asks for the second factor (purna/two_factor/admin_site.py).
    "purna.two_factor.apps.TwoFactorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "django_celery_results",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "purna",
    "purna.notifications",
    # After django_otp's plugins: it replaces their device admins (purna/two_factor/admin.py).
    "purna.two_factor",
    # The floors above the ground, each importing only those below it (docs/architecture.md).
    "employees",
    "ceremonies",
    "benefits",
    "portal",
]

MIDDLEWARE = [
    # First: every log line of the request carries its id (purna/logs.py).
    "purna.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "purna.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a login unless it is marked @login_not_required (login page, /healthz).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # request.user.is_verified(), then: staff who need a second factor reach only its pages until they give it.
    "django_otp.middleware.OTPMiddleware",
    "purna.two_factor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # "Database is locked" (SQLite) or a serialization failure (PostgreSQL): 503 "coba lagi", not a 500.
    "purna.middleware.TransientDatabaseErrorMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "purna.urls"
WSGI_APPLICATION = "purna.wsgi.application"

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
                "purna.context_processors.instansi",
            ],
        },
    },
    {
        # Only for the partials of long row loops, included with {% jinja %} (purna/jinja.py).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "purna.jinja.environment"},
    },
]

# --- Data -----------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'purna.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Tests that run a worker in another process need the test database in a file, not in memory.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_{Path(DATABASES['default']['NAME']).name}")}
    # Two people clicking at once must not see "database is locked" (issue 15): WAL lets readers go on
    # while one writes; IMMEDIATE takes the write lock at a transaction's start, so a writer waits its turn
    # (up to `timeout` seconds) instead of failing at once when a read lock cannot be upgraded; the web
    # server, the worker and beat all read these settings.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "purna.User"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication and sessions ------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Before ModelBackend: loads an account's own and its roles' permissions in one query, which
    # ModelBackend then reads from the same per-request cache (purna/auth_backends.py).
    "purna.auth_backends.PermissionsInOneQueryBackend",
    "django.contrib.auth.backends.ModelBackend",
    # The retirees' one-time sign-in links (portal/): only for the "portal" scope, and the portal
    # refuses them for anyone who holds a staff role.
    "sesame.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A sign-in is complete only after the second step: purna/two_factor resets the failures then (a password
# alone must not wipe the wrong codes counted before it).
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
# Staff two-factor sign-in (purna/two_factor): which accounts need it is set per role in the admin. Off
# only for development (DEBUG) and for tests of other pages.
PURNA_TWO_FACTOR = env.bool("PURNA_TWO_FACTOR", default=True)
if not PURNA_TWO_FACTOR and not DEBUG:
    raise ImproperlyConfigured(
        "PURNA_TWO_FACTOR hanya boleh dimatikan saat DEBUG. PURNA_TWO_FACTOR may be turned off only with DEBUG on."
    )
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Purna")

# --- Security (production defaults follow DEBUG; each can be set from the environment) -------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response (django-csp): only our own files run or style a page. No
# inline script, event handler or style attribute is allowed: behaviour lives in static/js (listeners on
# data- attributes), looks in static/css, and htmx is told not to add its indicator <style> (base.html).
# data: images are Bootstrap's own icons (the select arrow, the close button, check marks) in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # One style attribute we do not write: django-simple-history's admin history page has
        # <p class="paginator" style="border-top: 0">. Only that exact value is let through (its hash).
        "style-src-attr": [UNSAFE_HASHES, "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# HSTS preload is for the owner of the registrable domain (the preload list takes only those, and a
# subdomain such as purna.bkpsdm.example.go.id cannot be submitted), so Django's reminder is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021", *env.list("SILENCED_SYSTEM_CHECKS", default=[])]
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The covering indexes (INCLUDE) are for PostgreSQL; SQLite, the embedded default, builds them without.
    SILENCED_SYSTEM_CHECKS.append("models.W040")

# --- Language, time ---------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
# Our catalog first; then Indonesian for Django's and third-party apps' own labels that their catalogs miss
# or get wrong (Celery's periodic tasks and results, the admin's filter widget), kept apart because
# makemessages keeps only our source's strings; both come before every app's catalog.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_overrides"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Files ------------------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
# Bootstrap comes from the bootstrap-wrapper wheel (served by WhiteNoise as /static/bootstrap/...):
# BKD intranets are often offline, so nothing is fetched from a CDN.
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", bootstrap_wrapper.get_bootstrap_dir())]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Personal documents (uploads of retirement records, imports) live outside MEDIA_ROOT and are served
# only through views that check permissions.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need `collectstatic` (the Dockerfile runs it); development and tests serve from finders.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Email ------------------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default=f"filemail://{VAR_DIR / 'mail'}")
EMAIL_CONFIG = env.email_url_config(EMAIL_URL)
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"].endswith("filebased.EmailBackend"):
    # django-environ drops the leading slash of "filemail:///srv/mail", which made the path relative to
    # the working directory: the emails of `make run` went to var/.../var/mail instead of var/mail.
    _mail_path = EMAIL_URL.partition("://")[2]
    EMAIL_FILE_PATH = str(BASE_DIR / _mail_path) if _mail_path else str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Purna <purna@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A hung SMTP server must not hold a worker forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)

# --- Notifications (purna/notifications: every email goes through its outbox) -------------------------
PURNA_EMAIL_QUEUE = env.str("PURNA_EMAIL_QUEUE", default="email")
PURNA_EMAIL_LANGUAGE = env.str("PURNA_EMAIL_LANGUAGE", default="id")
PURNA_EMAIL_BATCH_SIZE = env.int("PURNA_EMAIL_BATCH_SIZE", default=200)
PURNA_EMAIL_TASK_SECONDS = env.int("PURNA_EMAIL_TASK_SECONDS", default=120)
PURNA_EMAIL_MAX_ATTEMPTS = env.int("PURNA_EMAIL_MAX_ATTEMPTS", default=8)
PURNA_EMAIL_RETRY_BASE_SECONDS = env.int("PURNA_EMAIL_RETRY_BASE_SECONDS", default=60)
# Retry countdowns stay below the Redis visibility timeout (one hour), or a waiting task is handed out twice.
PURNA_EMAIL_RETRY_MAX_SECONDS = min(env.int("PURNA_EMAIL_RETRY_MAX_SECONDS", default=30 * 60), 50 * 60)
PURNA_EMAIL_SENDING_TIMEOUT_SECONDS = env.int("PURNA_EMAIL_SENDING_TIMEOUT_SECONDS", default=15 * 60)
PURNA_REMINDER_MONTHS = env.list("PURNA_REMINDER_MONTHS", cast=int, default=[12, 6, 3])
PURNA_DOCUMENTS_MISSING_MONTHS = env.int("PURNA_DOCUMENTS_MISSING_MONTHS", default=9)
PURNA_REMINDER_CATCH_UP_DAYS = env.int("PURNA_REMINDER_CATCH_UP_DAYS", default=30)
PURNA_DIGEST_WEEKDAY = env.int("PURNA_DIGEST_WEEKDAY", default=0)  # 0 = Monday
# Links in emails to staff pages need the site's address, e.g. https://purna.bkpsdm.example.go.id
PURNA_SITE_URL = env.str("PURNA_SITE_URL", default="")

# --- Celery -----------------------------------------------------------------------------------------
# Seconds before Redis hands a task that was taken but not acknowledged (acks_late) to another worker.
# Every retry countdown and the task time limit stay below it, or a task that is merely waiting (or still
# running) is handed out twice (tests/purna/test_faults_retry.py reads them all).
CELERY_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
else:
    # The embedded broker (purna/broker.py says why this one): kombu's SQLAlchemy transport, through our
    # subclass, on a SQLite file of its own. kombu takes a transport's import path only from this setting.
    CELERY_BROKER_URL = f"sqlite:///{VAR_DIR / 'celery-broker.sqlite3'}"
    CELERY_BROKER_TRANSPORT = "purna.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # No pooled connections: the worker forks its pool processes, and a SQLite connection must not
        # cross a fork. Opening a SQLite file is cheap.
        "poolclass": NullPool,
        # Seconds a writer waits for another's lock before "database is locked" (then Celery reconnects).
        "connect_args": {"timeout": 30},
    }
    # The transport has no fanout exchange, which worker remote control needs.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_RESULT_BACKEND = "django-db"
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process is replaced after a task that leaves it above this many KiB resident, as after 100 tasks
# (--max-tasks-per-child, Procfile and docker-compose.yml): WeasyPrint's memory grows in long-lived
# processes. Within one task it stays level: 2,000 certificates hold ~150 MB (bench/certificates.py --memory).
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)
# Heavy tasks (the employee import) may grow by at most this many MB while they run (purna/jobs.py); an
# import of 100,000 rows stays under 500 MB (bench/import.py). 0: no ceiling.
PURNA_TASK_MEMORY_MB = env.int("PURNA_TASK_MEMORY_MB", default=1024)
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# For the end-to-end test of `make run` (tests/purna/test_run_command.py), which must see several sweeps
# within seconds: beat then also runs the outbox sweep every N seconds. The per-minute entry in the
# database (purna/notifications/migrations/0002_beat_schedules.py) stays production's schedule.
PURNA_SWEEP_EVERY_SECONDS = env.int("PURNA_SWEEP_EVERY_SECONDS", default=0)
# Beside the schedules kept in the database (django-celery-beat's admin), beat runs these; the
# DatabaseScheduler copies them into its table at start.
CELERY_BEAT_SCHEDULE = {
    "jobs-sweep": {
        "task": "purna.tasks.jobs_sweep_task",
        "schedule": 60,
        "options": {"queue": "default", "expires": 120},
    },
    "certificate-batches-sweep": {
        "task": "ceremonies.tasks.certificate_batches_sweep_task",
        "schedule": 60,
        # While no worker runs, sweeps would pile up in the broker: one that waited two minutes is dropped.
        "options": {"queue": "default", "expires": 120},
    },
    "receipts-sweep": {
        "task": "benefits.tasks.receipts_sweep_task",
        "schedule": 60,
        "options": {"queue": "default", "expires": 120},
    },
    "training-feedback-reminders": {
        "task": "ceremonies.tasks.feedback_reminders_queue_task",
        "schedule": 60 * 60,
        "options": {"queue": "default", "expires": 30 * 60},
    },
}
if PURNA_SWEEP_EVERY_SECONDS:
    CELERY_BEAT_SCHEDULE["outbox-sweep-every-few-seconds"] = {
        "task": "purna.notifications.tasks.outbox_sweep_task",
        "schedule": PURNA_SWEEP_EVERY_SECONDS,
        "options": {"queue": PURNA_EMAIL_QUEUE, "expires": PURNA_SWEEP_EVERY_SECONDS * 2},
    }
CELERY_TASK_DEFAULT_QUEUE = "default"
PURNA_PDF_QUEUE = env.str("PURNA_PDF_QUEUE", default="pdf")
# PDFs on a queue of their own (DESIGN.md section 7): a 500-certificate batch must not hold up emails,
# and WeasyPrint's memory grows in long-lived processes (the workers are recycled).
CELERY_TASK_ROUTES = {
    "purna.notifications.tasks.*": {"queue": PURNA_EMAIL_QUEUE},
    "benefits.tasks.receipt_*": {"queue": PURNA_PDF_QUEUE},
    "ceremonies.tasks.certificates_*": {"queue": PURNA_PDF_QUEUE},
    # Documents and exports asked for on a page (purna/generated.py): PDFs and large spreadsheets.
    "purna.tasks.generated_document_*": {"queue": PURNA_PDF_QUEUE},
}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# A request that hands work to the broker waits at most this long for it (purna/dispatch.py); when the
# broker is down the work stays stored as waiting and a sweep (Celery beat) hands it over later. A Redis
# that answers at all answers in milliseconds; a wrong "down" only delays the work until the next sweep.
PURNA_DISPATCH_TIMEOUT_SECONDS = env.float("PURNA_DISPATCH_TIMEOUT_SECONDS", default=0.5)
# A background job that has shown no progress for this long belongs to a dead worker: the sweep hands it
# to a new run (ceremonies: certificate_batches_sweep). Well above the longest step between two reports.
PURNA_JOB_STALE_SECONDS = env.int("PURNA_JOB_STALE_SECONDS", default=5 * 60)
# The jobs that a request saves and hands to the worker: when the broker was down at that moment,
# purna/jobs.py jobs_sweep hands them over later. "kwarg": the task's argument for the job's id.
PURNA_SWEPT_JOBS = {
    "employees.ImportJob": {"task": "employees.tasks.employee_import_task"},
    "employees.FactsRefreshRun": {"task": "employees.tasks.retirement_facts_refresh_task", "kwarg": "run_id"},
    "benefits.PayoutBatch": {"task": "benefits.tasks.payouts_prepare_batch_task"},
    "purna.GeneratedDocument": {"task": "purna.tasks.generated_document_render_task"},
}
# Django's LOGGING below formats the worker's lines too (one line each, with the task id).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Forms, admin, misc ------------------------------------------------------------------------------
FORM_RENDERER = "purna.forms.FormRenderer"
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
# The history admin's "revert" would save an old version directly, past the services (facts, work list).
SIMPLE_HISTORY_REVERT_DISABLED = True
PURNA_INSTANSI_NAME = env.str("PURNA_INSTANSI_NAME", default="BKPSDM Kabupaten Contoh")
# The place written before the date of the agency's documents ("Balikpapan, 21 Oktober 2025").
PURNA_INSTANSI_CITY = env.str("PURNA_INSTANSI_CITY", default="Kabupaten Contoh")
# Receipts of THT and tali asih payouts (purna/numbering.py; the pattern is checked at start-up):
# placeholders {seq} (padding as {seq:04d}), {year} and {month_roman}.
PURNA_RECEIPT_NUMBER_PATTERN = env.str("PURNA_RECEIPT_NUMBER_PATTERN", default="900/{seq}/BKPSDM/{year}")
# Who pays (printed after "Sudah terima dari") and who signs a receipt: the treasurer who pays it and
# the head of the agency who acknowledges it. Settings rather than ceremonies' Official rows, which are
# the people presiding over events and carry no role; an empty name leaves a dotted line to write on.
PURNA_RECEIPT_PAYER = env.str("PURNA_RECEIPT_PAYER", default="Bendahara Dewan Pengurus KORPRI / BKPSDM")
PURNA_RECEIPT_TREASURER_NAME = env.str("PURNA_RECEIPT_TREASURER_NAME", default="")
PURNA_RECEIPT_TREASURER_NIP = env.str("PURNA_RECEIPT_TREASURER_NIP", default="")
PURNA_RECEIPT_TREASURER_TITLE = env.str("PURNA_RECEIPT_TREASURER_TITLE", default="Bendahara")
PURNA_RECEIPT_HEAD_NAME = env.str("PURNA_RECEIPT_HEAD_NAME", default="")
PURNA_RECEIPT_HEAD_NIP = env.str("PURNA_RECEIPT_HEAD_NIP", default="")
PURNA_RECEIPT_HEAD_TITLE = env.str("PURNA_RECEIPT_HEAD_TITLE", default="Kepala BKPSDM")
# The pension proposal should reach BKN this many months before the TMT pensiun (about a year).
PURNA_PROPOSAL_MONTHS_BEFORE_TMT = env.int("PURNA_PROPOSAL_MONTHS_BEFORE_TMT", default=12)
# Ceremonies (ceremonies/rules.py): who may join a farewell or a training, and how long an invitation
# link stays valid.
PURNA_FAREWELL_MONTHS_AFTER_TMT = env.int("PURNA_FAREWELL_MONTHS_AFTER_TMT", default=12)
PURNA_TRAINING_MONTHS_BEFORE_TMT = env.int("PURNA_TRAINING_MONTHS_BEFORE_TMT", default=12)
PURNA_RSVP_MAX_AGE_DAYS = env.int("PURNA_RSVP_MAX_AGE_DAYS", default=60)
# Training feedback: the form opens when a training ends and closes this many days later.
PURNA_FEEDBACK_DAYS = env.int("PURNA_FEEDBACK_DAYS", default=14)
# Those who attended and rated nothing get one reminder (email, with their personal link) this many hours
# after the training ended, while the form is open (ceremonies.services.feedback, Celery beat hourly).
PURNA_FEEDBACK_REMINDER_AFTER_HOURS = env.int("PURNA_FEEDBACK_REMINDER_AFTER_HOURS", default=24)
PURNA_DOCUMENT_MAX_BYTES = env.int("PURNA_DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
# A 100,000-row CSV of the register is about 25 MB.
PURNA_IMPORT_MAX_BYTES = env.int("PURNA_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# A pension list exported from SIASN, compared with the retirement records while the upload waits.
PURNA_SIASN_MAX_BYTES = env.int("PURNA_SIASN_MAX_BYTES", default=5 * 1024 * 1024)
# The admin's "recompute the retirement dates" runs in the request up to this many employees (about
# 70 ms per 1,000), in Celery with a progress bar beyond.
PURNA_FACTS_INLINE_MAX = env.int("PURNA_FACTS_INLINE_MAX", default=2000)
# "Prepare payouts" runs in the request up to this many retirees (each one is a locked, computed,
# validated insert with its timeline row), in Celery with a progress bar beyond.
PURNA_PAYOUT_PREPARE_INLINE_MAX = env.int("PURNA_PAYOUT_PREPARE_INLINE_MAX", default=200)
# Its page lists this many retirees with their amounts (a page nobody reads past a few hundred rows, and
# each row is computed in the request); a larger selection is counted, and previewed in full in a workbook
# made in the background.
PURNA_PAYOUT_PREVIEW_ROWS = env.int("PURNA_PAYOUT_PREVIEW_ROWS", default=200)
# Certificates (ceremonies/services/certificates.py): the number as the agency's correspondence rules
# print it (purna/numbering.py: {seq}, {seq:03d}, {year}, {month_roman}), the place before the date, and
# how many verifications one address may ask for in a minute (the public page, against enumeration).
PURNA_CERTIFICATE_NUMBER_PATTERN = env.str("PURNA_CERTIFICATE_NUMBER_PATTERN", default="800/{seq}/BKPSDM/{year}")
PURNA_CERTIFICATE_PLACE = env.str("PURNA_CERTIFICATE_PLACE", default="Kabupaten Contoh")
# Pension proposal papers (ceremonies/pension_documents.py): the number of the agency's outgoing letters
# (the cover letter of a proposal; purna/numbering.py placeholders) and the BKN regional office the
# proposals go to (Kantor Regional BKN), printed after "Kepada Yth.".
PURNA_LETTER_NUMBER_PATTERN = env.str("PURNA_LETTER_NUMBER_PATTERN", default="800.1.6.3/{seq}/BKPSDM/{year}")
PURNA_BKN_REGIONAL_OFFICE = env.str(
    "PURNA_BKN_REGIONAL_OFFICE", default="Kepala Kantor Regional VIII Badan Kepegawaian Negara"
)
PURNA_BKN_REGIONAL_OFFICE_CITY = env.str("PURNA_BKN_REGIONAL_OFFICE_CITY", default="Banjarmasin")
PURNA_VERIFY_RATE_PER_MINUTE = env.int("PURNA_VERIFY_RATE_PER_MINUTE", default=30)
# How many reverse proxies stand in front of Purna (docker-compose.yml: the host's HTTPS proxy, 1): the
# rate limits then count the visitor's address from X-Forwarded-For, not the proxy's (purna/ratelimit.py).
PURNA_PROXY_COUNT = env.int("PURNA_PROXY_COUNT", default=0)
# Only our own proxy may say that a request came over HTTPS (docker-compose.yml: it sets
# "X-Forwarded-Proto: https"); without one, any client could claim it with that header.
if PURNA_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The retirees' portal (portal/): a sign-in link works once and for this many minutes from when it
# is sent; a person gets at most PURNA_PORTAL_LINKS_PER_HOUR links an hour, and one address may ask for
# PURNA_PORTAL_SIGN_IN_RATE_PER_MINUTE links a minute (against mail bombing and enumeration).
PURNA_PORTAL_LINK_MINUTES = env.int("PURNA_PORTAL_LINK_MINUTES", default=60)
PURNA_PORTAL_LINKS_PER_HOUR = env.int("PURNA_PORTAL_LINKS_PER_HOUR", default=5)
PURNA_PORTAL_SIGN_IN_RATE_PER_MINUTE = env.int("PURNA_PORTAL_SIGN_IN_RATE_PER_MINUTE", default=10)
SESAME_MAX_AGE = PURNA_PORTAL_LINK_MINUTES * 60
# One-time sign-in codes staff print or send to a retiree without email (employees/sign_in_codes.py):
# valid this many days (a printed slip travels by hand), locked after this many wrong tries.
PURNA_SIGN_IN_CODE_DAYS = env.int("PURNA_SIGN_IN_CODE_DAYS", default=7)
PURNA_SIGN_IN_CODE_ATTEMPTS = env.int("PURNA_SIGN_IN_CODE_ATTEMPTS", default=5)
SESAME_ONE_TIME = True

# One line per event, with the request id (web) or the task id (worker): purna/logs.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "purna.logs.ContextFilter"}},
    "formatters": {
        "line": {
            "()": "purna.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s request=%(request_id)s task=%(task_id)s %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["context"], "formatter": "line"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Error reports (Sentry): only when SENTRY_DSN is set; nothing is sent anywhere otherwise -------------
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        # Retirees' and employees' personal data stays out of the reports.
        send_default_pii=False,
    )
