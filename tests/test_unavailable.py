"""With the database unreachable, every page answers a quick, kind 503 and keeps what was typed."""

import time

import pytest

from forum.database import db
from tests.helpers import make_app


@pytest.fixture(params=["sqlite", "postgresql"])
def unreachable_app(request, tmp_path):
    """An app whose database can't be reached: a file in a folder that doesn't exist, or a
    PostgreSQL server address where nothing listens."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/missing-folder/forum.db"
    else:
        url = "postgresql+psycopg://blossom@127.0.0.1:9/blossom"
    app = make_app(url)
    yield app
    with app.app_context():
        db.engine.dispose()


def test_pages_answer_503_quickly(unreachable_app):
    client = unreachable_app.test_client()
    for path in ("/", "/c/back-to-work", "/t/1", "/waiting"):
        started = time.monotonic()
        response = client.get(path)
        assert time.monotonic() - started < 5
        assert response.status_code == 503, path
        assert "Blossom is taking a short break" in response.text
        assert response.headers["Retry-After"] == "10"


def test_a_reply_sent_while_the_database_is_down_is_shown_back(unreachable_app):
    client = unreachable_app.test_client()
    with client.session_transaction() as session:  # a member's cookie, as if signed in earlier
        session["_user_id"] = "1:a-sign-in-token"
    response = client.post("/t/1/reply", data={"body": "I know this feeling so well."})
    assert response.status_code == 503
    assert "I know this feeling so well." in response.text
    assert "nothing was half-saved" in " ".join(response.text.split())
