"""The page a member meets when she has posted a lot in a short time, at phone size.

The forum the other browser tests drive has rate limits off; this module serves the same
database a second time with them on (counted in memory, in this process).
"""

import re
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from forum import create_app
from forum.database import db
from tests.browser.helpers import BrowserConfig, Forum, Problems, QuietRequests, new_context
from tests.browser.people import log_in


@pytest.fixture(scope="module")
def limited(forum) -> Iterator[Forum]:
    settings = {
        "SQLALCHEMY_DATABASE_URI": forum.app.config["SQLALCHEMY_DATABASE_URI"],
        "MAIL_FOLDER": forum.app.config["MAIL_FOLDER"],
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    app = create_app(type("Config", (BrowserConfig,), settings))
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequests)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Forum(app, f"http://127.0.0.1:{server.server_port}", forum._names)
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def phone_page(browser, limited) -> Iterator[Page]:
    context = new_context(browser, limited, "phone")
    page = context.new_page()
    problems = Problems(page)
    yield page
    context.close()
    assert problems.seen == []


def reply(page: Page, words: str, anonymous: bool = False) -> None:
    page.get_by_label("Your reply").fill(words)
    if anonymous:
        page.get_by_label("Post anonymously").check()
    page.get_by_role("button", name="Reply", exact=True).click()


def test_too_many_posts_says_the_wait_keeps_her_words_and_leads_back(
    phone_page: Page, forum, limited, screenshots
) -> None:
    page = phone_page
    newcomer = forum.member("nadia", display_name="Nadia")  # a new account: 3 posts in 10 minutes
    asker = forum.member("ruth")
    title = forum.title("Does the evening crying ever stop?")
    thread_id = forum.thread(asker, title, "Six weeks in and every evening is tears (both of us).")
    log_in(page, newcomer)
    page.goto(f"/t/{thread_id}")
    for n in range(3):
        reply(page, f"It got easier for us around week ten ({n}).")
        expect(page.get_by_text("Your reply is posted.")).to_be_visible()

    words = "Thank you, all of you.\n\nWe tried the warm bath at six and she slept until two."
    reply(page, words, anonymous=True)

    expect(page.get_by_role("heading", level=1, name="Let's take a breath")).to_be_visible()
    expect(page.get_by_text(re.compile(r"try again in about (9|10) minutes"))).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("429")
    expect(page.get_by_label("What you wrote")).to_have_value(words)
    expect(page.get_by_label("Post anonymously")).to_be_checked()
    expect(page.get_by_role("link", name="Back to the thread")).to_have_attribute(
        "href", f"/t/{thread_id}"
    )
    expect(page.get_by_role("link", name="support is here")).to_have_attribute("href", "/support")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshots / "too-many-phone.png", full_page=True)

    # Once the wait is over, "Send it again" posts it, anonymously as she chose.
    next(iter(limited.app.extensions["limiter"])).reset()
    page.get_by_role("button", name="Send it again").click()
    expect(page.get_by_text("Your reply is posted.")).to_be_visible()
    anonymous = page.get_by_role("article", name=re.compile(r"^Anonymous parent"))
    expect(anonymous).to_contain_text("warm bath at six")
