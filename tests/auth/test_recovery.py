"""Confirming an email address, changing it, and resetting a forgotten password, by email."""

import re
import time

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from forum.database import db
from forum.models import User
from forum.services import links, mail
from tests import factories
from tests.helpers import signed_in

NEW_PASSWORD = "a brand new quiet evening"


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    found = re.search(r"http://127\.0\.0\.1:5000(/\S+)", text)
    assert found, text
    return found.group(1)


def signup(client, name="hannah"):
    response = client.post(
        "/signup",
        data={"username": name, "email": f"{name}@example.org", "password": factories.PASSWORD,
              "confirm": factories.PASSWORD, "agree": "y"},
    )  # fmt: skip
    assert response.status_code == 200 and "Check your email" in response.text, response.text
    # Signing up doesn't sign in (the page can't differ from one for an address already taken).
    login = {"login": name, "password": factories.PASSWORD}
    assert client.post("/login", data=login).status_code == 302
    return db.session.scalars(select(User).where(User.username == name)).one()


def made_long_ago(purpose: str, payload: dict, seconds: int) -> str:
    """A token signed `seconds` ago: the clock moved, not the test."""
    real = time.time
    time.time = lambda: real() - seconds
    try:
        return links.make_token(purpose, payload)
    finally:
        time.time = real


def test_signing_up_sends_a_link_that_confirms_the_address_once(app, client, mailbox):
    user = signup(client)
    [message] = mailbox.to("hannah@example.org")
    assert message["Subject"] == "Please confirm your email for Blossom"
    assert message.get_body(("html",)) is not None
    path = link_in(message)
    assert path.startswith("/verify/")
    response = client.get(path, follow_redirects=True)
    assert "your email address is confirmed" in response.text
    db.session.refresh(user)
    assert user.email_verified_at is not None
    # A second click (or a mail app opening the link first) finds the address confirmed.
    again = client.get(path)
    assert again.status_code == 200 and "already confirmed" in again.text
    assert "Email already confirmed" in again.text  # its own page, not an error page


def test_verification_links_expire_and_cannot_be_forged(app, client, mailbox):
    user = signup(client)
    old = made_long_ago("verify", {"u": user.id, "e": user.email_key}, 4 * 24 * 3600)
    response = client.get(f"/verify/{old}")
    assert response.status_code == 400 and "expired" in response.text
    other_purpose = links.make_token("reset", {"u": user.id, "e": user.email_key})
    for token in (other_purpose, "abc", "a" * 5000, link_in(mailbox.messages[0])[8:-2] + "zz"):
        response = client.get(f"/verify/{token}")
        assert response.status_code == 400, token
    db.session.refresh(user)
    assert user.email_verified_at is None


def test_a_new_address_takes_over_when_its_link_is_opened(app, client, mailbox):
    user = signup(client)
    first_link = link_in(mailbox.messages[0])
    response = client.post(
        "/settings/email-address",
        data={"email": "hannah.new@example.org", "password": factories.PASSWORD},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email == "hannah@example.org"  # nothing changes until the new address answers
    [confirm] = mailbox.to("hannah.new@example.org")
    assert confirm["Subject"] == "Please confirm your new email for Blossom"
    assert client.get(link_in(confirm)).status_code == 302
    db.session.refresh(user)
    assert user.email == "hannah.new@example.org" and user.email_verified_at is not None
    # The old address is told, and its own confirmation link no longer works.
    [notice] = mailbox.to("hannah@example.org")[1:]
    assert notice["Subject"] == "Your Blossom email address was changed"
    assert client.get(first_link).status_code == 400
    again = client.get(link_in(confirm))
    assert again.status_code == 400 and "already been used" in again.text


def test_the_email_form_answers_the_same_whether_or_not_the_address_has_an_account(
    app, member, other_member, mailbox
):
    """Moving to priya's address looks just like moving to a free one; priya is told instead."""
    answers = []
    for address in ("priya@example.org", "free.address@example.org"):
        client = signed_in(app, member)
        data = {"email": address, "password": factories.PASSWORD}
        response = client.post("/settings/email-address", data=data)
        page = client.get(response.headers["Location"])
        text = re.sub(r'name="csrf_token" value="[^"]*"', "", page.text.replace(address, "A"))
        answers.append((response.status_code, text))
    assert answers[0] == answers[1]
    [notice] = mailbox.to("priya@example.org")
    assert notice["Subject"] == "Someone tried to use your address on Blossom"
    assert "hannah" not in notice.get_body(("plain",)).get_content().lower()
    [confirm] = mailbox.to("free.address@example.org")
    db.session.refresh(member)
    db.session.refresh(other_member)
    assert member.email == "hannah@example.org" and other_member.email == "priya@example.org"


def test_an_address_taken_after_the_link_was_sent_is_not_moved(app, client, member, mailbox):
    client = signed_in(app, member)
    data = {"email": "shared@example.org", "password": factories.PASSWORD}
    client.post("/settings/email-address", data=data)
    factories.member("sam", email="shared@example.org", email_key="shared@example.org")
    [confirm] = mailbox.to("shared@example.org")
    response = client.get(link_in(confirm))
    assert response.status_code == 400 and "has an account now" in response.text
    db.session.refresh(member)
    assert member.email == "hannah@example.org"


@pytest.mark.parametrize(
    ("data", "field_message"),
    [
        (
            {"email": "new@example.org", "password": "wrong password"},
            "That isn&#39;t your current password.",
        ),
        (
            {"email": "not an address", "password": factories.PASSWORD},
            "doesn&#39;t look like an email",
        ),
        ({"email": "Hannah@example.org", "password": factories.PASSWORD}, "the address you have"),
        ({"email": "", "password": factories.PASSWORD}, "Enter the new address."),
    ],
)
def test_a_refused_email_change_says_why_and_keeps_the_address(
    app, member, other_member, data, field_message
):
    response = signed_in(app, member).post("/settings/email-address", data=data)
    assert response.status_code == 400
    assert field_message in response.text
    db.session.refresh(member)
    assert member.email == "hannah@example.org"


def test_forgot_password_answers_the_same_for_any_address(app, client, member, mailbox):
    known = client.post("/forgot", data={"email": "hannah@example.org"})
    unknown = client.post("/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("hannah@", "X@") == unknown.text.replace("nobody@", "X@")
    assert [m["To"] for m in mailbox.messages] == ["hannah@example.org"]
    assert mailbox.messages[0]["Subject"] == "Resetting your Blossom password"


def test_a_reset_link_sets_a_new_password_once(app, client, member, mailbox):
    client.post("/forgot", data={"email": "HANNAH@example.org"})
    path = link_in(mailbox.messages[0])
    assert "Choose a new password" in client.get(path).text
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and "/login" in response.location
    db.session.refresh(member)
    assert check_password_hash(member.password_hash, NEW_PASSWORD)
    used = client.post(
        path, data={"password": "another new password", "confirm": "another new password"}
    )
    assert used.status_code == 400 and "already been used" in used.text
    db.session.refresh(member)
    assert check_password_hash(member.password_hash, NEW_PASSWORD)


def test_a_reset_link_dies_when_the_password_changes_and_after_an_hour(
    app, client, member, mailbox
):
    client.post("/forgot", data={"email": "hannah@example.org"})
    path = link_in(mailbox.messages[0])
    signed_in(app, member).post(
        "/settings/password",
        data={"current_password": factories.PASSWORD, "new_password": NEW_PASSWORD,
              "confirm": NEW_PASSWORD},
    )  # fmt: skip
    assert client.get(path).status_code == 400
    db.session.refresh(member)
    stale = made_long_ago("reset", {"u": member.id, "p": path}, 3601)
    response = client.get(f"/reset/{stale}")
    assert response.status_code == 400 and "expired" in response.text


def test_a_weak_new_password_comes_back_with_a_message(app, client, member, mailbox):
    client.post("/forgot", data={"email": "hannah@example.org"})
    path = link_in(mailbox.messages[0])
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert response.status_code == 400 and "at least 10 characters" in response.text
    db.session.refresh(member)
    assert check_password_hash(member.password_hash, factories.PASSWORD)


@pytest.mark.parametrize("email", ["", "not-an-email", "x" * 300 + "@example.org", "\x00"])
def test_bad_forgot_addresses_come_back_kindly(client, email):
    response = client.post("/forgot", data={"email": email})
    assert response.status_code == 400


def test_posting_can_wait_for_a_confirmed_address(app, member, mailbox):
    app.config["REQUIRE_VERIFIED_EMAIL"] = True
    try:
        client = signed_in(app, member)
        response = client.post(
            "/new", data={"category": "back-to-work", "title": "First day back", "body": "Hard."}
        )
        assert response.status_code == 403
        assert "confirm your email address" in response.text
        assert "Hard." in response.text  # nothing typed is lost
        client.post("/verify/resend")
        mail.send_pending()
        client.get(link_in(mailbox.to("hannah@example.org")[-1]))
        response = client.post(
            "/new", data={"category": "back-to-work", "title": "First day back", "body": "Hard."}
        )
        assert response.status_code == 302
    finally:
        app.config["REQUIRE_VERIFIED_EMAIL"] = False
