"""Backing up the database while the forum runs, and restoring a backup into an empty one.

SQLite: the online backup API copies a consistent snapshot page by page while others write.
PostgreSQL: pg_dump in its custom format (compressed, restored with pg_restore).
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 -- runs pg_dump/pg_restore only, with an argument list
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL


class BackupError(Exception):
    """Something an operator can fix: a missing tool, a path, a database that isn't empty."""


def backup(engine: Engine, path: Path) -> None:
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} already exists; choose a new file name.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    url = engine.url
    if url.get_backend_name() == "sqlite":
        source = _sqlite_file(url)
        with _connect(source) as src, _connect(path) as dst:
            src.backup(dst)
        return
    if url.get_backend_name() == "postgresql":
        _run_tool("pg_dump", ["--format=custom", "--no-owner", f"--file={path}"], url)
        return
    raise BackupError(f"Backups of {url.get_backend_name()} databases are not supported.")


def restore(engine: Engine, path: Path, replace: bool = False) -> None:
    """Load a backup into the configured database, which must be empty unless `replace`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"There is no backup at {path}.")
    if inspect(engine).get_table_names() and not replace:
        raise BackupError(
            "The database already has tables. Restore into an empty database, "
            "or pass --replace to overwrite everything in it."
        )
    url = engine.url
    engine.dispose()  # nothing of ours holds the database while it is rewritten
    if url.get_backend_name() == "sqlite":
        target = _sqlite_file(url)
        with _connect(path) as src, _connect(target) as dst:
            src.backup(dst)
        return
    if url.get_backend_name() == "postgresql":
        options = ["--no-owner", "--exit-on-error", "--single-transaction"]
        if replace:
            options += ["--clean", "--if-exists"]
        _run_tool("pg_restore", [*options, str(path)], url)
        return
    raise BackupError(f"Restoring {url.get_backend_name()} databases is not supported.")


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("This SQLite database lives in memory; there is no file to back up.")
    return Path(url.database)


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA busy_timeout=15000")
    return connection


def _run_tool(tool: str, arguments: list[str], url: URL) -> None:
    """Run pg_dump or pg_restore against the database; the password goes in the environment,
    never on a command line others can read."""
    program = shutil.which(tool)
    if program is None:
        raise BackupError(
            f"{tool} was not found. Install the PostgreSQL client tools (Debian: "
            f"apt-get install postgresql-client, the same major version as the server)."
        )
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = url.password
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    result = subprocess.run(  # noqa: S603 -- a fixed program found on PATH, arguments as a list
        [program, f"--dbname={target}", *arguments],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip() or result.returncode}")
