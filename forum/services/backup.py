"""Backing up the database while the forum runs, and restoring a backup into an empty one.

SQLite: the online backup API copies a consistent snapshot page by page while others write.
PostgreSQL: pg_dump in its custom format (compressed, restored with pg_restore).
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 -- runs pg_dump/pg_restore only, with an argument list
from pathlib import Path

from flask_babel import gettext
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL


class BackupError(Exception):
    """Something an operator can fix: a missing tool, a path, a database that isn't empty."""


def backup(engine: Engine, path: Path) -> None:
    path = Path(path)
    if path.exists():
        raise BackupError(
            gettext("%(path)s already exists; choose a new file name.", path=str(path))
        )
    if not path.parent.is_dir():
        raise BackupError(gettext("The folder %(path)s does not exist.", path=str(path.parent)))
    url = engine.url
    if url.get_backend_name() == "sqlite":
        source = _sqlite_file(url)
        with _connect(source) as src, _connect(path) as dst:
            src.backup(dst)
        return
    if url.get_backend_name() == "postgresql":
        _run_tool("pg_dump", ["--format=custom", "--no-owner", f"--file={path}"], url)
        return
    raise BackupError(
        gettext(
            "Backups of %(database)s databases are not supported.",
            database=url.get_backend_name(),
        )
    )


def restore(engine: Engine, path: Path, replace: bool = False) -> None:
    """Load a backup into the configured database, which must be empty unless `replace`."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(gettext("There is no backup at %(path)s.", path=str(path)))
    if inspect(engine).get_table_names() and not replace:
        raise BackupError(
            gettext(
                "The database already has tables. Restore into an empty database, "
                "or pass --replace to overwrite everything in it."
            )
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
    raise BackupError(
        gettext(
            "Restoring %(database)s databases is not supported.", database=url.get_backend_name()
        )
    )


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError(
            gettext("This SQLite database lives in memory; there is no file to back up.")
        )
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
            gettext(
                "%(tool)s was not found. Install the PostgreSQL client tools (Debian: "
                "apt-get install postgresql-client, the same major version as the server).",
                tool=tool,
            )
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
        raise BackupError(
            gettext(
                "%(tool)s failed: %(error)s",
                tool=tool,
                error=result.stderr.strip() or str(result.returncode),
            )
        )
