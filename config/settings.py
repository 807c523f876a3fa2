"""Yingshang settings: one environment-driven file.

SQLite is the embedded default; set DATABASE_URL for PostgreSQL. Set YINGSHANG_PRODUCTION=1 (with
DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS) for the hardened production profile.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


PRODUCTION = env_flag("YINGSHANG_PRODUCTION")
DEBUG = env_flag("DJANGO_DEBUG", default=not PRODUCTION)
TESTING = env_flag("YINGSHANG_TESTING")

if PRODUCTION:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
    ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
else:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = ["*"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from its own static files (no CDN)
    "yingshang.core",
    "yingshang.accounts",
    "yingshang.enterprises",
    "yingshang.policies",
    "yingshang.appeals",
    "yingshang.plans",
    "yingshang.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yingshang.core.middleware.RequestIdMiddleware",
    "yingshang.core.middleware.RejectNulBytesMiddleware",
    # Session, locale, authentication, keep-alive and messages: pages only, passed by for an API request with a
    # bearer token (core.api_middleware; the same Django middleware for every other request).
    "yingshang.core.api_middleware.Session",
    "yingshang.core.api_middleware.Locale",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",  # named as is: `check --deploy` looks for it
    "yingshang.core.api_middleware.Authentication",
    "yingshang.core.api_middleware.SessionKeepAlive",
    "yingshang.core.api_middleware.Messages",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Innermost: a repeated GET of a @kept_whole view answered from the shared cache (core.page_cache).
    "yingshang.core.page_cache.PageCacheMiddleware",
]

if PRODUCTION:
    # Static files straight from the app server (collectstatic has filled STATIC_ROOT).
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "yingshang.core.context_processors.platform",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs more than it saves on our short OLTP queries (measured: +58 ms on a 46k-row count).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web server write without blocking readers.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
                        "PRAGMA temp_store=MEMORY;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = ["yingshang.accounts.backends.LockoutModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yingshang.accounts.validators.CharacterClassValidator"},
]
# Lockout after repeated failures (per username): LOGIN_MAX_FAILURES within the window locks for LOGIN_LOCKOUT_MINUTES.
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:portal"
# Independent audit hash chains (core.audit): on PostgreSQL concurrent audited writes each take a free lane.
AUDIT_CHAIN_LANES = int(os.environ.get("AUDIT_CHAIN_LANES", "8"))

# Sessions expire after 30 idle minutes and at browser close; SessionKeepAliveMiddleware moves the expiry
# forward at most once a minute instead of writing the session on every request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "yingshang.core.views.csrf_failure"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("YINGSHANG_MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Caches. "default" is shared by every process of the site: login throttling, the public form's rate limit and the
# captcha's single use must hold across gunicorn workers. CACHE_URL=redis://… uses Redis (and sessions are then read
# from it, written through to the database); without it, production uses a table in the database (created by the
# core migration 0003); development and tests use per-process memory. "local" is per-process memory for reference data
# that may be a few minutes stale (the city's name, filter options) and must not cost a round trip per page.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
# With a Redis cache the costliest page bodies are kept until a table they read is written (core.dataversions).
# YINGSHANG_KEEP_PAGES=0 renders every page every time (to rule the kept pages out, or to measure without them).
KEEP_PAGES = os.environ.get("YINGSHANG_KEEP_PAGES", "1").strip() != "0"
# Whole responses of @kept_whole views kept per viewer (core.page_cache), where pages are kept at all;
# YINGSHANG_KEEP_WHOLE_PAGES=0 turns it off. Off in the test suite unless a test turns it on (the page cache's own
# tests, and the permission matrix run twice with it on).
KEEP_WHOLE_PAGES = os.environ.get("YINGSHANG_KEEP_WHOLE_PAGES", "0" if TESTING else "1").strip() != "0"
_LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "yingshang-local"}
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "yingshang.core.cache.SharedRedisCache", "LOCATION": CACHE_URL,
                          "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "yingshang")},
              "local": _LOCAL_CACHE}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_URL == "database" or (PRODUCTION and not CACHE_URL):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "yingshang_cache"},
              "local": _LOCAL_CACHE}
elif CACHE_URL in ("", "memory"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "yingshang"},
              "local": _LOCAL_CACHE}
else:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"CACHE_URL 无法识别：{CACHE_URL!r}（可用 redis://…、database 或 memory）")

# E-mail (policy push through DjangoEmailAdapter). Production: SMTP from EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD and EMAIL_USE_TLS / EMAIL_USE_SSL; development prints messages on the console; tests use
# Django's in-memory outbox.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@yingshang.local")
if PRODUCTION or os.environ.get("EMAIL_HOST"):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {
        "host": os.environ.get("EMAIL_HOST", "localhost"), "port": int(os.environ.get("EMAIL_PORT", "25")),
        "username": os.environ.get("EMAIL_HOST_USER", ""), "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_flag("EMAIL_USE_TLS"), "use_ssl": env_flag("EMAIL_USE_SSL"), "timeout": 30}}}
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Uploads: the largest file the platform accepts (import spreadsheets, attachments).
MAX_UPLOAD_BYTES = int(os.environ.get("YINGSHANG_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "YINGSHANG_TASK_BACKEND",
            "django.tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        ),
    }
}

# Content-Security-Policy: everything is served from our own origin (no CDN).
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # Inline style attributes are allowed (progress bars, ECharts); scripts need our nonce.
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Cached page fragments (core.dataversions) are keyed by tokens renewed when their tables are written: after COMMIT,
# and in tests at every write statement as well, since a test's transaction never commits.
DATA_VERSIONS_EAGER = TESTING

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# The city this installation serves; another city ships its own reference data directory.
YINGSHANG_CITY_DATA = Path(os.environ.get("YINGSHANG_CITY_DATA", BASE_DIR / "yingshang" / "core" / "data" / "zhangye"))
YINGSHANG_PLATFORM_NAME = os.environ.get("YINGSHANG_PLATFORM_NAME", "")
