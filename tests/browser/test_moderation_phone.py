"""A moderator on a phone: finding a member, her page, and a ban that asks first."""

import threading

import pytest
from werkzeug.serving import make_server

from forum.database import db
from forum.models import Action, ModerationAction
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.helpers import free_port

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_url(app):
    """The test app (on each database) served on a free port."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    yield context.new_page()
    context.close()


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()


def test_a_moderator_finds_a_member_and_bans_only_once_confirmed(
    app, live_url, phone, moderator, member
):
    factories.thread(member, title="Sleep regression at four months")
    factories.thread(member, title="Nobody can know this is me", anonymous=True)
    sign_in(phone, live_url, moderator)
    phone.goto(f"{live_url}/mod/members")
    phone.fill("#member-q", "hann")
    phone.get_by_role("button", name="Find").click()
    phone.get_by_role("link", name="(@hannah)").click()
    assert phone.url.endswith("/mod/members/hannah")
    text = phone.inner_text("#content")
    assert "Sleep regression at four months" in text
    assert "Nobody can know this is me" not in text
    # Everything fits the phone's width: nothing to scroll sideways.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    SCREENSHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "moderator-member-page-phone.png"), full_page=True)

    phone.select_option("#member-preset", "Spam or advertising")
    phone.get_by_role("button", name="Ban").click()
    assert "Tick the box to confirm the ban." in phone.inner_text("body")
    assert phone.input_value("#member-preset") == "Spam or advertising"
    db.session.expire_all()
    assert not db.session.query(ModerationAction).filter_by(action=Action.BAN).count()
    phone.check("#member-confirm_ban")
    phone.get_by_role("button", name="Ban").click()
    assert "The member is banned." in phone.inner_text("body")
