"""With CSRF protection on, as in production, every POST route refuses a request without a token."""

import pytest

from forum.database import db
from forum.services import sessions
from tests import factories
from tests.helpers import make_app


@pytest.fixture
def protected(tmp_path):
    app = make_app(f"sqlite:///{tmp_path}/csrf.db", WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        yield app
        db.engine.dispose()


# Routes a signed link authorises instead of a form token: a mail app's one-click unsubscribe
# (RFC 8058) posts with no token of ours. Their tests prove an unsigned request changes nothing.
SIGNED_LINK_ENDPOINTS = {"notifications.unsubscribe"}


def post_routes(app, api: bool = False) -> list[str]:
    """The POST routes of the pages, or (api=True) of the API, which reads no cookie and so
    takes no form token: a bearer token authorises it instead."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") != api:
            continue
        if "POST" in rule.methods and rule.endpoint not in SIGNED_LINK_ENDPOINTS:
            values = {name: 1 for name in rule.arguments}
            urls.append(rule.build(values)[1])
    return sorted(urls)


def test_every_post_route_refuses_a_missing_token(protected):
    hannah = factories.member("hannah")
    sessions.start(hannah, "pytest")
    db.session.commit()
    client = protected.test_client()
    with client.session_transaction() as session:  # signed in, so only the token is missing
        session["_user_id"] = hannah.get_id()
        session["_fresh"] = True
    urls = post_routes(protected)
    assert {"/login", "/signup", "/logout", "/new", "/t/1/reply", "/settings"} <= set(urls)
    for url in urls:
        response = client.post(url, data={"body": "What I wrote", "title": "My title"})
        assert response.status_code == 400, url
        assert "couldn&#39;t be sure" in response.text
        assert "What I wrote" in response.text  # nothing typed is lost
    assert "hannah" in client.get("/settings").text  # and the member was signed in throughout


def test_a_form_with_its_token_is_accepted(protected):
    client = protected.test_client()
    page = client.get("/login").text
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    factories.member("hannah")
    response = client.post(
        "/login", data={"csrf_token": token, "login": "hannah", "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def test_the_only_routes_without_a_form_token_demand_a_signed_link(protected):
    hannah = factories.member("hannah")
    client = protected.test_client()
    response = client.post("/unsubscribe/not-a-signed-token")
    assert response.status_code == 400
    assert "isn&#39;t complete or isn&#39;t right" in response.text
    db.session.refresh(hannah)
    assert hannah.email_replies == "daily"


def test_the_api_takes_no_form_token_and_a_cookie_opens_none_of_it(protected):
    hannah = factories.member("hannah")
    sessions.start(hannah, "pytest")
    db.session.commit()
    client = protected.test_client()
    with client.session_transaction() as session:  # signed in: the cookie is there, and ignored
        session["_user_id"] = hannah.get_id()
        session["_fresh"] = True
    urls = post_routes(protected, api=True)
    assert "/api/v1/threads/1/posts" in urls
    for url in urls:
        response = client.post(url, json={"body": "What I wrote", "title": "My title"})
        assert response.status_code == 401, url
        assert response.get_json()["error"]["code"] == "token_required"
