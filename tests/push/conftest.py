"""The test push service, and an app that may post to it."""

import pytest

from forum import queue
from tests.push_service import PushService


@pytest.fixture
def service():
    running = PushService()
    yield running
    running.close()


@pytest.fixture
def pushing(app, service, monkeypatch):
    """The app may post to the test push service (plain HTTP on 127.0.0.1), and the queue runs
    its tasks in this app."""
    monkeypatch.setitem(
        app.config, "PUSH_ALLOWED_HOSTS", (*app.config["PUSH_ALLOWED_HOSTS"], "127.0.0.1")
    )
    monkeypatch.setattr(queue, "_app", app)
    queue.huey.flush()
    yield service
    queue.huey.flush()
