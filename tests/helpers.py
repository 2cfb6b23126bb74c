"""What the tests share besides fixtures: the test app, clients signed in through the real form,
counting a page's statements, emptying the database, and a real SMTP server's inbox."""

import contextvars
import email
import os
import socket
import threading
from email import policy
from html.parser import HTMLParser

from flask import Flask, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import event, select, text

from forum import create_app, page_cache, queue
from forum.config import TestConfig, database_url
from forum.database import db
from tests import factories

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def make_app(url: str, **settings) -> Flask:
    config = type("Config", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url, **settings})
    app = create_app(config)
    app.wsgi_app = IsolatedRequests(app.wsgi_app, app)
    app.test_client_class = WholeResponses
    return app


class WholeResponses(FlaskClient):
    """Read each response to its end and close it, as a server does, so the work a response
    does after it has gone (sending the email a request wrote) is done before a test looks."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


class IsolatedRequests:
    """Run each request in its own app context and database session, as in production.

    Tests hold an app context of their own to set up and inspect data; without this, Flask would
    reuse it for requests, and requests would share the test's session and its cached objects.

    After a request that may have changed something, what it left on the job queue is run, as a
    worker would have by the time a member looks (`run_queue = False` leaves it waiting).
    """

    run_queue = True

    def __init__(self, wsgi_app, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.app = app

    def __call__(self, environ, start_response):
        if has_app_context():
            db.session.commit()  # what the test set up is visible to the request
        try:
            return contextvars.Context().run(self.wsgi_app, environ, start_response)
        finally:
            if has_app_context():
                db.session.commit()  # and the test sees what the request did, not a stale copy
            if self.run_queue and environ.get("REQUEST_METHOD") != "GET":
                contextvars.Context().run(self._run_queue)

    def _run_queue(self) -> None:
        with self.app.app_context():
            queue.run_waiting()


def backend_url(backend: str, tmp_path_factory) -> str:
    if backend == "postgresql":
        return database_url(os.environ["TEST_DATABASE_URL"])
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite')}/forum.db"


def empty_database() -> None:
    """Delete every row, restart the ids from 1, and forget every page kept for visitors and
    the work left waiting in the queue (it names rows that are no longer there)."""
    db.session.rollback()
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        quoted = ", ".join(f'"{name}"' for name in tables)
        db.session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f'DELETE FROM "{name}"'))
    db.session.commit()
    page_cache.cache.clear()  # ids start again from 1: no page kept so far is served later
    queue.huey.flush()


# What signing in and reading write, which tests that only read still do: a sign-in, "last seen",
# and how far a member has read each thread (for "new replies since you last looked").
SIGN_IN_TRACES = {"login_session": None, "user": {"last_seen_at"}, "thread_visit": None}


def stored_rows() -> dict[str, list[tuple]]:
    """Every row of every table, in id order, but for what signing in and reading write."""
    rows = {}
    for table in db.metadata.sorted_tables:
        left_out = SIGN_IN_TRACES.get(table.name, set())
        if left_out is None:
            continue
        columns = [c for c in table.columns if c.name not in left_out]
        statement = select(*columns).order_by(*table.primary_key.columns)
        rows[table.name] = [tuple(row) for row in db.session.execute(statement)]
    return rows


def count_queries(client, url: str) -> int:
    """The SQL statements one page runs (a 200 is asserted), not counting SQLite's BEGIN (or
    BEGIN IMMEDIATE, for a page that records something)."""
    statements = []

    def record(conn, cursor, statement, *args):
        if statement not in ("BEGIN", "BEGIN IMMEDIATE"):  # SQLite's; PostgreSQL sends none
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def signed_in(app, user) -> FlaskClient:
    """A client of its own, signed in as this member through the real login form."""
    browser = app.test_client()
    response = browser.post("/login", data={"login": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302, response.text
    return browser


class Inbox:
    """A real SMTP server's handler: every message it accepts, parsed, and who it was for.

    Emails are sent by the job queue's worker: reading the inbox first runs what waits in the
    queue, as a worker would have by then."""

    def __init__(self) -> None:
        self._messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()  # recipients it answers with a permanent error

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        # Only from the test itself: the SMTP server's own thread looks at its handler too.
        if threading.current_thread() is threading.main_thread():
            queue.run_waiting()
        return self._messages

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        message.raw = envelope.content  # the bytes as they came over the wire
        self._messages.append(message)
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Forms(HTMLParser):
    """Every form on a page: where it goes, and what it would send as it stands."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, dict[str, str]]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        named = dict(attrs)
        if tag == "form":
            self.forms.append((named.get("action") or "", {}))
        elif self.forms and tag == "input" and named.get("name"):
            if named.get("type") not in ("checkbox", "radio") or "checked" in named:
                self.forms[-1][1][named["name"]] = named.get("value") or ""
        elif self.forms and tag == "textarea" and named.get("name"):
            self._textarea = named["name"]
            self.forms[-1][1][self._textarea] = ""

    def handle_data(self, data) -> None:
        if self._textarea:
            self.forms[-1][1][self._textarea] += data

    def handle_endtag(self, tag) -> None:
        if tag == "textarea":
            self._textarea = None


def form_sending_to(page: str, action: str) -> dict[str, str]:
    """What the page's form that posts to `action` sends as it stands (a browser drops the
    first newline inside a textarea, as here)."""
    parser = _Forms()
    parser.feed(page)
    for found, fields in parser.forms:
        if found == action:
            return {name: value.removeprefix("\n") for name, value in fields.items()}
    raise AssertionError(f"no form posts to {action}")
