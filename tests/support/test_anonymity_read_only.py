"""Posting anonymously, read only: that the author's identity reaches no page, header or
fragment a member or a visitor can fetch, and what the author, the members and the moderators are
shown of the world (tests/support/anonymity.py).

These tests only read, so they share one world, built once on each database; a test here that
wrote to it would fail (see module_database). The tests that change the world, and the requests
that do, are in test_anonymity.py, each with a world of its own.
"""

import re
from html import unescape

import pytest
from flask import session
from sqlalchemy import func, select

from forum.database import db
from forum.models import ModerationAction, Post, PostRevision, Reaction, Report, User
from forum.services import blocking, helpful
from tests import factories
from tests.helpers import signed_in
from tests.support.anonymity import (
    ANON_ID,
    BIO,
    DISPLAY_NAME,
    T1_TITLE,
    T3_TITLE,
    USERNAME,
    World,
    articles,
    build_world,
    byline,
    check_page,
    leaks,
    page_cases,
)


@pytest.fixture(scope="module")
def stored_world(app, module_database) -> tuple[dict, dict]:
    with app.app_context():
        hannah = factories.member("hannah")
        priya = factories.member("priya")
        moderator = factories.member("morgan", role="moderator")
        world = build_world(hannah, priya, moderator)
        return world.keys(), dict(world.ids)


@pytest.fixture
def world(stored_world) -> World:
    return World.load(*stored_world)


@pytest.mark.parametrize(("surface", "viewer"), page_cases(writes=False))
def test_no_page_gives_the_anonymous_author_away(app, client, login, world, surface, viewer):
    check_page(app, client, login, world, surface, viewer)


@pytest.mark.parametrize(
    "typed", [USERNAME, DISPLAY_NAME, "Quill", "Lighthouse keeper", str(ANON_ID)]
)
def test_searching_for_the_anonymous_author_finds_none_of_their_posts(app, client, world, typed):
    response = client.get("/search", query_string={"q": typed})
    assert response.status_code == 200
    assert '<li class="result">' not in response.text and "Nothing matched" in response.text


def test_search_results_label_anonymous_posts_as_their_thread_page_does(app, client, world):
    thread_page = articles(client.get(f"/t/{world.t1.id}").text)
    on_thread = {position: byline(article) for position, article in thread_page.items()}
    results = client.get("/search?q=feeds+hardest").text + client.get("/search?q=never+told").text
    shown = re.findall(r'href="/p/(\d+)".*?class="member"[^>]*>([^<]+)<', results, re.S)
    positions = {world.anon_reply.id: 3, world.hannah_anon.id: 4}
    assert {int(post_id) for post_id, _ in shown} == set(positions)
    for post_id, label in shown:
        assert unescape(label).strip() == on_thread[positions[int(post_id)]]


def test_the_leak_check_sees_each_kind_of_trace(app, world):
    """The check the leak tests rely on finds the author wherever they would show."""
    found = leaks(app, signed_in(app, world.viewer).get(f"/u/{USERNAME}"))
    for trace in (f"{USERNAME!r} in body", f"{DISPLAY_NAME!r} in body", f"{BIO!r} in body"):
        assert trace in found
    assert "avatar initials ZQ in body" in found
    forged = app.response_class(
        f'<li data-user="{ANON_ID}">x</li>', status=302,
        headers={"Location": f"/mod/members/{USERNAME.replace('_', '%5F')}"},
    )  # fmt: skip
    found = leaks(app, forged)
    assert f"user id {ANON_ID} in body" in found
    assert any(t.startswith(f"{USERNAME!r} in header Location") for t in found)
    with app.test_request_context():
        session["note"] = f"About {DISPLAY_NAME}"
        cookie = app.response_class("")
        app.session_interface.save_session(app, session, cookie)
    assert any("Set-Cookie" in trace for trace in leaks(app, cookie))


def test_the_author_alone_is_told_they_posted_anonymously(app, world):
    page = signed_in(app, world.author).get(f"/t/{world.t1.id}").text
    posts = articles(page)
    for position in (1, 3):
        assert "You posted this anonymously." in posts[position]
    for position in (2, 4, 5):
        assert "You posted this anonymously." not in posts[position]
    assert page.count("You posted this anonymously.") == 2
    hannahs = articles(signed_in(app, world.hannah).get(f"/t/{world.t1.id}").text)
    assert "You posted this anonymously." in hannahs[4]
    assert "You posted this anonymously." not in hannahs[1] + hannahs[3]
    for browser in (signed_in(app, world.viewer), app.test_client()):
        assert "You posted this anonymously" not in browser.get(f"/t/{world.t1.id}").text


def test_anonymous_posts_are_not_on_the_authors_profile_nor_in_its_numbers(app, world):
    author = db.session.get(User, ANON_ID)
    assert (author.thread_count, author.post_count) == (0, 0)
    assert helpful.parents_helped(author) == 0  # hannah marked their anonymous reply
    for browser in (signed_in(app, world.viewer), app.test_client(), signed_in(app, author)):
        page = unescape(browser.get(f"/u/{USERNAME}").text)
        assert "0 threads started · 0 posts" in page
        assert "helped" not in page
        assert "No threads yet." in page and "No replies yet." in page
        for title in (T1_TITLE, T3_TITLE, "Nursery settling-in week"):
            assert title not in page
        for post in (world.opening, world.anon_reply, world.late_anon, world.t2_anon):
            assert f'href="/p/{post.id}"' not in page


def test_a_moderator_reading_the_thread_sees_only_the_labels(app, world):
    page = signed_in(app, world.moderator).get(f"/t/{world.t1.id}")
    assert "Anonymous parent (original poster)" in page.text and "Moderate" in page.text
    assert leaks(app, page) == []


def test_the_queue_shows_the_anonymous_post_but_not_who_wrote_it(app, world):
    """Only an explicit reveal, which is logged, tells a moderator who wrote it."""
    page = signed_in(app, world.moderator).get("/mod/")
    assert page.status_code == 200
    assert "feeds are the hardest" in page.text and T1_TITLE in unescape(page.text)
    assert "from priya" in page.text  # the reporter is shown; the anonymous author is not
    assert leaks(app, page) == []
    assert db.session.scalar(select(func.count(ModerationAction.id))) == 0


def test_the_moderators_post_page_offers_a_reveal_without_revealing(app, world):
    page = signed_in(app, world.moderator).get(f"/mod/posts/{world.anon_reply.id}")
    assert page.status_code == 200
    assert "Reveal who wrote it" in page.text and "feeds are the hardest" in page.text
    assert "Earlier versions (1)" in page.text and "feeds are the worst" in page.text
    assert leaks(app, page) == []


def test_a_member_asking_for_moderator_pages_gets_403_without_the_name(app, world):
    browser = signed_in(app, world.viewer)
    for path in ("/mod/", f"/mod/posts/{world.anon_reply.id}", "/mod/log"):
        response = browser.get(path)
        assert response.status_code == 403
        assert leaks(app, response) == []
    response = browser.post(f"/mod/posts/{world.anon_reply.id}/reveal", data={"reason": "Curious"})
    assert response.status_code == 403 and leaks(app, response) == []
    assert db.session.scalar(select(func.count(ModerationAction.id))) == 0


def test_a_reveal_without_a_reason_reveals_nothing(app, world):
    response = signed_in(app, world.moderator).post(
        f"/mod/posts/{world.anon_reply.id}/reveal", data={"reason": " "}
    )
    assert response.status_code == 400
    assert "Please write a reason" in response.text
    assert db.session.scalar(select(func.count(ModerationAction.id))) == 0
    assert leaks(app, response) == []


def test_the_world_stores_the_real_author_behind_every_anonymous_post(world):
    anonymous = db.session.scalars(select(Post).where(Post.anonymous).order_by(Post.id)).all()
    assert {p.author_id for p in anonymous} == {ANON_ID, world.hannah.id}
    assert db.session.scalar(select(func.count(PostRevision.id))) == 1
    assert db.session.scalar(select(func.count(Reaction.id))) == 2
    assert db.session.scalar(select(func.count(Report.id))) == 1
    assert blocking.is_blocked(world.viewer, world.author)
