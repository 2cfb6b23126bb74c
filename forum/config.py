"""Settings, read from the environment. SQLite in the instance folder is the default."""

import os
import secrets
import tempfile
import time
from pathlib import Path


def database_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def instance_path() -> str | None:
    """INSTANCE_PATH: where the key, the SQLite database's default home, rate-limit counts and
    cached pages live; None: Flask's default, instance/ beside the code."""
    path = os.environ.get("INSTANCE_PATH")
    return str(Path(path).resolve()) if path else None


def instance_secret_key(instance_path: str) -> str:
    """The key kept in the instance folder, made on first use, so no secret lives in code.

    Several workers may start at once: one creates the file (readable by its owner only)
    and writes it in one go; the others wait until it holds a whole key.
    """
    path = Path(instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(100):
            key = path.read_text().strip()
            if len(key) == 64:
                return key
            time.sleep(0.01)
        raise RuntimeError(
            f"{path} does not hold a whole key; delete it to make a new one"
        ) from None
    key = secrets.token_hex(32)
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
    return key


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# The push services of the browsers people use: Chrome, Edge and Samsung Internet (FCM),
# Firefox (Mozilla), Safari (Apple), and Windows' own. PUSH_ALLOWED_HOSTS adds more.
DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.services.mozilla.com",
    "web.push.apple.com",
    "*.push.apple.com",
    "*.notify.windows.com",
)


def _list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")  # None: read from the instance folder
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL", "sqlite:///blossom.db"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # A tired parent may leave a reply half-written for hours: tokens last as long as the session.
    WTF_CSRF_TIME_LIMIT = None
    # A post is at most 20,000 characters, up to 240 KB once encoded (emoji take 12 bytes each).
    # Below these limits a long post gets its own message, with the text kept.
    MAX_CONTENT_LENGTH = 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    # The forms that take photos (forum/oversized.py) may carry four of IMAGE_MAX_BYTES each,
    # streamed to disk, beside their text. A photo over its limit gets a message at its place;
    # a request over the whole limit still gets the form back with her words in it.
    IMAGE_MAX_BYTES = 16 * 1024 * 1024
    PHOTO_REQUEST_MAX = 4 * IMAGE_MAX_BYTES + 2 * 1024 * 1024
    # Pictures (forum/image_storage.py): "local" keeps them in IMAGE_FOLDER (instance/images by
    # default); "s3" in S3_BUCKET on AWS or any S3-compatible store at S3_ENDPOINT_URL.
    IMAGE_STORAGE = os.environ.get("IMAGE_STORAGE", "local")
    IMAGE_FOLDER = os.environ.get("IMAGE_FOLDER")
    S3_BUCKET = os.environ.get("S3_BUCKET")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")
    S3_REGION = os.environ.get("S3_REGION")
    S3_PREFIX = os.environ.get("S3_PREFIX", "")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SECURE_COOKIES")
    REMEMBER_COOKIE_NAME = "remember_token"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _flag("SECURE_COOKIES")

    # Rate limits (forum/limits.py): counted in Redis when REDIS_URL is set, else in a SQLite file
    # in the instance folder that every worker on this host shares (None: that file).
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", default=True)
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or None
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "blossom")
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After tells a limited client when to come back
    # If Redis (or the file) is unreachable, count in memory meanwhile rather than fail the request.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Visitors' pages (forum/page_cache.py): in Redis when REDIS_URL is set, else in files in
    # instance/page-cache that every worker shares. A copy lives a minute at most.
    PAGE_CACHE = _flag("PAGE_CACHE", default=True)
    CACHE_TYPE = "RedisCache" if os.environ.get("REDIS_URL") else "FileSystemCache"
    CACHE_REDIS_URL = os.environ.get("REDIS_URL")
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "blossom-pages:")
    CACHE_DEFAULT_TIMEOUT = 60
    CACHE_THRESHOLD = 10_000  # files kept at most, without Redis
    # The job queue (forum/queue.py): "sqlite" (instance/queue.db, this host's processes share it),
    # "redis" (every host shares REDIS_URL) or "memory" (one process: the tests).
    REDIS_URL = os.environ.get("REDIS_URL")
    QUEUE = os.environ.get("QUEUE") or ("redis" if os.environ.get("REDIS_URL") else "sqlite")
    # The queue's name (its Redis keys): forums sharing one Redis each need one of their own.
    QUEUE_NAME = os.environ.get("QUEUE_NAME", "blossom")
    # How many proxies in front of the app set X-Forwarded-For/-Proto; 0 trusts no such header.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", 0))

    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 -- the name of a hash method, not a password
    SQLITE_BUSY_TIMEOUT_MS = 15_000
    AUTO_HIDE_REPORTS = int(os.environ.get("AUTO_HIDE_REPORTS", 3))
    # The language and time zone of whoever has not chosen and whose browser asks for none of ours.
    BABEL_DEFAULT_LOCALE = os.environ.get("BABEL_DEFAULT_LOCALE", "en")
    BABEL_DEFAULT_TIMEZONE = os.environ.get("BABEL_DEFAULT_TIMEZONE", "UTC")
    # None: forum/translations, compiled into the instance folder at start.
    BABEL_TRANSLATION_DIRECTORIES = os.environ.get("BABEL_TRANSLATION_DIRECTORIES")
    SAFETY_CONFIG = os.environ.get("SAFETY_CONFIG")  # None: forum/data/safety.toml
    SAFETY_COUNTRY = os.environ.get("SAFETY_COUNTRY", "US")  # whose resources, unless she says
    WAITING_DAYS = 14
    # Helpers (forum/services/care.py): a thread nobody has answered nudges a few of them after
    # CARE_WAIT_MINUTES, a member's first thread sooner; quiet hours are in HELPER_TIMEZONE.
    CARE_WAIT_MINUTES = int(os.environ.get("CARE_WAIT_MINUTES", 30))
    CARE_FIRST_WAIT_MINUTES = int(os.environ.get("CARE_FIRST_WAIT_MINUTES", 10))
    CARE_HELPERS_PER_ROUND = int(os.environ.get("CARE_HELPERS_PER_ROUND", 2))
    CARE_MAX_NUDGES_PER_THREAD = int(os.environ.get("CARE_MAX_NUDGES_PER_THREAD", 6))
    CARE_CLAIM_MINUTES = 15
    HELPER_TIMEZONE = os.environ.get("HELPER_TIMEZONE", "UTC")
    NOTIFICATIONS_PER_PAGE = 25

    # Links in emails are built on this address, never on the Host header a request arrived with.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    # No MAIL_SERVER: emails are written as .eml files to MAIL_FOLDER (instance/mail by default).
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", 25))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS")  # STARTTLS
    MAIL_USE_SSL = _flag("MAIL_USE_SSL")  # TLS from the first byte, usually port 465
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Blossom <hello@blossom.invalid>")
    MAIL_FOLDER = os.environ.get("MAIL_FOLDER")
    MAIL_TIMEOUT = 10
    MAIL_MAX_ATTEMPTS = 10
    REQUIRE_VERIFIED_EMAIL = _flag("REQUIRE_VERIFIED_EMAIL")
    THREADS_PER_PAGE = 25
    POSTS_PER_PAGE = 20
    # Message requests: who may start one (an account this many days old that has posted), and
    # how many a day.
    MESSAGE_REQUEST_MIN_AGE_DAYS = int(os.environ.get("MESSAGE_REQUEST_MIN_AGE_DAYS", 7))
    MESSAGE_REQUEST_NEEDS_POST = _flag("MESSAGE_REQUEST_NEEDS_POST", default=True)
    MESSAGE_REQUEST_DAILY_CAP = int(os.environ.get("MESSAGE_REQUEST_DAILY_CAP", 5))

    # The installed app (/manifest.webmanifest): a name and icon that say nothing of what the
    # site is about on a home screen, unless the admin chooses otherwise. Icons are in static/.
    APP_NAME = os.environ.get("APP_NAME", "Blossom")
    APP_SHORT_NAME = os.environ.get("APP_SHORT_NAME", APP_NAME)
    APP_ICON_192 = os.environ.get("APP_ICON_192", "img/app-192.png")
    APP_ICON_512 = os.environ.get("APP_ICON_512", "img/app-512.png")
    # Web push: the VAPID key (PEM or base64url; None: made once in instance/vapid_private_key.pem),
    # who push services may contact about our pushes, and where the server may post them.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY")
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:hello@blossom.invalid")
    PUSH_ALLOWED_HOSTS = DEFAULT_PUSH_HOSTS + _list("PUSH_ALLOWED_HOSTS")
    PUSH_TTL = 12 * 60 * 60  # how long a push service keeps a push for a phone that is off


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 -- the tests' fixed key, never used outside them
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = False  # tests/test_csrf.py turns it back on and checks every POST route
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 -- a hash method name: fast for tests; production keeps scrypt
    RATELIMIT_ENABLED = False  # tests/test_limits.py turns limits on where it tests them
    RATELIMIT_STORAGE_URI = "memory://"
    CACHE_TYPE = "SimpleCache"  # each test app has a cache of its own, in memory
    QUEUE = "memory"  # tests run what waits with forum.queue.run_waiting()
    # Each test run keeps its pictures in a folder of its own under the system's temporary one.
    IMAGE_FOLDER = str(Path(tempfile.gettempdir()) / f"blossom-test-images-{os.getpid()}")
