"""Settings for Widen.

Everything is here; a deployment differs only through environment variables, read in one place
(`widen.config.environment`). `WIDEN_ENVIRONMENT=production` switches on the hardened cookie and
transport settings and refuses to start without a real `SECRET_KEY` and `ALLOWED_HOSTS`.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from widen.config import environment as env
from widen.config.passkeys import passkeys_domain, passkeys_origins

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env.text("WIDEN_DATA_DIR", "var")).resolve()

ENVIRONMENT = env.text("WIDEN_ENVIRONMENT", "development")
if ENVIRONMENT not in {"development", "production"}:
    raise ImproperlyConfigured("WIDEN_ENVIRONMENT must be 'development' or 'production'.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env.flag("DEBUG", default=False)

_DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = env.text("SECRET_KEY", "" if PRODUCTION else _DEVELOPMENT_SECRET_KEY)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")

ALLOWED_HOSTS = env.items("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set ALLOWED_HOSTS to the host names Widen is served on.")
CSRF_TRUSTED_ORIGINS = env.items("CSRF_TRUSTED_ORIGINS", [])

# Keys used to pseudonymise learners for evaluators. Kept outside the database.
PSEUDONYM_KEY = env.text("WIDEN_PSEUDONYM_KEY", "" if PRODUCTION else "development-pseudonym-key")
if PRODUCTION and len(PSEUDONYM_KEY) < 32:
    raise ImproperlyConfigured(
        "Set WIDEN_PSEUDONYM_KEY to a random value of at least 32 characters."
    )

# Keys that encrypt the most sensitive fields at rest (`widen.core.crypto`: bank details, event
# access requirements and adjustments, casework notes). Fernet keys, newest first, kept outside
# the database: the first encrypts; every key decrypts, so a new key can be put first and `widen
# keys rotate` re-encrypts under it before the old one is dropped. The keys of the older
# WIDEN_PAYMENTS_KEYS still read (after these). Development and tests derive one from
# SECRET_KEY; production refuses to start without its own.
FIELD_ENCRYPTION_KEYS = list(
    dict.fromkeys([*env.items("WIDEN_FIELD_KEYS", []), *env.items("WIDEN_PAYMENTS_KEYS", [])])
)
if PRODUCTION and not FIELD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "Set WIDEN_FIELD_KEYS to one or more Fernet keys (comma-separated, newest first) to "
        "encrypt bank details, access requirements and adjustments (a deployment that set "
        'WIDEN_PAYMENTS_KEYS may keep it); make one with `python -c "from cryptography.fernet '
        'import Fernet; print(Fernet.generate_key().decode())"`.'
    )
if not FIELD_ENCRYPTION_KEYS:
    FIELD_ENCRYPTION_KEYS = [
        # The derivation bank details used before every sensitive field shared these keys.
        base64.urlsafe_b64encode(
            hashlib.sha256(b"widen-payments-development:" + SECRET_KEY.encode()).digest()
        ).decode()
    ]
for _field_key in FIELD_ENCRYPTION_KEYS:
    try:
        _field_key_length = len(base64.urlsafe_b64decode(_field_key.encode()))
    except (ValueError, TypeError):
        _field_key_length = 0
    if _field_key_length != 32:  # a Fernet key is 32 bytes
        raise ImproperlyConfigured(
            "Each key in WIDEN_FIELD_KEYS (and WIDEN_PAYMENTS_KEYS) must be a Fernet key (32 "
            "bytes in URL-safe base64, 44 characters), as `Fernet.generate_key()` makes."
        )

# The key of blind indexes (`widen.core.crypto.BlindIndex`): a keyed HMAC stored beside an
# encrypted field that must be looked up. Kept apart from the encryption keys. Development and
# tests derive one; in production a blind index refuses to work until it is set.
BLIND_INDEX_KEY = env.text(
    "WIDEN_BLIND_INDEX_KEY",
    ""
    if PRODUCTION
    else hashlib.sha256(b"widen-blind-index-development:" + SECRET_KEY.encode()).hexdigest(),
)
if BLIND_INDEX_KEY and len(BLIND_INDEX_KEY) < 32:
    raise ImproperlyConfigured(
        "Set WIDEN_BLIND_INDEX_KEY to a random value of at least 32 characters."
    )

# Keys that encrypt `widen backup` files (Fernet keys, newest first, kept outside the database and
# away from the backups themselves). The first encrypts; every key decrypts, so old backups still
# restore after a new key is put first. Development and tests derive one from SECRET_KEY;
# production has none unless set, and `widen backup` and `widen restore` then refuse to run.
BACKUP_ENCRYPTION_KEYS = env.items("WIDEN_BACKUP_KEYS", [])
if not BACKUP_ENCRYPTION_KEYS and not PRODUCTION:
    BACKUP_ENCRYPTION_KEYS = [
        base64.urlsafe_b64encode(
            hashlib.sha256(b"widen-backups-development:" + SECRET_KEY.encode()).digest()
        ).decode()
    ]
for _backup_key in BACKUP_ENCRYPTION_KEYS:
    try:
        _backup_key_length = len(base64.urlsafe_b64decode(_backup_key.encode()))
    except (ValueError, TypeError):
        _backup_key_length = 0
    if _backup_key_length != 32:  # a Fernet key is 32 bytes
        raise ImproperlyConfigured(
            "Each key in WIDEN_BACKUP_KEYS must be a Fernet key (32 bytes in URL-safe "
            "base64, 44 characters), as `Fernet.generate_key()` makes."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp_webauthn",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # A provider's own single sign-on for its students (widen.students.mine.single_sign_on):
    # only allauth's OpenID Connect flow is routed; staff sign in with Widen's own pages.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "widen.core",
    "widen.reference",
    "widen.organisations",
    "widen.accounts",
    "widen.audit",
    "widen.notifications",
    "widen.learners",
    "widen.targeting",
    "widen.programmes",
    "widen.students",
    "widen.activities",
    "widen.events",
    "widen.evaluation",
    "widen.payments",
    "widen.partners",
    "widen.support",
    "widen.mentoring",
    "widen.reporting",
    "widen.rights",
    "widen.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "widen.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "widen.accounts.middleware.SessionLifetimeMiddleware",
    "widen.accounts.middleware.MfaRequiredMiddleware",
    "widen.audit.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "widen.core.middleware.NoStoreMiddleware",
    "widen.core.middleware.NotFoundMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "widen.config.urls"
WSGI_APPLICATION = "widen.config.wsgi.application"

# Form widgets are drawn from the same templates as pages, so that widen/templates can mend one
# of Django's (the admin site's date and time boxes get labels).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "widen.accounts.context_processors.memberships",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.text("DATABASE_URL", f"sqlite:///{DATA_DIR / 'widen.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Passwords (SECURITY 6): Argon2id first, long minimum, no composition rules, no expiry.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "first_name", "last_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "widen.accounts.validators.ContextWordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # A passkey signs in someone without a staff role (widen.accounts.passkeys refuses staff).
    "django_otp_webauthn.backends.WebAuthnBackend",
]

# Students' single sign-on through their provider (OpenID Connect apps, one per HE provider, kept
# as allauth's SocialApp: widen.students.mine.single_sign_on). allauth signs in nobody itself: the
# adapter finds the student's account or refuses, and no access token is kept.
SOCIALACCOUNT_ADAPTER = "widen.students.mine.single_sign_on_views.StudentSignOnAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"OAUTH_PKCE_ENABLED": True}}
ACCOUNT_EMAIL_NOTIFICATIONS = False

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Brute force (SECURITY 7): lock a username + IP pair only, for a finite cool-off.
AXES_FAILURE_LIMIT = env.integer("WIDEN_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.integer("WIDEN_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "token"]
AXES_IPWARE_PROXY_COUNT = env.integer("WIDEN_PROXY_COUNT", 0)

# Sessions (SECURITY 8): 30 minutes idle, 10 hours absolute, kept on the server.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_SECONDS = env.integer("WIDEN_SESSION_IDLE_MINUTES", 30) * 60
SESSION_ABSOLUTE_SECONDS = env.integer("WIDEN_SESSION_ABSOLUTE_HOURS", 10) * 3600
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

OTP_TOTP_ISSUER = "Widen"
OTP_TOTP_TOLERANCE = 1

# Transport and cookies (SECURITY 1-3). Development serves plain HTTP on localhost.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.flag("WIDEN_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
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
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Caches, rate-limit counts and background jobs are shared by every server process and machine:
# in the database by default, in Redis when WIDEN_REDIS_URL (or REDIS_URL) names a server.
REDIS_URL = env.text("WIDEN_REDIS_URL", "") or env.text("REDIS_URL", "")
if REDIS_URL:
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600}}  # a large import
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "widen",
        },
        "progress": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "widen-progress",
        },
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The cache table is made by `migrate` (widen.core.cache.database_caches_create).
    # Progress of long jobs (imports) is written outside the job's own transaction, so not in the
    # database: a file beside the data, read by the server processes on the same machine.
    CACHES = {
        "default": {
            "BACKEND": "widen.core.cache.SharedDatabaseCache",
            "LOCATION": "widen_cache",
        },
        "progress": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "progress"),
        },
    }

# E-mail to people who book events or answer surveys. The demo and development print messages to
# the console; a deployment names its SMTP server. The file backend writes each message to a file
# in WIDEN_EMAIL_FILE_PATH.
EMAIL_BACKEND = env.text(
    "WIDEN_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.text("WIDEN_EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("WIDEN_EMAIL_PORT", 25)
EMAIL_HOST_USER = env.text("WIDEN_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env.text("WIDEN_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env.flag("WIDEN_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 30
EMAIL_FILE_PATH = str(Path(env.text("WIDEN_EMAIL_FILE_PATH", str(DATA_DIR / "outbox"))).resolve())
DEFAULT_FROM_EMAIL = env.text("WIDEN_EMAIL_FROM", "Widen <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address people reach Widen at, for links in e-mails sent with no request to take it from
# (the link that stops optional e-mails to someone without an account).
SITE_URL = env.text("WIDEN_SITE_URL", "" if PRODUCTION else "http://localhost:8000")

# Passkeys (WebAuthn, widen.accounts.passkeys): the relying party is the host Widen is reached
# at, WIDEN_PASSKEY_DOMAIN if set, else WIDEN_SITE_URL's host, else the first of ALLOWED_HOSTS
# that is a name (a passkey is bound to it: changing it makes people add their passkeys again).
# Pages on that host, and on any name in ALLOWED_HOSTS inside it, may use passkeys over HTTPS (in
# development, also http://localhost on any port).
OTP_WEBAUTHN_RP_NAME = env.text("WIDEN_PASSKEY_NAME", "Widen")
OTP_WEBAUTHN_RP_ID = env.text("WIDEN_PASSKEY_DOMAIN", "") or passkeys_domain(
    site_url=SITE_URL, allowed_hosts=ALLOWED_HOSTS
)
OTP_WEBAUTHN_ALLOWED_ORIGINS = passkeys_origins(
    domain=OTP_WEBAUTHN_RP_ID, site_url=SITE_URL, allowed_hosts=ALLOWED_HOSTS
)
OTP_WEBAUTHN_HELPER_CLASS = "widen.accounts.passkeys.PasskeyHelper"

# Public pages (booking an event, a booking's link, answering a survey) limit how often one address
# may write. Counts are kept in the default cache, shared by every server process and machine;
# behind proxies the address comes from X-Forwarded-For as WIDEN_PROXY_COUNT says.
RATELIMIT_IP_META_KEY = "widen.core.client_address.client_address"
WIDEN_EVENT_BOOKING_RATE = env.rate("WIDEN_EVENT_BOOKING_RATE", "10/h")
WIDEN_EVENT_CHANGE_RATE = env.rate("WIDEN_EVENT_CHANGE_RATE", "30/h")
WIDEN_EVENT_LINK_RATE = env.rate("WIDEN_EVENT_LINK_RATE", "120/m")
WIDEN_EVENT_LINK_WRITE_RATE = env.rate("WIDEN_EVENT_LINK_WRITE_RATE", "30/m")
WIDEN_EVENT_FEED_RATE = env.rate("WIDEN_EVENT_FEED_RATE", "240/m")
WIDEN_SURVEY_ANSWER_RATE = env.rate("WIDEN_SURVEY_ANSWER_RATE", "60/m")
WIDEN_SURVEY_LINK_RATE = env.rate("WIDEN_SURVEY_LINK_RATE", "10/m")

# Pupil-list imports (SECURITY 15, 16).
WIDEN_IMPORT_MAX_BYTES = env.integer("WIDEN_IMPORT_MAX_MEGABYTES", 40) * 1024 * 1024
WIDEN_IMPORT_MAX_ROWS = env.integer("WIDEN_IMPORT_MAX_ROWS", 250_000)
WIDEN_IMPORT_BACKGROUND_ROWS = env.integer("WIDEN_IMPORT_BACKGROUND_ROWS", 10_000)
WIDEN_IMPORT_ROLLBACK_DAYS = env.integer("WIDEN_IMPORT_ROLLBACK_DAYS", 14)
# Retention (widen.rights): a learner's record is anonymised this many years after they leave
# Year 13, unless their consent to tracking covers longer.
WIDEN_LEARNER_YEARS_AFTER_YEAR_13 = env.integer("WIDEN_LEARNER_YEARS_AFTER_YEAR_13", 3)
# A student's record is anonymised this many years after they withdrew, completed or graduated.
WIDEN_STUDENT_YEARS_AFTER_LEAVING = env.integer("WIDEN_STUDENT_YEARS_AFTER_LEAVING", 6)
# How long the access log (who viewed whose data) is kept before retention deletes it.
WIDEN_ACCESS_LOG_YEARS = env.integer("WIDEN_ACCESS_LOG_YEARS", 6)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# A notification that failed every attempt keeps a one-time link or a message to an address
# without an account only this long; then `widen notifications forget` wipes it.
WIDEN_NOTIFICATION_FAILED_DAYS = env.integer("WIDEN_NOTIFICATION_FAILED_DAYS", 30)

# Watching for misuse (`widen watch run`, hourly; widen.audit.watching). The data-protection
# officers are alerted when one account, in one clock hour, reads the identities of more learners
# than both the floor and the multiple times its usual busy hour (the 95th percentile of its
# active hours over the baseline days), or downloads this many exports.
WIDEN_WATCH_IDENTITY_FLOOR = env.integer("WIDEN_WATCH_IDENTITY_FLOOR", 200)
WIDEN_WATCH_IDENTITY_MULTIPLE = env.integer("WIDEN_WATCH_IDENTITY_MULTIPLE", 3)
WIDEN_WATCH_BASELINE_DAYS = env.integer("WIDEN_WATCH_BASELINE_DAYS", 30)
WIDEN_WATCH_EXPORTS_PER_HOUR = env.integer("WIDEN_WATCH_EXPORTS_PER_HOUR", 10)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.text("WIDEN_LOG_LEVEL", "WARNING")},
    "loggers": {"widen": {"level": env.text("WIDEN_LOG_LEVEL", "INFO"), "propagate": True}},
}
