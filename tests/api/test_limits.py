"""The API's rate limits: per token and per address on every request, and the pages' own limits
for posting, counted once for pages and API. A limit reached is a JSON 429 that says when."""

import pytest

from forum.database import db
from tests import factories
from tests.api.people import call, token_for
from tests.helpers import make_app


@pytest.fixture
def limited(app):
    made = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
        MAIL_FOLDER=app.config["MAIL_FOLDER"],
    )
    yield made
    with made.app_context():
        db.engine.dispose()


def _limited_after(client, url, token, allowed):
    for _ in range(allowed):
        assert call(client, "GET", url, token).status_code == 200
    answer = call(client, "GET", url, token)
    assert answer.status_code == 429
    error = answer.get_json()["error"]
    assert error["code"] == "rate_limited" and error["retry_after"] >= 1
    assert answer.headers["Retry-After"] and answer.headers["Cache-Control"] == "no-store"


def test_a_token_is_limited_on_its_own_and_an_address_on_its_own(limited, member, other_member):
    client = limited.test_client()
    first, second = token_for(member), token_for(other_member)
    _limited_after(client, "/api/v1/categories", first, 120)
    assert call(client, "GET", "/api/v1/categories", second).status_code == 200
    visitor = limited.test_client()
    visitor.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    _limited_after(visitor, "/api/v1/categories", None, 300)


def test_posting_through_the_api_counts_with_the_pages(limited, member, other_member):
    thread = factories.thread(other_member)
    client = limited.test_client()
    token = token_for(member)
    url = f"/api/v1/threads/{thread.id}/posts"
    for n in range(3):  # a new account's pace: 3 in 10 minutes
        answer = call(client, "POST", url, token, {"body": f"Thinking of you, number {n}."})
        assert answer.status_code == 201, answer.text
    refused = call(client, "POST", url, token, {"body": "One more for you."})
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "rate_limited"
    page = limited.test_client()
    page.post("/login", data={"login": member.username, "password": factories.PASSWORD})
    assert page.post(f"/t/{thread.id}/reply", data={"body": "From the page."}).status_code == 429


def test_reactions_through_the_api_count_in_the_reactions_limit(limited, member, other_member):
    thread = factories.thread(other_member)
    post_id = factories.opening_post(thread).id
    client = limited.test_client()
    token = token_for(member)
    url = f"/api/v1/posts/{post_id}/reactions/hug"
    for n in range(60):  # 60 a minute, as on the pages
        answer = call(client, "PUT" if n % 2 == 0 else "DELETE", url, token)
        assert answer.status_code == 200, answer.text
    assert call(client, "PUT", url, token).status_code == 429
