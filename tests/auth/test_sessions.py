"""Sign-ins live on the server: logging out, a new password, a ban or a suspension ends them, and
a copied cookie stops working with them."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from forum.database import db, utcnow
from forum.models import LoginSession
from forum.services import sessions
from tests import factories
from tests.helpers import make_app

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
LAPTOP = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


def browser(app, user_agent: str = LAPTOP):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def sign_in(client, user, remember: bool = False):
    data = {"login": user.username, "password": factories.PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302, response.text
    return client


def signed_in(client) -> bool:
    """Whether this browser is signed in: settings open instead of sending it to log in."""
    return client.get("/settings").status_code == 200


def copy_cookie(source, target, name: str) -> None:
    cookie = source.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    target.set_cookie(name, cookie.value)


def session_rows(user) -> list[LoginSession]:
    return list(db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)))


def test_a_copied_session_cookie_stops_working_after_logout(app, member):
    first = sign_in(browser(app), member)
    thief = browser(app)
    copy_cookie(first, thief, "session")
    assert signed_in(thief)
    assert first.post("/logout").status_code == 302
    assert not signed_in(first)
    assert not signed_in(thief)
    assert session_rows(member) == []


def test_a_copied_remember_me_cookie_stops_working_after_logout(app, member):
    first = sign_in(browser(app), member, remember=True)
    thief = browser(app)
    copy_cookie(first, thief, "remember_token")  # the long-lived one, without the session
    assert signed_in(thief)
    first.post("/logout")
    assert not signed_in(thief)
    fresh = browser(app)  # and a browser that only ever had the copied remember-me cookie
    copy_cookie(thief, fresh, "remember_token")
    assert not signed_in(fresh)


def test_every_sign_in_starts_a_new_session_with_nothing_carried_over(app, member):
    client = browser(app)
    with client.session_transaction() as planted:  # whatever the browser had before, or was given
        planted["planted"] = "by someone else"
    sign_in(client, member)
    with client.session_transaction() as session:
        first_id = session["_user_id"]
        assert "planted" not in session
    client.post("/logout")
    sign_in(client, member)
    with client.session_transaction() as session:
        assert session["_user_id"] != first_id
    assert first_id.startswith(f"{member.id}:")
    # Only a hash of the secret is stored: the database can't be used to forge a cookie.
    [row] = session_rows(member)
    assert first_id.split(":", 1)[1] not in row.token_hash
    assert row.token_hash == sessions._hash(session["_user_id"].split(":", 1)[1])


def test_a_cookie_with_a_made_up_or_old_style_id_is_signed_out(app, member):
    for forged in (str(member.id), f"{member.id}:", f"{member.id}:not-a-real-secret", "x:y"):
        client = browser(app)
        with client.session_transaction() as session:
            session["_user_id"] = forged
            session["_fresh"] = True
        assert not signed_in(client), forged


def test_changing_the_password_signs_out_every_other_device(app, member):
    phone = sign_in(browser(app, PHONE), member, remember=True)
    laptop = sign_in(browser(app), member)
    with laptop.session_transaction() as session:
        before = session["_user_id"]
    response = laptop.post(
        "/settings/password",
        data={
            "current_password": factories.PASSWORD,
            "new_password": "sleep is a distant memory now",
            "confirm": "sleep is a distant memory now",
        },
    )
    assert response.status_code == 302
    assert not signed_in(phone)
    assert signed_in(laptop)  # the device that changed it goes on, under a new sign-in
    with laptop.session_transaction() as session:
        assert session["_user_id"] != before
    [row] = session_rows(member)
    assert row.device == "Firefox on Windows"


def test_resetting_the_password_signs_out_everywhere(app, member, mailbox):
    phone = sign_in(browser(app, PHONE), member, remember=True)
    stranger = browser(app)
    stranger.post("/forgot", data={"email": member.email})
    [message] = mailbox.to(member.email)
    path = message.get_body(("plain",)).get_content().split("/reset/")[1].split()[0]
    new = "sleep is a distant memory now"
    response = stranger.post(f"/reset/{path}", data={"password": new, "confirm": new})
    assert response.status_code == 302
    assert not signed_in(phone)
    assert session_rows(member) == []


@pytest.mark.parametrize("action", ["ban", "suspend"])
def test_a_ban_or_a_suspension_ends_every_sign_in(app, member, moderator, action):
    phone = sign_in(browser(app, PHONE), member, remember=True)
    laptop = sign_in(browser(app), member)
    mod = sign_in(browser(app), moderator)
    data = {"reason": "Please take a break.", "days": "3", "confirm_ban": "y"}  # a ban asks first
    assert mod.post(f"/mod/members/{member.username}/{action}", data=data).status_code == 302
    assert not signed_in(phone)
    assert not signed_in(laptop)
    assert session_rows(member) == []
    assert signed_in(mod)


def test_signed_in_devices_are_listed_and_can_be_signed_out(app, member, other_member):
    phone = sign_in(browser(app, PHONE), member)
    laptop = sign_in(browser(app), member)
    sign_in(browser(app), other_member)  # someone else's sign-ins are never listed
    page = laptop.get("/settings/devices").text
    assert "Safari on iPhone" in page and "Firefox on Windows" in page
    assert page.count("This device") == 1
    assert page.count("Sign out") == 3  # each of hers, and "everywhere else"
    phone_row = next(r for r in session_rows(member) if r.device == "Safari on iPhone")
    response = laptop.post(f"/settings/devices/{phone_row.id}/end")
    assert response.headers["Location"] == "/settings/devices"
    assert "That device is signed out." in laptop.get("/settings/devices").text
    assert not signed_in(phone)
    assert signed_in(laptop)


@pytest.mark.parametrize(
    ("agent", "words"), [(PHONE, "Sign out of this phone"), (LAPTOP, "Sign out of this device")]
)
def test_her_own_sign_in_is_named_as_the_phone_or_device_she_holds(app, member, agent, words):
    page = sign_in(browser(app, agent), member).get("/settings/devices").text
    assert words in page
    assert "Sign out here" not in page


def test_a_member_cannot_end_someone_elses_sign_in(app, member, other_member):
    laptop = sign_in(browser(app), member)
    priya = sign_in(browser(app), other_member)
    [priyas] = session_rows(other_member)
    laptop.post(f"/settings/devices/{priyas.id}/end")
    assert signed_in(priya)
    assert "already signed out" in laptop.get("/settings/devices").text


def test_sign_out_everywhere_else_keeps_this_device(app, member):
    others = [sign_in(browser(app, PHONE), member) for _ in range(3)]
    laptop = sign_in(browser(app), member)
    assert laptop.post("/settings/devices/end-others").status_code == 302
    assert not any(signed_in(other) for other in others)
    assert signed_in(laptop)
    assert len(session_rows(member)) == 1
    laptop.post("/settings/devices/end-others")
    assert "You weren&#39;t signed in anywhere else." in laptop.get("/settings/devices").text


def test_signing_out_this_device_from_the_list_logs_out(app, member):
    laptop = sign_in(browser(app), member)
    [row] = session_rows(member)
    response = laptop.post(f"/settings/devices/{row.id}/end")
    assert response.headers["Location"] == "/login"
    assert not signed_in(laptop)


def test_last_seen_is_written_at_most_every_few_minutes(app, member):
    laptop = sign_in(browser(app), member)
    [row] = session_rows(member)
    a_minute_ago = utcnow() - timedelta(minutes=1)
    row.last_seen_at = a_minute_ago
    db.session.commit()
    laptop.get("/")
    db.session.refresh(row)
    assert row.last_seen_at == a_minute_ago  # a read stays a read
    row.last_seen_at = utcnow() - sessions.TOUCH_EVERY - timedelta(seconds=1)
    db.session.commit()
    laptop.get("/")
    db.session.refresh(row)
    assert utcnow() - row.last_seen_at < timedelta(seconds=30)


def test_a_sign_in_left_unused_for_the_idle_limit_ends_and_is_cleared_away(app, member):
    phone = sign_in(browser(app, PHONE), member, remember=True)
    laptop = sign_in(browser(app), member)
    row = next(r for r in session_rows(member) if r.device == "Safari on iPhone")
    row.last_seen_at = utcnow() - sessions.IDLE_LIMIT + timedelta(minutes=1)
    db.session.commit()
    assert signed_in(phone)  # a minute short of the limit: still hers, and used again now
    db.session.refresh(row)
    row.last_seen_at = utcnow() - sessions.IDLE_LIMIT - timedelta(minutes=1)
    db.session.commit()
    assert not signed_in(phone)
    remembered = browser(app)  # the long-lived cookie alone doesn't bring it back either
    copy_cookie(phone, remembered, "remember_token")
    assert not signed_in(remembered)
    devices = laptop.get("/settings/devices").text
    assert "Safari on iPhone" not in devices and "Firefox on Windows" in devices
    assert "unused for 90 days is signed out by itself" in devices
    sign_in(browser(app), member)  # her next sign-in clears the ended one away
    assert sorted(r.device for r in session_rows(member)) == ["Firefox on Windows"] * 2
    assert signed_in(laptop)


def test_the_member_and_their_sign_in_load_in_one_query(app, member):
    sessions.start(member, LAPTOP)
    db.session.commit()
    cookie_id = member.get_id()
    db.session.expunge_all()
    statements = []

    def record(conn, cursor, statement, *args):
        if statement != "BEGIN":
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        loaded = sessions.load(cookie_id)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert loaded is not None and loaded.id == member.id
    assert len(statements) == 1


def test_remember_me_cookie_is_httponly_and_same_site_lax(app, member):
    client = browser(app)
    response = client.post(
        "/login", data={"login": "hannah", "password": factories.PASSWORD, "remember": "y"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    session = next(c for c in cookies if c.startswith("session="))
    for cookie in (remember, session):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # SECURE_COOKIES is off here


def test_secure_cookies_in_production(tmp_path):
    app = make_app(
        f"sqlite:///{tmp_path}/secure.db", SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True
    )
    with app.app_context():
        db.create_all()
        factories.member("hannah")
        client = app.test_client()
        response = client.post(
            "/login",
            data={"login": "hannah", "password": factories.PASSWORD, "remember": "y"},
            base_url="https://localhost",
        )
        cookies = response.headers.getlist("Set-Cookie")
        assert len(cookies) == 2
        assert all("Secure" in c and "HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
        db.engine.dispose()


def test_ending_all_sign_ins_leaves_other_members_alone(app, member, other_member):
    for _ in range(3):
        sessions.start(member, PHONE)
    sessions.start(other_member, PHONE)
    db.session.commit()
    assert sessions.end_all(member.id) == 3
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(LoginSession)) == 1


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (PHONE, "Safari on iPhone"),
        (LAPTOP, "Firefox on Windows"),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36 Edg/126.0",
            "Edge on macOS",
        ),
        ("curl/8.5", "An unknown browser"),
        ("", "An unknown browser"),
        (None, "An unknown browser"),
    ],
)
def test_device_names(agent, name):
    assert sessions.device_name(agent) == name


def test_a_member_back_after_a_while_can_post_at_once(app, member):
    """Her first request after a while is a POST (a reply typed slowly): "last seen" is written
    in that request's own transaction, which on SQLite already holds the write lock."""
    thread = factories.thread(member, title="Typed over a long lunch")
    browser = app.test_client()
    browser.post("/login", data={"login": member.username, "password": factories.PASSWORD})
    earlier = utcnow() - timedelta(minutes=30)
    for record in db.session.scalars(select(LoginSession)):
        record.last_seen_at = earlier
    db.session.commit()
    response = browser.post(f"/t/{thread.id}/reply", data={"body": "Still here, still typing."})
    assert response.status_code == 302
    assert db.session.scalars(select(LoginSession)).one().last_seen_at > earlier
