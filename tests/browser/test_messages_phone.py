"""Messages on a phone: a request, accepted, a conversation, and a message reported."""

import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from forum.database import db
from forum.models import MessageReport
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.helpers import free_port
from tests.messages.people import talked

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
def phones(browser):
    contexts = []

    def open_phone():
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def sign_in(page, base: str, user) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=login]", user.username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.wait_for_load_state()


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_request_accept_talk_and_report_on_a_phone(app, live_url, phones, member, other_member):
    talked(member, other_member)
    hannah, priya = phones(), phones()
    sign_in(hannah, live_url, member)
    sign_in(priya, live_url, other_member)

    hannah.goto(f"{live_url}/u/priya")
    hannah.get_by_role("link", name="Send a message request").click()
    hannah.get_by_label("Your message").fill("Hi Priya, can I ask how nursery drop-off went?")
    hannah.get_by_role("button", name="Send request").click()
    assert "Your request is sent" in hannah.inner_text("body")
    assert fits(hannah)

    priya.goto(f"{live_url}/")
    account = priya.locator("details.account summary")
    assert account.locator(".count").get_attribute("aria-label") == "1 with new messages"
    account.click()  # the account menu, whose button says a conversation has something new
    priya.get_by_role("link", name="Messages (1 new)").click()
    priya.get_by_role("link", name="Hannah").click()
    assert "can I ask how nursery drop-off went?" in priya.inner_text("#content")
    assert fits(priya)
    SCREENSHOTS.mkdir(exist_ok=True)
    priya.screenshot(path=str(SCREENSHOTS / "message-request-phone.png"), full_page=True)
    priya.get_by_role("button", name="Accept").click()
    priya.get_by_label("Your message").fill("It was hard, but she smiled at pick-up. You?")
    priya.get_by_role("button", name="Send", exact=True).click()
    assert "she smiled at pick-up" in priya.inner_text("#content")

    hannah.goto(f"{live_url}/messages")
    hannah.get_by_role("link", name="Priya").click()
    assert "she smiled at pick-up" in hannah.inner_text("#content")
    hannah.get_by_role("link", name="Report this message").click()
    hannah.get_by_label("Something else").check()
    hannah.get_by_label("Include earlier messages, so the moderators understand").select_option("1")
    hannah.get_by_role("button", name="Report").click()
    assert "A moderator will look at this message" in hannah.inner_text("body")
    assert fits(hannah)
    hannah.screenshot(path=str(SCREENSHOTS / "message-reported-phone.png"), full_page=True)
    db.session.commit()  # a fresh look at what the server wrote
    report = db.session.scalar(select(MessageReport))
    assert report.reason == "other" and report.context == 1
