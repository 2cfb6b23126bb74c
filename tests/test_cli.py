"""The flask sub-commands, run as an operator would run them."""

import email
import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from email import policy

import pytest
from sqlalchemy import func, select

from forum.database import db
from forum.models import Category, Post, Role, Thread, User


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=list(args))
    db.session.commit()  # end the test's snapshot so it sees what the command wrote
    return result


def counts() -> tuple[int, int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (User, Thread, Post, Category)
    )


def test_seed_demo_adds_content_once(app):
    first = run(app, "seed-demo")
    assert first.exit_code == 0, first.output
    assert "Added 12 demo threads." in first.output
    after_first = counts()
    assert after_first[0] >= 5 and after_first[1] == 12 and after_first[2] > 30
    second = run(app, "seed-demo")
    assert "Added 0 demo threads." in second.output
    assert counts() == after_first


def test_demo_counters_are_exact(app):
    run(app, "seed-demo")
    for thread in db.session.scalars(select(Thread)):
        posts = db.session.scalar(select(func.count(Post.id)).where(Post.thread_id == thread.id))
        assert thread.post_count == posts and thread.reply_count == posts - 1
        latest = db.session.scalar(
            select(func.max(Post.created_at)).where(Post.thread_id == thread.id)
        )
        assert thread.last_post_at == latest
    for user in db.session.scalars(select(User)):  # anonymous posts count in no public number
        assert user.post_count == db.session.scalar(
            select(func.count(Post.id)).where(Post.author_id == user.id, Post.anonymous.is_(False))
        )
    for category in db.session.scalars(select(Category)):
        assert category.thread_count == db.session.scalar(
            select(func.count(Thread.id)).where(Thread.category_id == category.id)
        )


def test_seed_categories_is_idempotent(app):
    result = run(app, "seed-categories")
    assert "Added 0 categories." in result.output  # the fixture made them already
    assert [c.slug for c in db.session.scalars(select(Category).order_by(Category.position))] == [
        "back-to-work", "missed-milestones", "childcare", "partner-and-family",
        "postpartum-feelings", "small-wins",
    ]  # fmt: skip


def test_set_role(app, member):
    result = run(app, "set-role", "HANNAH", "moderator")
    assert result.exit_code == 0 and "hannah is now moderator" in result.output
    assert member.role == Role.MODERATOR
    assert member.is_moderator
    assert run(app, "set-role", "nobody", "admin").exit_code != 0
    assert run(app, "set-role", "hannah", "emperor").exit_code != 0
    assert member.role == Role.MODERATOR


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_command_migrates_seeds_and_serves(tmp_path):
    """The README's first command, end to end: an empty database becomes a forum with content."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/demo.db", "SECRET_KEY": "demo-test"}
    flask = [sys.executable, "-m", "flask", "--app", "forum", "demo", "--port", str(port)]
    server = subprocess.Popen(flask, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    home = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(
                        server.stdout.read().decode() if server.poll() is not None else "no answer"
                    )
                time.sleep(0.3)
        assert "Back to work" in home and "Latest conversations" in home
        # The ten latest, and the newcomer's first thread again under "Waiting for a reply".
        assert home.count('class="thread-row"') == 11
        # The demo's parents write British English, and its support lines are the UK's.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/support", timeout=5) as response:
            support = response.read().decode()
        assert 'href="tel:116123"' in support and "Samaritans" in support
        assert "988" not in support and "911" not in support
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_demo_emails_links_to_the_port_it_serves(tmp_path):
    """`flask demo --port P` with no PUBLIC_URL: the link in a confirmation email opens the demo."""
    port = free_port()
    env = {
        key: value for key, value in os.environ.items() if key not in ("PUBLIC_URL", "MAIL_SERVER")
    }
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path}/demo.db", "SECRET_KEY": "demo-test",
            "INSTANCE_PATH": str(tmp_path), "MAIL_FOLDER": str(tmp_path / "mail")}  # fmt: skip
    flask = [sys.executable, "-m", "flask", "--app", "forum", "demo", "--port", str(port)]
    server = subprocess.Popen(flask, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with browser.open(f"{base}/signup", timeout=2) as response:
                    form = response.read().decode()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail(
                        server.stdout.read().decode() if server.poll() is not None else "no answer"
                    )
                time.sleep(0.3)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        data = {"csrf_token": token, "username": "demo_parent", "email": "demo@example.org",
                "password": "quiet tea before the school run",
                "confirm": "quiet tea before the school run", "agree": "y"}  # fmt: skip
        with browser.open(f"{base}/signup", urllib.parse.urlencode(data).encode(), 10) as response:
            assert "Check your email" in response.read().decode()
        deadline = time.monotonic() + 20
        while not (emails := list((tmp_path / "mail").glob("*.eml"))):
            assert time.monotonic() < deadline, "no email was written"
            time.sleep(0.2)
        text = email.message_from_bytes(emails[0].read_bytes(), policy=policy.default)
        link = re.search(r"https?://\S+", text.get_body(("plain",)).get_content()).group(0)
        assert link.startswith(f"{base}/verify/")
        # Opened in the browser that signed up, it signs in and lands on the demo's home page.
        with browser.open(link, timeout=10) as response:
            assert response.url == f"{base}/"
            assert "Welcome to Blossom, demo_parent" in html.unescape(response.read().decode())
    finally:
        server.terminate()
        server.wait(timeout=10)
