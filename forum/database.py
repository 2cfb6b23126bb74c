"""The database handle, the model base class, and how each database engine is set up."""

from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, datetime
from typing import TypeVar

from flask import (
    Flask,
    Response,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
)
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Engine, MetaData, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase

from forum import stemming

# Stable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
View = TypeVar("View", bound=Callable)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


def utcnow() -> datetime:
    """Now, in UTC without a zone: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def roll_back(keep: Callable[[], object] | None = None) -> None:
    """Nothing of a refused attempt is kept but what the refusal itself records (a refusal on an
    anonymous post is logged): `keep` writes it after the rollback, and it is committed alone."""
    db.session.rollback()
    if keep is not None:
        keep()
        db.session.commit()


def end_readers_with_commit(app: Flask) -> None:
    """A request that only read ends its transaction with COMMIT rather than ROLLBACK.

    Both leave the data as it was, but psycopg forgets its prepared statements at every
    ROLLBACK, so PostgreSQL planned every statement of every page afresh. Requests that change
    something commit in their views, or roll back on an error, as before.
    """

    @app.after_request
    def commit_reader(response: Response) -> Response:
        session = db.session()
        reader = not (session.new or session.dirty or session.deleted)
        if request.method in SAFE_METHODS and response.status_code < 400 and reader:
            # It wrote nothing: should the connection have gone, the page stands.
            with suppress(DBAPIError):
                if session.in_transaction():
                    session.commit()
        return response


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine, busy_timeout_ms)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, foreign keys, a busy timeout, and write transactions that queue instead of failing.

    A request that changes something, and every task of the job queue, starts with BEGIN
    IMMEDIATE, taking the write lock up front; with a plain BEGIN two writers that both read
    first would fail with "database is locked".
    """

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by the driver
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()
        # The search index's triggers stem Spanish with it (forum/models/search.py).
        dbapi_connection.create_function(
            stemming.SQL_NAME, 1, stemming.spanish_stems, deterministic=True
        )

    @event.listens_for(engine, "begin")
    def on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing_request() else "BEGIN")


def records_on_get(view: View) -> View:
    """Marks one of the few GET views that records something (a confirmed address, a read
    receipt): on SQLite it takes the write lock up front like a POST. A reader that turns writer
    fails at once with "database is locked" if anything was committed since it began to read."""
    view.records_on_get = True  # type: ignore[attr-defined]
    return view


def writing_request() -> bool:
    """A request that may change something, or a task of the worker that writes: on SQLite its
    session holds the write lock from its first statement, so anything it writes goes through
    that session, not a second one."""
    if has_app_context() and g.get("takes_write_lock", False):
        return True
    if not has_request_context():
        return False
    if request.method not in SAFE_METHODS:
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "records_on_get", False)
