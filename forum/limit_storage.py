"""Rate-limit counts in a SQLite file, so every process on one host shares them without Redis.

The `limits` library (under Flask-Limiter) keeps counts in memory, Redis, Memcached or MongoDB.
In memory, each gunicorn worker counts on its own: with four workers a limit of 5 lets about 20
through. This storage registers the scheme ``sqlite:///<path>`` with `limits` (a relative path;
``sqlite:////srv/x.sqlite`` for an absolute one, as SQLAlchemy spells it), so
``RATELIMIT_STORAGE_URI`` can name a file every worker opens (the instance folder's
``rate-limits.sqlite`` by default, see forum/limits.py). It serves the fixed-window strategy
Flask-Limiter uses by default. Each count is one ``INSERT ... ON CONFLICT ... RETURNING``: one
statement, atomic across processes, under SQLite's write lock (WAL mode, a busy timeout).
"""

import os
import sqlite3
import threading
import time
from urllib.parse import urlparse

from limits.storage import Storage

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_count (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires REAL NOT NULL
) WITHOUT ROWID
"""
_INCREMENT = """
INSERT INTO rate_count (key, count, expires) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN expires <= :now THEN :amount ELSE count + :amount END,
    expires = CASE WHEN expires <= :now THEN :now + :expiry ELSE expires END
RETURNING count
"""
SCHEME = "sqlite"
PURGE_EVERY = 1000  # counts made by one process between two sweeps of expired rows


class SQLiteStorage(Storage):
    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, timeout: float = 5, **options):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = urlparse(uri).path[1:]
        if not self.path:
            raise ValueError(f"{uri!r} names no file: use sqlite:////absolute/path")
        self.timeout = float(timeout)
        self._local = threading.local()
        self._made = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """One connection per thread and process: a worker forked after a count opens its own."""
        connection = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
            # The keys hold what was typed at sign-in (names, addresses): its owner's to read.
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")  # counts, not records: speed first
            connection.execute(_SCHEMA)
            self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        params = {"key": key, "amount": amount, "now": now, "expiry": expiry}
        (count,) = connection.execute(_INCREMENT, params).fetchone()
        self._made += 1
        if self._made % PURGE_EVERY == 0:
            connection.execute("DELETE FROM rate_count WHERE expires <= ?", (now,))
        return count

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute(
                "SELECT count FROM rate_count WHERE key = ? AND expires > ?", (key, time.time())
            )
            .fetchone()
        )
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        row = (
            self._connection()
            .execute(
                "SELECT expires FROM rate_count WHERE key = ? AND expires > ?", (key, time.time())
            )
            .fetchone()
        )
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM rate_count").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM rate_count WHERE key = ?", (key,))
