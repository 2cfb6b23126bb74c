"""Sign-up, sign-in and password reset answer the same whether or not an account exists.

Only "that username is taken" is said: usernames are public (every profile is at /u/<name>), so
the sign-up form can't hide them. Timing is measured in bench/enumeration.py, not here.
"""

import json
import re

from flask import current_app

from forum.database import db
from tests import factories

PASSWORD = "tea gone cold again today"
CSRF_FIELD = re.compile(rb'name="csrf_token" value="[^"]*"')
RANDOM_IN_SESSION = (("csrf_token",), ("joining", "key"))  # a new random value for each browser


def session_in(cookie: str) -> str:
    """A session cookie's contents, its random values blanked: the rest must match."""
    value, _, attributes = cookie.partition(";")
    serializer = current_app.session_interface.get_signing_serializer(current_app)
    kept = serializer.loads(value.removeprefix("session="))
    for path in RANDOM_IN_SESSION:
        *parents, name = path
        place = kept
        for parent in parents:
            place = place.get(parent, {})
        if name in place:
            place[name] = "<random>"
    return f"session=<{json.dumps(kept, sort_keys=True)}>;{attributes}"


def same_apart_from(first, second, first_typed: list[str], second_typed: list[str]) -> None:
    """Two responses match byte for byte once what was typed into each, and the random values
    each browser is given (a CSRF token, the value a sign-up link is tied to), are blanked."""

    def blanked(response, typed: list[str]) -> tuple:
        body = CSRF_FIELD.sub(b'name="csrf_token" value="<random>"', response.get_data())
        headers = [
            (k, session_in(v) if k == "Set-Cookie" and v.startswith("session=") else v)
            for k, v in response.headers.items()
            if k != "Content-Length"
        ]
        text = json.dumps([body.decode(), sorted(headers)])
        for n, value in enumerate(typed):
            text = text.replace(value, f"<typed {n}>")
        return response.status_code, text

    assert blanked(first, first_typed) == blanked(second, second_typed)


def sign_up(client, username: str, email: str):
    data = {"username": username, "email": email, "password": PASSWORD, "confirm": PASSWORD}
    return client.post("/signup", data={**data, "agree": "y"})


def test_sign_up_with_a_registered_address_looks_like_any_sign_up(app, member, mailbox):
    new = sign_up(app.test_client(), "SunflowerMum", "sun@example.org")
    taken = sign_up(app.test_client(), "MoonlightDad", "hannah@example.org")
    assert new.status_code == 200
    same_apart_from(
        new, taken, ["SunflowerMum", "sun@example.org"], ["MoonlightDad", "hannah@example.org"]
    )
    # The owner of the address hears of it; nobody else learns anything.
    [notice] = mailbox.to("hannah@example.org")
    assert notice["Subject"] == "Someone tried to sign up to Blossom with your address"
    text = notice.get_body(("plain",)).get_content()
    assert "no new account was made" in text and "/login" in text and "/forgot" in text
    assert "MoonlightDad" not in text
    [welcome] = mailbox.to("sun@example.org")
    assert welcome["Subject"] == "Please confirm your email for Blossom"


def test_a_taken_username_is_said_plainly(client, member):
    response = sign_up(client, "Hannah", "someone.new@example.org")
    assert response.status_code == 400
    assert "Someone already has that username" in response.text


def test_forgot_password_answers_byte_for_byte_the_same(app, member, mailbox):
    known = app.test_client().post("/forgot", data={"email": "hannah@example.org"})
    unknown = app.test_client().post("/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == 200
    same_apart_from(known, unknown, ["hannah@example.org"], ["nobody@example.org"])
    assert [m["To"] for m in mailbox.messages] == ["hannah@example.org"]


def test_a_wrong_password_and_an_unknown_account_answer_the_same(app, member):
    def attempt(login: str):
        return app.test_client().post(
            "/login", data={"login": login, "password": "wrong guess here"}
        )

    for known, unknown in (("hannah", "nobody"), ("hannah@example.org", "nobody@example.org")):
        same_apart_from(attempt(known), attempt(unknown), [known], [unknown])


def test_a_banned_account_is_told_so_only_with_its_password(app, member, moderator):
    member.banned_at = member.created_at
    member.restriction_reason = "Repeated unkindness"
    db.session.commit()
    wrong = app.test_client().post("/login", data={"login": "hannah", "password": "wrong guess"})
    nobody = app.test_client().post("/login", data={"login": "nobody", "password": "wrong guess"})
    same_apart_from(wrong, nobody, ["hannah"], ["nobody"])
    right = app.test_client().post(
        "/login", data={"login": "hannah", "password": factories.PASSWORD}
    )
    assert "banned" in right.text
