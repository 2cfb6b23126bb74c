import re
from html import unescape

import pytest
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from forum.database import db
from forum.models import User
from tests import factories

GOOD_PASSWORD = "quiet tea before the school run"


def signup_data(**changes) -> dict:
    data = {
        "username": "SunflowerMum",
        "email": "Sun.Flower@Example.org",
        "password": GOOD_PASSWORD,
        "confirm": GOOD_PASSWORD,
        "agree": "y",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def field_tag(html: str, name: str) -> str:
    """The <input> or <textarea> of a field, as rendered."""
    match = re.search(rf'<(?:input|textarea)\b[^>]*\bname="{name}"[^>]*>', html)
    assert match, f"no field named {name}"
    return match.group(0)


def field_error(html: str, name: str) -> str:
    """The message shown at a field; the field is marked invalid for screen readers too."""
    assert 'aria-invalid="true"' in field_tag(html, name), f"{name} is not marked invalid"
    match = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', html, re.S)
    assert match, f"no error at {name}"
    return unescape(match.group(1))


def set_cookies(response, name: str) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}=")]


def is_logged_in(client) -> bool:
    response = client.get("/new")
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    return False


# Signing up


def test_signup_page_links_to_the_guidelines(client):
    page = client.get("/signup")
    assert page.status_code == 200
    assert 'href="/guidelines"' in page.text
    assert 'name="agree"' in page.text


def test_guidelines_page_renders(client):
    page = client.get("/guidelines")
    assert page.status_code == 200
    assert "Our community guidelines" in page.text
    assert "Be kind first" in page.text


def test_sign_up_creates_the_member_who_can_then_log_in(client):
    response = client.post("/signup", data=signup_data())
    assert response.status_code == 200
    assert "Check your email" in response.text
    assert "Sun.Flower@Example.org" in response.text
    assert is_logged_in(client) is False
    user = db.session.scalars(select(User)).one()
    assert user.username == "SunflowerMum"
    assert user.username_key == "sunflowermum"
    assert user.email == "Sun.Flower@Example.org"
    assert user.email_key == "sun.flower@example.org"
    assert user.display_name == "SunflowerMum"
    assert user.bio == ""
    assert user.role == "member"
    assert user.password_hash != GOOD_PASSWORD
    assert GOOD_PASSWORD not in user.password_hash
    assert check_password_hash(user.password_hash, GOOD_PASSWORD)
    login = {"login": "sunflowermum", "password": GOOD_PASSWORD}
    assert client.post("/login", data=login).status_code == 302
    home = unescape(client.get("/").text)
    assert "Welcome back, SunflowerMum" in home
    assert "Log out" in home
    assert is_logged_in(client)


def test_sign_up_trims_the_username_and_email(client):
    response = client.post(
        "/signup", data=signup_data(username="  SunflowerMum ", email=" sun@example.org  ")
    )
    assert response.status_code == 200
    user = db.session.scalars(select(User)).one()
    assert user.username == "SunflowerMum"
    assert user.email == "sun@example.org"


def test_the_page_after_sign_up_leads_to_logging_in(client):
    response = client.post("/signup?next=/new", data=signup_data())
    assert response.status_code == 200
    assert 'href="/login"' in response.text


USERNAME_RULES = "Usernames are 3 to 30 characters: letters, digits, _ and - only."
RESERVED = "That username is kept for the forum itself. Try another."
SHORT_PASSWORD = "Passwords need at least 10 characters."
EASY_PASSWORD = "That password is too easy to guess."


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "ab"}, "username", USERNAME_RULES),
        ({"username": "a" * 31}, "username", USERNAME_RULES),
        ({"username": "has space"}, "username", USERNAME_RULES),
        ({"username": "émile"}, "username", USERNAME_RULES),
        ({"username": "a/b"}, "username", USERNAME_RULES),
        ({"username": "<b>x</b>"}, "username", USERNAME_RULES),
        ({"username": "admin"}, "username", RESERVED),
        ({"username": "Moderator"}, "username", RESERVED),
        ({"username": "anonymous"}, "username", RESERVED),
        ({"username": "Anonymous_parent"}, "username", RESERVED),
        ({"username": "anonymous-parent-2"}, "username", RESERVED),
        ({"username": "   "}, "username", "Choose a username."),
        ({"email": "not-an-email"}, "email", "That doesn't look like an email address."),
        ({"email": "two@@example.org"}, "email", "That doesn't look like an email address."),
        ({"email": ""}, "email", "We need an email address to look after your account."),
        ({"password": "short pw", "confirm": "short pw"}, "password", SHORT_PASSWORD),
        ({"password": "password123", "confirm": "password123"}, "password", EASY_PASSWORD),
        ({"password": "1234567890", "confirm": "1234567890"}, "password", EASY_PASSWORD),
        ({"password": "PassWord123", "confirm": "PassWord123"}, "password", EASY_PASSWORD),
        (
            {"password": "I am SUNFLOWERMUM forever", "confirm": "I am SUNFLOWERMUM forever"},
            "password",
            EASY_PASSWORD,
        ),
        (
            {"password": "sun.flower is my name", "confirm": "sun.flower is my name"},
            "password",
            EASY_PASSWORD,
        ),
        ({"password": "", "confirm": ""}, "password", "Choose a password."),
        ({"confirm": GOOD_PASSWORD + "!"}, "confirm", "The two passwords don't match."),
        ({"agree": None}, "agree", "tick the box to agree"),
    ],
)
def test_sign_up_refuses_bad_input_and_keeps_what_was_typed(client, changes, field, message):
    data = signup_data(**changes)
    response = client.post("/signup", data=data)
    assert response.status_code == 400
    assert message in field_error(response.text, field)
    assert "Please look at the highlighted field below" in unescape(response.text)
    kept = {name: escape(data[name].strip()) for name in ("username", "email")}
    assert f'value="{kept["username"]}"' in field_tag(response.text, "username")
    assert f'value="{kept["email"]}"' in field_tag(response.text, "email")
    for secret in {data.get("password"), data.get("confirm")} - {"", None}:
        assert secret not in response.text
    assert user_count() == 0
    assert is_logged_in(client) is False


def test_sign_up_refuses_a_username_taken_in_another_case(client, member):
    response = client.post("/signup", data=signup_data(username="HANNAH"))
    assert response.status_code == 400
    assert "Someone already has that username" in field_error(response.text, "username")
    assert 'value="HANNAH"' in field_tag(response.text, "username")
    assert user_count() == 1


def test_sign_up_with_an_email_taken_in_another_case_makes_no_account(client, member):
    response = client.post("/signup", data=signup_data(email="  Hannah@EXAMPLE.org "))
    assert response.status_code == 200
    assert "Check your email" in response.text and "already has an account" not in response.text
    assert user_count() == 1


def test_sign_up_with_an_empty_post_is_a_400_with_every_message(client):
    response = client.post("/signup", data={})
    assert response.status_code == 400
    assert "Choose a username." in field_error(response.text, "username")
    assert "We need an email address" in field_error(response.text, "email")
    assert "Choose a password." in field_error(response.text, "password")
    assert "tick the box to agree" in field_error(response.text, "agree")
    assert "Please look at the highlighted fields below" in unescape(response.text)
    assert user_count() == 0


@pytest.mark.parametrize("url", ["/signup", "/login"])
def test_a_fresh_form_marks_no_field_invalid_and_focuses_none(client, url):
    """Before anything is submitted no field is invalid, and the page doesn't autofocus them all.

    (Screen readers treat an aria-invalid value they don't know, such as "None", as "true".)
    """
    html = client.get(url).text
    tags = re.findall(r"<(?:input|textarea)\b[^>]*>", html)
    assert len(tags) >= 3
    for tag in tags:
        assert "aria-invalid" not in tag, tag
        assert "autofocus" not in tag, tag
        assert '="None"' not in tag, tag


# Logging in


def log_in(client, login: str, password: str = factories.PASSWORD, **params):
    return client.post("/login", query_string=params, data={"login": login, "password": password})


@pytest.mark.parametrize(
    "login", ["hannah", "HANNAH", "  Hannah ", "hannah@example.org", "Hannah@Example.ORG"]
)
def test_log_in_with_username_or_email_in_any_case(client, member, login):
    assert is_logged_in(client) is False
    response = log_in(client, login)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Welcome back, hannah." in client.get("/").text
    assert is_logged_in(client)


def test_log_in_records_when_the_member_was_last_seen(client, member):
    member.last_seen_at = None
    db.session.commit()
    assert log_in(client, "hannah").status_code == 302
    assert member.last_seen_at is not None


@pytest.mark.parametrize(
    ("login", "password"),
    [
        ("hannah", "not the right password"),
        ("hannah", factories.PASSWORD.upper()),
        ("hannah@example.org", factories.PASSWORD + " "),
        ("nobody-here", factories.PASSWORD),
        ("nobody@example.org", factories.PASSWORD),
    ],
)
def test_wrong_password_and_unknown_member_get_the_same_answer(client, member, login, password):
    response = log_in(client, login, password)
    assert response.status_code == 400
    assert field_error(response.text, "password") == (
        "That username or email and password don't match. Check them and try again."
    )
    assert f'value="{login}"' in field_tag(response.text, "login")
    assert password not in response.text
    assert is_logged_in(client) is False


def test_log_in_with_empty_fields_is_a_400(client, member):
    response = client.post("/login", data={})
    assert response.status_code == 400
    assert "Enter your username or email." in field_error(response.text, "login")
    assert "Enter your password." in field_error(response.text, "password")
    assert is_logged_in(client) is False


@pytest.mark.parametrize("target", ["/new", "/t/1?page=2", "/u/hannah", "/c/childcare"])
def test_log_in_follows_a_local_next(client, member, target):
    response = log_in(client, "hannah", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == target


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/\tevil.example",
        "",
    ],
)
def test_log_in_ignores_a_next_that_leaves_the_site(client, member, target):
    response = log_in(client, "hannah", next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_login_needed_page_comes_back_after_logging_in(client, member):
    needed = client.get("/new")
    assert needed.status_code == 302
    login_page = needed.headers["Location"]
    assert login_page == "/login?next=%2Fnew"
    assert "Join Blossom or log in to start a thread" in client.get(login_page).text
    response = client.post(login_page, data={"login": "hannah", "password": factories.PASSWORD})
    assert response.headers["Location"] == "/new"


# Cookies


def test_remember_me_sets_a_httponly_samesite_remember_cookie(client, member):
    response = client.post(
        "/login", data={"login": "hannah", "password": factories.PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302
    [cookie] = set_cookies(response, "remember_token")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie


def test_without_remember_me_there_is_no_remember_cookie(client, member):
    response = log_in(client, "hannah")
    assert response.status_code == 302
    assert set_cookies(response, "remember_token") == []
    assert client.get_cookie("remember_token") is None


def test_the_session_cookie_is_httponly_and_samesite_lax(client, member):
    response = log_in(client, "hannah")
    [cookie] = set_cookies(response, "session")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_remember_cookie_alone_keeps_the_member_logged_in(app, client, member):
    client.post("/login", data={"login": "hannah", "password": factories.PASSWORD, "remember": "y"})
    remembered = client.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remembered)
    assert is_logged_in(fresh)


# Logging out


def test_logout_by_get_is_a_kind_405(client, member, login):
    login(member)
    response = client.get("/logout")
    assert response.status_code == 405
    assert "That didn't work that way" in unescape(response.text)
    assert is_logged_in(client)


def test_logout_logs_the_member_out(client, member, login):
    login(member)
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "You're logged out" in unescape(client.get("/").text)
    new = client.get("/new")
    assert new.status_code == 302
    assert new.headers["Location"] == "/login?next=%2Fnew"


def test_logout_also_forgets_the_remembered_login(client, member):
    client.post("/login", data={"login": "hannah", "password": factories.PASSWORD, "remember": "y"})
    assert client.get_cookie("remember_token") is not None
    client.post("/logout")
    assert client.get_cookie("remember_token") is None
    assert is_logged_in(client) is False


def test_logout_when_already_logged_out_just_goes_home(client):
    """A second tab's logout, or an expired session: no detour through the login page."""
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "logged out" in client.get("/").text


# Already logged in


@pytest.mark.parametrize("url", ["/signup", "/login"])
def test_a_logged_in_member_is_sent_on_from_signup_and_login(client, member, login, url):
    login(member)
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_logged_in_member_cannot_sign_up_again(client, member, login):
    login(member)
    response = client.post("/signup", data=signup_data())
    assert response.status_code == 302
    assert user_count() == 1


def test_a_logged_in_member_visiting_login_follows_only_a_local_next(client, member, login):
    login(member)
    assert client.get("/login?next=/new").headers["Location"] == "/new"
    assert client.get("/login?next=//evil.example/").headers["Location"] == "/"
