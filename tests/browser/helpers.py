"""What the browser tests share besides fixtures: where Chromium is, the running forum and the
rows it makes, the members and pages the tests use, and what a person would notice went wrong."""

import email
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from pathlib import Path

from flask import Flask, g
from playwright.sync_api import Browser, BrowserContext, Page
from werkzeug.serving import WSGIRequestHandler

from forum import queue
from forum.config import TestConfig
from forum.database import db
from forum.models import Post, Thread, User
from forum.services import reporting
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


def chromium_missing() -> bool:
    return not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK))


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

    def link_emailed_to(self, address: str, wait: float = 10) -> str:
        """The link in the newest email to this address (no mail server: emails are files).

        Emails are sent by the job queue's worker after the response has gone, so the page can
        show before the file is there: it is looked for again for up to `wait` seconds, and what
        waits in the queue is run here too (another app made since may have the worker's ear)."""
        deadline = time.monotonic() + wait
        while True:
            with self.app.app_context():
                queue.run_waiting()
            for path in sorted(Path(self.app.config["MAIL_FOLDER"]).glob("*.eml"), reverse=True):
                message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
                if message["To"] == address:
                    text = message.get_body(("plain",)).get_content()
                    return re.search(r"https?://\S+", text).group(0)
            if time.monotonic() > deadline:
                raise AssertionError(f"no email to {address}")
            time.sleep(0.1)

    @contextmanager
    def writing(self) -> Iterator[None]:
        """An app context whose transactions take SQLite's write lock up front, as a request
        that writes and the queue's worker do: read first and then write beside them, a
        transaction would be refused with "database is locked"."""
        with self.app.app_context():
            g.takes_write_lock = True
            yield

    def name(self, prefix: str) -> str:
        """A username (or title part) no other test in this run uses."""
        return f"{prefix}{next(self._names)}"

    def title(self, words: str) -> str:
        """A thread title no other title in this run contains: "Back at work (12)"."""
        return f"{words} ({next(self._names)})"

    def member(self, prefix: str = "parent", role: str = "member", **profile) -> Member:
        with self.writing():
            user = factories.member(self.name(prefix), role=role, **profile)
            return Member(user.username, user.id, user.display_name)

    def thread(self, author: Member, title: str, body: str) -> int:
        with self.writing():
            return factories.thread(stored_user(author), title=title, body=body).id

    def reply(self, author: Member, thread_id: int, body: str) -> int:
        with self.writing():
            return factories.reply(stored_user(author), db.session.get(Thread, thread_id), body).id

    def report(self, reporter: Member, post_id: int, reason: str) -> None:
        with self.writing():
            reporting.report_post(stored_user(reporter), db.session.get(Post, post_id), reason)
            db.session.commit()

    def opening_post(self, thread_id: int) -> int:
        with self.writing():
            return factories.opening_post(db.session.get(Thread, thread_id)).id


@dataclass
class Showcase:
    """The demo forum plus a member with reports and a block: every main page has something on it."""

    member: Member
    moderator: Member
    thread_id: int
    category: str
    profile: str


CAR_PARK = "Week one back and I cried in the car park at lunch"


def stored_user(member: Member) -> User:
    return db.session.get_one(User, member.id)


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
