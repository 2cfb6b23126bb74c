"""Fixtures: the app on each database, a client, members, and a clean database for every test
(or, for a module whose tests only read, one database kept for the whole module).

Every test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
"""

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from forum import page_cache, queue
from forum.database import db
from forum.services.categories import create_default_categories
from tests import factories
from tests.helpers import (
    BACKENDS,
    Inbox,
    backend_url,
    empty_database,
    free_port,
    make_app,
    stored_rows,
)


@pytest.fixture(scope="session", params=BACKENDS)
def app(request, tmp_path_factory) -> Flask:
    mail_folder = str(tmp_path_factory.mktemp("mail"))
    app = make_app(backend_url(request.param, tmp_path_factory), MAIL_FOLDER=mail_folder)
    with app.app_context():
        db.drop_all()
        db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


# The apps whose database a module keeps for all of its tests (see module_database), with the
# rows its first test found there.
_kept: dict[Flask, dict | None] = {}


@pytest.fixture(scope="module")
def module_database(app):
    """For a module whose tests only read: the rows its module-scoped fixtures store are made once
    on each database, stay for all of its tests, and are deleted when the module is done.

    Every test of such a module uses this fixture, through the fixture that stores its rows; a
    test that writes needs a fresh database and belongs in another module. After each test the
    rows are compared with those the module's first test found, so a test that writes fails."""
    with app.app_context():
        create_default_categories()
        db.session.commit()
    _kept[app] = None
    yield
    del _kept[app]
    with app.app_context():
        empty_database()


@pytest.fixture(autouse=True)
def _context(request):
    """Each test runs in an app context with the default categories, and leaves no rows behind,
    but for the rows of a module that keeps them (module_database) until that module is done."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    queue.huey.flush()  # no test runs work an earlier test asked for
    if "module_database" in request.fixturenames:
        with app.app_context():
            if _kept[app] is None:
                _kept[app] = stored_rows()
            yield
            db.session.rollback()
            page_cache.cache.clear()  # the next test renders its pages afresh, as here
            now = stored_rows()
            changed = [name for name, rows in _kept[app].items() if now[name] != rows]
            if changed:
                _kept[app] = now  # the next test is blamed only for what it writes itself
                pytest.fail(f"this test wrote to {', '.join(changed)}, which its module keeps")
        return
    if app in _kept:
        pytest.fail("this test needs a fresh database, but its module keeps its rows between tests")
    with app.app_context():
        create_default_categories()
        db.session.commit()
        yield
        empty_database()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def member(app):
    return factories.member("hannah")


@pytest.fixture
def other_member(app):
    return factories.member("priya")


@pytest.fixture
def moderator(app):
    return factories.member("morgan", role="moderator")


@pytest.fixture
def login(client):
    """login(user) signs the test client in as that member, through the real login form."""

    def sign_in(user, remember: bool = False):
        data = {"login": user.username, "password": factories.PASSWORD}
        if remember:  # an unticked box is left out of a form, as a browser does
            data["remember"] = "y"
        response = client.post("/login", data=data)
        assert response.status_code == 302, response.text
        return user

    return sign_in


@pytest.fixture(scope="session")
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(app, smtp_server) -> Inbox:
    """The app sends to a real SMTP server on localhost for this test; its inbox starts empty."""
    inbox = smtp_server.handler
    inbox.messages.clear()
    inbox.refuse.clear()
    saved = {key: app.config[key] for key in ("MAIL_SERVER", "MAIL_PORT")}
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    yield inbox
    app.config.update(saved)
