"""The forum served on a free localhost port and driven in Debian's Chromium with Playwright.

One server and one browser for the whole run; each test gets its own browser context (cookies,
viewport, colour scheme), so tests never share a login. The database is a new SQLite file built
by the migrations, as in production; rows a test needs are made with the forum's own services.
"""

import itertools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from forum import create_app, queue
from forum.database import db
from forum.models import Post, Thread
from forum.services import accounts, blocking, moderation_actions, reporting
from forum.services.categories import create_default_categories
from forum.services.demo import seed_demo
from tests import factories
from tests.browser.helpers import (
    CAR_PARK,
    CHROMIUM,
    CHROMIUM_ARGS,
    MISSING_CHROMIUM,
    SIZES,
    BrowserConfig,
    Forum,
    Member,
    Problems,
    QuietRequests,
    Showcase,
    chromium_missing,
    new_context,
    stored_user,
)
from tests.browser.people import log_in

HERE = Path(__file__).parent
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"


def pytest_itemcollected(item) -> None:
    """Every test here drives Chromium, and is marked so: `pytest -m "not browser"` skips them."""
    if HERE in Path(item.path).parents:
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)  # after `-m` has left out the tests that will not run
def pytest_collection_modifyitems(config, items) -> None:
    """Say how to get Chromium once, before anything runs, rather than failing obscurely."""
    if chromium_missing() and any(HERE in Path(item.path).parents for item in items):
        raise pytest.UsageError(MISSING_CHROMIUM)


@pytest.fixture(scope="session")
def showcase(forum) -> Showcase:
    member = forum.member("lou", display_name="Lou")
    with forum.writing():
        seed_demo()
        thread = db.session.scalars(select(Thread).where(Thread.title == CAR_PARK)).one()
        jo = accounts.find_by_username("jo_straight_talk")
        maya = accounts.find_by_username("maya_r")
        lou = stored_user(member)
        blocking.block(lou, jo)
        reporting.report_post(lou, factories.opening_post(thread), "other", "Just checking.")
        moderator = factories.member(forum.name("morgan"), role="moderator")
        advert = db.session.scalars(
            select(Post).where(Post.author_id == accounts.find_by_username("mumdeals_uk").id)
        ).first()
        moderation_actions.hide_post(moderator, advert, "Advertising.", from_queue=True)
        factories.thread(lou, title="Does anyone else eat lunch at their desk?", body="Every day.")
        db.session.commit()
        staff = Member(moderator.username, moderator.id, moderator.display_name)
        return Showcase(member, staff, thread.id, "back-to-work", maya.username)


@pytest.fixture(scope="session")
def forum(tmp_path_factory) -> Iterator[Forum]:
    database = tmp_path_factory.mktemp("browser") / "forum.db"
    mail = tmp_path_factory.mktemp("browser-mail")
    settings = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "MAIL_FOLDER": str(mail)}
    config = type("Config", (BrowserConfig,), settings)
    app = create_app(config)
    with app.app_context():
        upgrade()
        create_default_categories()
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequests)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    worker = queue.start_in_process()  # the job queue's worker, as `demo` runs one
    yield Forum(app, f"http://127.0.0.1:{server.server_port}", itertools.count(1))
    worker.stop(graceful=True)
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


@pytest.fixture(params=list(SIZES))
def size(request) -> str:
    return request.param


@pytest.fixture
def open_page(browser, forum, size) -> Iterator:
    """open_page(javascript=True) gives a fresh page in its own context, at this test's size."""
    opened: list[tuple[BrowserContext, Problems]] = []

    def make(javascript: bool = True, **options) -> Page:
        context = new_context(browser, forum, size, java_script_enabled=javascript, **options)
        page = context.new_page()
        opened.append((context, Problems(page)))
        return page

    yield make
    problems = [p for _, watcher in opened for p in watcher.seen]
    for context, _ in opened:
        context.close()
    assert problems == []


@pytest.fixture
def page(open_page) -> Page:
    return open_page()


@pytest.fixture(scope="module")
def signed_in(browser, forum) -> Callable[[Member], dict]:
    """Each member logs in through the form once; their later pages reuse the session cookie."""
    states: dict[str, dict] = {}

    def state(member: Member) -> dict:
        if member.username not in states:
            context = new_context(browser, forum, "desktop")
            log_in(context.new_page(), member)
            states[member.username] = context.storage_state()
            context.close()
        return states[member.username]

    return state
