"""Fixtures: the app on each database, a client, members, and a clean database for every test.

Every test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set.
"""

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from forum.database import db
from forum.services.categories import create_default_categories
from tests import factories
from tests.helpers import BACKENDS, Inbox, backend_url, empty_database, free_port, make_app


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


@pytest.fixture(autouse=True)
def _context(request):
    """Each test runs in an app context with the default categories, and leaves no rows behind."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
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
