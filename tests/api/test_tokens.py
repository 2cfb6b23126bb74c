"""Personal access tokens: made on their settings page and shown once, kept as a hash, last use
shown, revocable, and revoked with every sign-in; each made or revoked in the security record.
The API reads a bearer token only: never a cookie."""

import hashlib
from datetime import timedelta

from sqlalchemy import select

from forum.database import db, utcnow
from forum.models import AccessToken, SecurityEvent
from forum.services import accounts, data_download, privacy, sanctions, tokens
from tests import factories
from tests.api.people import call, token_for


def test_a_token_is_made_on_its_settings_page_shown_once_and_kept_as_a_hash(client, login, member):
    login(member)
    page = client.get("/settings/tokens")
    assert page.status_code == 200 and "Apps and tokens" in page.text
    made = client.post(
        "/settings/tokens",
        data={"name": "My phone", "scope_read": "y", "scope_write_posts": "y", "days": "30"},
    )
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    secret = made.text.split('<code class="token-secret">')[1].split("</code>")[0]
    assert secret.startswith("blossom_pat_") and len(secret) > 50
    stored = db.session.scalars(select(AccessToken)).one()
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in stored.hint and stored.scope_list == ["read", "write:posts"]
    assert timedelta(days=29) < stored.expires_at - utcnow() <= timedelta(days=30)
    again = client.get("/settings/tokens")
    assert secret not in again.text and "My phone" in again.text and "never used" in again.text
    assert call(client, "GET", "/api/v1/me", secret).get_json()["username"] == member.username
    assert "last used" in client.get("/settings/tokens").text
    assert "Token “My phone” made" in again.text


def test_a_form_with_mistakes_keeps_what_was_typed(client, login, member):
    login(member)
    refused = client.post("/settings/tokens", data={"name": "Reader", "days": "30"})
    assert refused.status_code == 400
    assert "Choose at least one thing the app may do." in refused.text
    assert 'value="Reader"' in refused.text
    assert db.session.scalar(select(AccessToken)) is None


def test_revoking_a_token_ends_it_and_is_recorded(client, login, member):
    secret = token_for(member)
    token = db.session.scalars(select(AccessToken)).one()
    login(member)
    assert client.post(f"/settings/tokens/{token.id}/revoke").status_code == 302
    assert call(client, "GET", "/api/v1/me", secret).status_code == 401
    kinds = db.session.scalars(select(SecurityEvent.kind).order_by(SecurityEvent.id)).all()
    assert kinds == ["token-created", "token-revoked"]


def test_another_members_token_cannot_be_revoked(client, login, member, other_member):
    secret = token_for(other_member)
    token = db.session.scalars(select(AccessToken)).one()
    login(member)
    client.post(f"/settings/tokens/{token.id}/revoke")
    assert call(client, "GET", "/api/v1/me", secret).status_code == 200


def _revoked_by(action, member, moderator, client) -> None:
    secret = token_for(member)
    assert call(client, "GET", "/api/v1/me", secret).status_code == 200
    action(member, moderator)
    db.session.commit()
    answer = call(client, "GET", "/api/v1/me", secret)
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "invalid_token"
    record = db.session.scalars(select(SecurityEvent.detail).order_by(SecurityEvent.id)).all()
    assert record[-1].startswith("Every token revoked (1)")


def test_a_new_password_revokes_every_token(client, member, moderator):
    _revoked_by(
        lambda m, _: accounts.set_password(m, "a whole new long passphrase"),
        member,
        moderator,
        client,
    )


def test_a_suspension_revokes_every_token(client, member, moderator):
    _revoked_by(
        lambda m, mod: sanctions.suspend(mod, m, 7, "Unkind replies"), member, moderator, client
    )


def test_a_ban_revokes_every_token(client, member, moderator):
    _revoked_by(lambda m, mod: sanctions.ban(mod, m, "Spam"), member, moderator, client)


def test_signing_out_everywhere_revokes_every_token(client, login, member):
    secret = token_for(member)
    login(member)
    client.post("/settings/devices/end-others")
    assert call(client, "GET", "/api/v1/me", secret).status_code == 401


def test_an_expired_token_no_longer_works(client, member):
    secret = token_for(member)
    token = db.session.scalars(select(AccessToken)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert call(client, "GET", "/api/v1/me", secret).status_code == 401


def test_the_api_ignores_the_session_cookie_and_sends_no_cors(client, login, member):
    login(member)  # the client now carries a signed-in cookie
    answer = client.get("/api/v1/me")
    assert answer.status_code == 401
    assert answer.get_json()["error"]["code"] == "token_required"
    assert answer.headers["Cache-Control"] == "no-store"
    assert "Access-Control-Allow-Origin" not in answer.headers
    assert "Set-Cookie" not in answer.headers
    # No CSRF token is asked for, and none helps: without a bearer token nothing is written.
    thread = factories.thread(member)
    reply = client.post(f"/api/v1/threads/{thread.id}/posts", json={"body": "Hello there all"})
    assert reply.status_code == 401
    for garbage in ("Bearer", "Bearer nope", "Basic abc", "bearer blossom_pat_x"):
        answer = client.get("/api/v1/categories", headers={"Authorization": garbage})
        assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "invalid_token"
        assert answer.headers["WWW-Authenticate"] == 'Bearer realm="Blossom", error="invalid_token"'


def test_tokens_are_in_the_download_and_go_with_the_account(member):
    secret = token_for(member)
    data = data_download.export_data(member, factories.PASSWORD)
    assert data["access_tokens"][0]["name"] == "Tests"
    assert secret not in str(data) and data["security_record"]
    privacy.delete_account(member, factories.PASSWORD, keep_posts=True)
    db.session.commit()
    assert db.session.scalar(select(AccessToken)) is None
    assert db.session.scalar(select(SecurityEvent)) is None
    assert tokens.authenticate(secret) is None
