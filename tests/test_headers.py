"""Security headers on every kind of response: pages, forms, errors, htmx fragments, static files."""

import re

import pytest

from forum.database import db
from forum.headers import CONTENT_SECURITY_POLICY
from tests import factories
from tests.helpers import make_app

REQUIRED_CSP = (
    "script-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
)


def check_headers(response, signed_in: bool, static: bool = False) -> None:
    headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert all(directive in csp for directive in REQUIRED_CSP), csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # plain HTTP here
    if signed_in and not static:
        assert headers["Cache-Control"] == "no-store"
    else:
        assert "no-store" not in headers.get("Cache-Control", "")


def check_page_has_no_inline_script_or_style(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"<style\b", html), "inline <style>"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"
    assert not re.search(r"\shx-on", html), "hx-on handler"
    assert "javascript:" not in html


@pytest.fixture
def pages(member, other_member):
    thread = factories.thread(other_member)
    return {
        "home": "/",
        "category": "/c/back-to-work",
        "thread": f"/t/{thread.id}",
        "profile": f"/u/{other_member.username}",
        "support": "/support",
        "waiting": "/waiting",
        "guidelines": "/guidelines",
        "login form": "/login",
        "signup form": "/signup",
        "forgot form": "/forgot",
        "404": "/no-such-page",
        "post id": f"/p/{factories.opening_post(thread).id}",
    }


def test_every_page_type_has_the_headers_for_a_visitor(client, pages):
    for name, url in pages.items():
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (200, 404), name
        check_headers(response, signed_in=False)
        check_page_has_no_inline_script_or_style(response.text)


def test_every_page_type_has_the_headers_and_no_store_for_a_member(client, pages, login, member):
    login(member)
    signed_in_pages = {
        **pages,
        "new thread form": "/new",
        "settings": "/settings",
        "devices": "/settings/devices",
        "notifications": "/notifications",
        "403": "/mod/",
    }
    for name, url in signed_in_pages.items():
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), name
        check_headers(response, signed_in=True)
        if response.status_code != 302:
            check_page_has_no_inline_script_or_style(response.text)
    assert client.get("/mod/").status_code == 403
    assert client.get("/no-such-page").status_code == 404


def test_htmx_fragments_and_form_errors_have_the_headers(client, login, member, other_member):
    thread = factories.thread(other_member)
    post = factories.opening_post(thread)
    login(member)
    fragment = client.post(f"/p/{post.id}/react/hug", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.text
    check_headers(fragment, signed_in=True)
    refused = client.post(f"/t/{thread.id}/reply", data={"body": ""})
    assert refused.status_code == 400
    check_headers(refused, signed_in=True)


def test_static_files_have_the_headers_and_may_be_cached(client, login, member):
    login(member)
    for path in ("/static/css/blossom.css", "/static/js/htmx-2.0.11.min.js"):
        response = client.get(path)
        assert response.status_code == 200
        check_headers(response, signed_in=True, static=True)


def test_a_429_page_has_the_headers(app, member):
    limited = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
    )
    client = limited.test_client()
    data = {"login": "hannah", "password": "wrong wrong wrong"}
    responses = [client.post("/login", data=data) for _ in range(11)]
    assert responses[-1].status_code == 429
    check_headers(responses[-1], signed_in=False)
    with limited.app_context():
        db.engine.dispose()


def test_hsts_over_https_only(client):
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_behind_a_trusted_proxy_https_is_seen_from_x_forwarded_proto(app):
    proxied = make_app(app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=1)
    client = proxied.test_client()
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers
    # With no proxy trusted, the same header is just something a client said.
    assert "Strict-Transport-Security" not in (
        app.test_client().get("/", headers={"X-Forwarded-Proto": "https"}).headers
    )
    with proxied.app_context():
        db.engine.dispose()


def test_htmx_is_told_not_to_inject_styles_or_evaluate_code(client):
    html = client.get("/").text
    assert (
        """<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}'>"""
        in html
    )
    assert "style-src 'self'" in CONTENT_SECURITY_POLICY


def test_static_files_have_versioned_addresses_kept_for_a_year(client):
    page = client.get("/").text
    for path in ("css/blossom.css", "js/htmx-2.0.11.min.js", "img/blossom.svg"):
        found = re.search(rf'"/static/{re.escape(path)}\?v=([0-9a-f]{{12}})"', page)
        assert found, f"{path} has no version in its address"
        response = client.get(f"/static/{path}?v={found.group(1)}")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        check_headers(response, signed_in=False, static=True)
        # an address with another version (an old page's) gets today's file, checked as usual
        stale = client.get(f"/static/{path}?v=000000000000")
        assert stale.status_code == 200 and stale.data == response.data
        assert "immutable" not in stale.headers.get("Cache-Control", "")
        assert "immutable" not in client.get(f"/static/{path}").headers.get("Cache-Control", "")
