"""The forum served on a free localhost port and driven in Debian's Chromium with Playwright.

One server and one browser for the whole run; each test gets its own browser context (cookies,
viewport, colour scheme), so tests never share a login. The database is a new SQLite file built
by the migrations, as in production; rows a test needs are made with the forum's own services.
"""

import email
import itertools
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select
from werkzeug.serving import WSGIRequestHandler, make_server

from forum import create_app
from forum.config import TestConfig
from forum.database import db
from forum.models import Post, Thread, User
from forum.services import accounts, moderation, reporting, support
from forum.services.categories import create_default_categories
from forum.services.demo import seed_demo
from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_CHROMIUM = (
    f"The browser tests drive Debian's Chromium, and there is none at {CHROMIUM}. "
    "Install it with `apt-get install -y chromium` (or point CHROMIUM_PATH at a Chromium), "
    "then run the tests again."
)

SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
HERE = Path(__file__).parent
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"


def chromium_missing() -> bool:
    return not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK))


def pytest_itemcollected(item) -> None:
    """Every test here drives Chromium, and is marked so: `pytest -m "not browser"` skips them."""
    if HERE in Path(item.path).parents:
        item.add_marker(pytest.mark.browser)


@pytest.hookimpl(trylast=True)  # after `-m` has left out the tests that will not run
def pytest_collection_modifyitems(config, items) -> None:
    """Say how to get Chromium once, before anything runs, rather than failing obscurely."""
    if chromium_missing() and any(HERE in Path(item.path).parents for item in items):
        raise pytest.UsageError(MISSING_CHROMIUM)


class QuietRequests(WSGIRequestHandler):
    def log_request(self, *args) -> None:
        """The tests read pages, not the access log."""


class BrowserConfig(TestConfig):
    WTF_CSRF_ENABLED = True  # the browser sends real forms, tokens and all
    TESTING = False  # a server error is a 500 page, which the page fixture catches


@dataclass
class Member:
    username: str
    id: int
    display_name: str


@dataclass
class Forum:
    """The running forum: its address, and the forum's own services to make rows with."""

    app: Flask
    url: str
    _names: Iterator[int]

    def link_emailed_to(self, address: str) -> str:
        """The link in the newest email to this address (no mail server: emails are files)."""
        for path in sorted(Path(self.app.config["MAIL_FOLDER"]).glob("*.eml"), reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] == address:
                text = message.get_body(("plain",)).get_content()
                return re.search(r"https?://\S+", text).group(0)
        raise AssertionError(f"no email to {address}")

    def name(self, prefix: str) -> str:
        """A username (or title part) no other test in this run uses."""
        return f"{prefix}{next(self._names)}"

    def title(self, words: str) -> str:
        """A thread title no other title in this run contains: "Back at work (12)"."""
        return f"{words} ({next(self._names)})"

    def member(self, prefix: str = "parent", role: str = "member", **profile) -> Member:
        with self.app.app_context():
            user = factories.member(self.name(prefix), role=role, **profile)
            return Member(user.username, user.id, user.display_name)

    def thread(self, author: Member, title: str, body: str) -> int:
        with self.app.app_context():
            return factories.thread(_user(author), title=title, body=body).id

    def reply(self, author: Member, thread_id: int, body: str) -> int:
        with self.app.app_context():
            return factories.reply(_user(author), db.session.get(Thread, thread_id), body).id

    def report(self, reporter: Member, post_id: int, reason: str) -> None:
        with self.app.app_context():
            reporting.report_post(_user(reporter), db.session.get(Post, post_id), reason)
            db.session.commit()

    def opening_post(self, thread_id: int) -> int:
        with self.app.app_context():
            return factories.opening_post(db.session.get(Thread, thread_id)).id


@dataclass
class Showcase:
    """The demo forum plus a member with reports and a block: every main page has something on it."""

    member: Member
    moderator: Member
    thread_id: int
    category: str
    profile: str


@pytest.fixture(scope="session")
def showcase(forum) -> Showcase:
    member = forum.member("lou", display_name="Lou")
    with forum.app.app_context():
        seed_demo()
        thread = db.session.scalars(select(Thread).where(Thread.title == CAR_PARK)).one()
        jo = accounts.find_by_username("jo_straight_talk")
        maya = accounts.find_by_username("maya_r")
        lou = _user(member)
        support.block(lou, jo)
        reporting.report_post(lou, factories.opening_post(thread), "other", "Just checking.")
        moderator = factories.member(forum.name("morgan"), role="moderator")
        advert = db.session.scalars(
            select(Post).where(Post.author_id == accounts.find_by_username("mumdeals_uk").id)
        ).first()
        moderation.hide_post(moderator, advert, "Advertising.", from_queue=True)
        factories.thread(lou, title="Does anyone else eat lunch at their desk?", body="Every day.")
        db.session.commit()
        staff = Member(moderator.username, moderator.id, moderator.display_name)
        return Showcase(member, staff, thread.id, "back-to-work", maya.username)


CAR_PARK = "Week one back and I cried in the car park at lunch"


def _user(member: Member) -> User:
    return db.session.get_one(User, member.id)


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
    yield Forum(app, f"http://127.0.0.1:{server.server_port}", itertools.count(1))
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


def new_context(browser: Browser, forum: Forum, size: str, **options) -> BrowserContext:
    context = browser.new_context(base_url=forum.url, viewport=SIZES[size], **options)
    context.set_default_timeout(10_000)
    return context


class Problems:
    """What a person would notice went wrong: a server error, or a script that broke."""

    def __init__(self, page: Page) -> None:
        self.seen: list[str] = []
        page.on("response", self.response)
        page.on("pageerror", lambda error: self.seen.append(f"script error: {error}"))

    def response(self, response) -> None:
        if response.status >= 500:
            self.seen.append(f"{response.status} from {response.request.method} {response.url}")


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
