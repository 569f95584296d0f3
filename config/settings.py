"""The one settings module. Everything that differs between machines comes from environment variables.

Embedded default (no variables): SQLite file, in-memory channel layer, Celery tasks run eagerly in-process.
Production: DATABASE_URL=postgres://..., REDIS_URL=redis://..., SECRET_KEY, DEBUG=0, ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        # A production process must never start with a guessable key.
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development).")
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG"

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "config.apps.AxesConfig",  # django-axes, with Chinese names in the admin
    "import_export",
    "pgtrigger",
    "training",
    "proctoring",
    "exams",
    "funding",
    "oversight",
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
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "csp.context_processors.nonce",
            ],
        },
    },
]

ASGI_APPLICATION = "config.asgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The demo serves HTTP and websockets from threads of one process: wait for locks instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # A transaction takes the write lock when it begins: a reader upgrading to a writer while another thread
    # writes fails at once with "database is locked" instead of waiting (seen with study websockets + uploads).
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"
elif pool_max := env.int("DATABASE_POOL_MAX_SIZE", default=0):
    # Under daphne every request runs in its own thread, and each thread would keep its own PostgreSQL connection
    # (PostgreSQL refuses past max_connections: seen with 200 exam candidates). A pool per process caps them:
    # processes × DATABASE_POOL_MAX_SIZE must stay under the server's max_connections. A request waits up to
    # DATABASE_POOL_TIMEOUT seconds for a free connection. The pool replaces persistent connections.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, pool_max),
        "max_size": pool_max,
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=30),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "training.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username/IP before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Ordinary password check, then permissions from the user's role (training/roles.py).
    "training.auth_backends.RoleBackend",
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

# Failed sign-ins are throttled by django-axes: after AXES_FAILURE_LIMIT failures for one account (from any
# address: a distributed attack on one account locks it), or from one address and browser (one machine trying
# many accounts), that account or address is locked out for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", ["ip_address", "user_agent"]]
# The client address behind a load balancer (README "Sign-in throttling behind a load balancer"). By default only
# REMOTE_ADDR counts, which a client cannot forge; set these only when a proxy you run sets the header.
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("AXES_IPWARE_META_PRECEDENCE_ORDER", default=["REMOTE_ADDR"])
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_IPWARE_PROXY_TRUSTED_IPS = env.list("AXES_IPWARE_PROXY_TRUSTED_IPS", default=[]) or None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

# Password-reset mail for staff (Django's views): EMAIL_URL such as smtp+tls://user:password@host:587; unset, the
# message is written to the console (the demo).
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@localhost")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Large roster files are processed from a temporary file, never held in memory whole.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Uploaded spreadsheets (training/tabular.py check_spreadsheet, every door: web, Celery, command, admin) ---
# 100,000 roster rows are about 10 MB of csv, 3 MB of xlsx that inflates to 33-70 MB.
SPREADSHEET_MAX_BYTES = env.int("SPREADSHEET_MAX_BYTES", default=20 * 1024 * 1024)
SPREADSHEET_MAX_UNCOMPRESSED_BYTES = env.int("SPREADSHEET_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024)
SPREADSHEET_MAX_MEMBERS = env.int("SPREADSHEET_MAX_MEMBERS", default=200)  # an Excel workbook has 10-30 parts
SPREADSHEET_MAX_ROWS = env.int("SPREADSHEET_MAX_ROWS", default=100_000)
OVERSIGHT_BEHIND_PERCENT = env.int("OVERSIGHT_BEHIND_PERCENT", default=50)  # follow-up list: enrolled share below this
# Spot checks (随机抽查): how many offline sessions and learners one random draw of a project takes.
OVERSIGHT_SAMPLE_SESSIONS = env.int("OVERSIGHT_SAMPLE_SESSIONS", default=3)
OVERSIGHT_SAMPLE_LEARNERS = env.int("OVERSIGHT_SAMPLE_LEARNERS", default=5)
# Provider and teacher credit (信用体系) is recalculated this often (oversight.tasks; also `recalculate_credit`).
OVERSIGHT_CREDIT_EVERY_HOURS = env.float("OVERSIGHT_CREDIT_EVERY_HOURS", default=24)
# A roster task that runs longer than this (seconds) is stopped and its upload marked failed with the reason.
ROSTER_TASK_SOFT_TIME_LIMIT = env.int("ROSTER_TASK_SOFT_TIME_LIMIT", default=1800)
# Admin exports: import-export strips a leading "="; training/tabular.py SafeCSV/SafeXLSX neutralise = + - @ too.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

# --- Redis: channel layer, Celery broker and cache. Unset means everything runs inside one process. ---
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # socket_timeout None: redis-py 8 reads time out after 5 s by default, which breaks the channel
            # layer's blocking receive and closes every idle websocket with 1011 (channels_redis issue 422).
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None}],
                "prefix": env.str("CHANNELS_PREFIX", default="asgi"),
            },
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without Redis there is no worker: tasks run in the calling process, so the demo needs no other service.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only after it finished, so a crashed worker's task is run again by another one.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {}
# A roster task that runs too long raises SoftTimeLimitExceeded and its upload ends as failed, with the reason.
CELERY_TASK_ANNOTATIONS = {
    name: {"soft_time_limit": ROSTER_TASK_SOFT_TIME_LIMIT}
    for name in ("training.tasks.roster_check_task", "training.tasks.roster_commit_task")
}

# --- Security: on whenever DEBUG is off (manage.py check --deploy passes) ---
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts only from our static files (or a nonce), no inline handlers; the
# camera pages draw the webcam stream (mediastream:) and captured frames (blob:) on the page; websockets and
# uploads go to this origin only ('self' covers ws:/wss: of the same host and port).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],  # style="width: 40%" attributes of progress bars
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:", "mediastream:"],
        "connect-src": [SELF],
        "font-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- Online study (proctoring/rules.py): snapshot times are random between the bounds; tests make them seconds. ---
FACE_SNAPSHOT_MIN_SECONDS = env.float("FACE_SNAPSHOT_MIN_SECONDS", default=120)
FACE_SNAPSHOT_MAX_SECONDS = env.float("FACE_SNAPSHOT_MAX_SECONDS", default=600)
STUDY_HEARTBEAT_SECONDS = env.float("STUDY_HEARTBEAT_SECONDS", default=10)  # how often the page beats
STUDY_HEARTBEAT_TIMEOUT_SECONDS = env.float("STUDY_HEARTBEAT_TIMEOUT_SECONDS", default=30)  # a later beat is "dead"
STUDY_RECHECK_SECONDS = env.float("STUDY_RECHECK_SECONDS", default=60)  # re-check window after a failed check
STUDY_SNAPSHOT_UPLOAD_SECONDS = env.float("STUDY_SNAPSHOT_UPLOAD_SECONDS", default=30)  # else the check failed
# messages from a study page: this many at once, then this many per second (beats come every 10 s)
STUDY_MESSAGE_BURST = env.float("STUDY_MESSAGE_BURST", default=20)
STUDY_MESSAGES_PER_SECOND = env.float("STUDY_MESSAGES_PER_SECOND", default=2)
FLAG_APPEAL_DAYS = env.float("FLAG_APPEAL_DAYS", default=15)  # a trainee may appeal once within this
FLAG_EVIDENCE_RETENTION_DAYS = env.float("FLAG_EVIDENCE_RETENTION_DAYS", default=90)  # after the case closed

# --- Faces (proctoring/faces.py, the one code path for checking a face). Distances measured on ../shared/faces:
# photo to photo, the same person 0.06–0.43 and different people 0.77–0.89; enrolment photo to a 640×480 webcam-like
# frame, the same person 0.05–0.52 and different people 0.70–0.89. 0.6 sits in the gap with a margin each side. ---
FACE_TOLERANCE = env.float("FACE_TOLERANCE", default=0.6)
FACE_MIN_SIZE = env.int("FACE_MIN_SIZE", default=80)  # px: smallest face accepted (and searched on a 640-px frame)
FACE_BLUR_THRESHOLD = env.float("FACE_BLUR_THRESHOLD", default=25)  # Laplacian variance of the 160×160 face crop
FACE_STATIC_THRESHOLD = env.float("FACE_STATIC_THRESHOLD", default=0.35)  # mean grey-level change: below = replay
FACE_REPLAY_RECENT = env.int("FACE_REPLAY_RECENT", default=50)  # a frame is compared with this many recent ones
FACE_ENROL_MAX_SIDE = env.int("FACE_ENROL_MAX_SIDE", default=1024)  # enrolment photos are analysed at most this big
# Templates are encrypted with Fernet; the key is derived from SECRET_KEY (HKDF) unless FACE_TEMPLATE_KEY is set
# (a urlsafe-base64 32-byte key, e.g. from `python -c "from cryptography.fernet import Fernet as F;
# print(F.generate_key().decode())"`). Changing either makes existing templates unreadable: trainees re-enrol.
FACE_TEMPLATE_KEY = env.str("FACE_TEMPLATE_KEY", default="")
BIOMETRIC_SNAPSHOT_RETENTION_HOURS = env.float("BIOMETRIC_SNAPSHOT_RETENTION_HOURS", default=24)
# The enrolment photo is kept 7 days, long enough for a reviewer to settle a disputed enrolment, then deleted;
# the encrypted template stays until consent is withdrawn.
BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS = env.float("BIOMETRIC_ENROLMENT_PHOTO_RETENTION_DAYS", default=7)
# A new face far from the trainee's template waits for a reviewer (proctoring.review_template); its photo and the old
# one are kept while the review is open, at most this many days, then the normal retention above applies.
BIOMETRIC_TEMPLATE_REVIEW_DAYS = env.float("BIOMETRIC_TEMPLATE_REVIEW_DAYS", default=30)
# Every image is checked from its header before it is decoded (proctoring.faces.load_image): at most this many
# pixels (a 24-megapixel phone photo passes; a 20000×20000 "bomb" does not) and this many bytes. Pillow's own
# Image.MAX_IMAGE_PIXELS is set to the same number (proctoring/apps.py).
FACE_IMAGE_MAX_PIXELS = env.int("FACE_IMAGE_MAX_PIXELS", default=25_000_000)
FACE_IMAGE_MAX_BYTES = env.int("FACE_IMAGE_MAX_BYTES", default=10 * 1024 * 1024)
# A provider's bulk zip: its size, its number of photos and their total size once uncompressed are checked
# before anything is extracted.
FACE_BULK_MAX_ARCHIVE_BYTES = env.int("FACE_BULK_MAX_ARCHIVE_BYTES", default=500 * 1024 * 1024)
FACE_BULK_MAX_FILES = env.int("FACE_BULK_MAX_FILES", default=5000)
FACE_BULK_MAX_UNCOMPRESSED_BYTES = env.int("FACE_BULK_MAX_UNCOMPRESSED_BYTES", default=2 * 1024 * 1024 * 1024)
# The fund (issue 10): paid claims whose proxy flag was confirmed later are clawed back (funding/services/clawback.py).
CELERY_BEAT_SCHEDULE["fund-clawback"] = {
    "task": "funding.tasks.clawback_confirmed_proxies_task",
    "schedule": timedelta(minutes=env.float("FUND_CLAWBACK_EVERY_MINUTES", default=15)),
}
CELERY_BEAT_SCHEDULE["purge-biometrics"] = {
    "task": "proctoring.tasks.purge_biometrics_task",
    "schedule": timedelta(hours=env.float("BIOMETRIC_PURGE_EVERY_HOURS", default=1)),
}

# Exams (issue 9): answers later than the deadline plus this grace are refused (network lag); the server submits an
# abandoned attempt at its deadline (a Celery task with eta, and a beat sweep as a safety net).
EXAM_GRACE_SECONDS = env.float("EXAM_GRACE_SECONDS", default=5)
EXAM_MAX_INCIDENTS = env.int("EXAM_MAX_INCIDENTS", default=5)  # failed face checks + focus losses before submission
EXAM_FACE_CHECK_MIN_SECONDS = env.float("EXAM_FACE_CHECK_MIN_SECONDS", default=300)
EXAM_FACE_CHECK_MAX_SECONDS = env.float("EXAM_FACE_CHECK_MAX_SECONDS", default=1200)
EXAM_SAVES_IN_THREAD_POOL = env.bool("EXAM_SAVES_IN_THREAD_POOL", default=True)  # answers saved concurrently
EXAM_CERTIFICATE_RATE = env.str("EXAM_CERTIFICATE_RATE", default="30/m")  # public verification page, per client IP
CELERY_BEAT_SCHEDULE["exam-submit-overdue"] = {"task": "exams.tasks.submit_overdue", "schedule": 30.0}

# --- Face search at scale (proctoring/search.py, proctoring/rings.py). Each worker process keeps the decrypted
# templates of the scopes it searched in memory (float32, ~53 MB per 100,000), at most this many in all; a scope
# is reloaded when a template in it changes (version check before each search) or after the max age (roster
# changes). The nightly ring job compares each province all against all: exact up to FACE_RING_EXACT_MAX
# templates, IVF above (FACE_RING_NPROBE lists per face); two templates closer than FACE_RING_TOLERANCE are one face
# (stricter than the 1:1 tolerance, since one face is compared with a whole province). FACE_RING_NPROBE 32 rather than
# 16: on 1,000,000 templates (bench/face_search.py) 16 lists found 965 of 1,000 planted rings whole in 193 s, 32 found
# 995 in 457 s (machine under load), still inside the nightly 10 minutes. ---
FACE_SEARCH_CACHE_MAX_TEMPLATES = env.int("FACE_SEARCH_CACHE_MAX_TEMPLATES", default=500_000)
FACE_SEARCH_MAX_AGE_SECONDS = env.float("FACE_SEARCH_MAX_AGE_SECONDS", default=600)
FACE_RING_TOLERANCE = env.float("FACE_RING_TOLERANCE", default=0.5)
FACE_RING_EXACT_MAX = env.int("FACE_RING_EXACT_MAX", default=100_000)
FACE_RING_NPROBE = env.int("FACE_RING_NPROBE", default=32)
# Stored completion (training.services.completion) is written where hours change; this re-checks it nightly for a
# rule set that took effect by date (the only fact that changes without a write).
CELERY_BEAT_SCHEDULE["completion-reconcile"] = {
    "task": "training.tasks.completion_reconcile_task",
    "schedule": crontab(hour=env.int("COMPLETION_RECONCILE_HOUR", default=1), minute=15),
}
CELERY_BEAT_SCHEDULE["proxy-rings"] = {
    "task": "proctoring.tasks.proxy_rings_task",
    "schedule": crontab(hour=env.int("FACE_RING_HOUR", default=2), minute=30),
}
CELERY_BEAT_SCHEDULE["credit-recalculate"] = {
    "task": "oversight.tasks.credit_recalculate_task",
    "schedule": timedelta(hours=OVERSIGHT_CREDIT_EVERY_HOURS),
}
