"""Visitors' pages come from the cache until what they show changes, and then never again.

Every case runs with the in-memory cache the tests use and with Redis, as in production.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select, update

from forum import page_cache
from forum.database import db
from forum.models import Action, Post, ReportReason, Thread, User
from forum.services import (
    accounts,
    consistency,
    helpful,
    moderation_actions,
    posting,
    privacy,
    reactions,
    reporting,
)
from forum.services.categories import create_default_categories
from forum.services.errors import ServiceError
from tests import factories
from tests.helpers import count_queries, signed_in

REDIS_URL = "redis://127.0.0.1:6379/5"


@pytest.fixture(params=["memory", "redis"], autouse=True)
def cache(request, app):
    """The app's page cache for one test, its own, in memory or in Redis: its settings."""
    config = {"CACHE_TYPE": "SimpleCache"}
    if request.param == "redis":
        prefix = f"test-pages-{secrets.token_hex(4)}:"
        config = {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": prefix,
        }
    page_cache.cache.init_app(app, config=config)
    yield config
    page_cache.cache.init_app(app, config=config)
    page_cache.cache.clear()
    page_cache.cache.init_app(app, config={"CACHE_TYPE": "SimpleCache"})


def cached(client, url: str) -> str:
    """The page as visitors see it, asserting the second request came from the cache. Each
    request is a new visitor with no cookie, and is given none (forms would start a session
    for their token, so tokens are on, as in production)."""
    client.application.config["WTF_CSRF_ENABLED"] = True
    try:
        first = client.application.test_client().get(url)
    finally:
        client.application.config["WTF_CSRF_ENABLED"] = False
    assert first.status_code == 200
    assert "Set-Cookie" not in first.headers, "a visitor's page started a session"
    again = client.application.test_client()
    assert count_queries(again, url) == 0, f"{url} was not served from the cache"
    assert again.get(url).data == first.data
    return first.text


def fresh(client, url: str) -> str:
    """The next visitor request for the page: it must be rendered again, and show the change."""
    visitor = client.application.test_client()
    assert count_queries(visitor, url) > 0, f"{url} was served from the cache after a change"
    return visitor.get(url).text


def test_visitors_pages_are_rendered_once_then_served_without_the_database(client, member):
    thread = factories.thread(member, replies=25)
    pages = ("/", "/c/back-to-work", f"/t/{thread.id}", f"/t/{thread.id}?page=2", "/waiting")
    for url in (*pages, f"/u/{member.username}"):
        cached(client, url)
    # each page of a thread is a page of its own
    assert "Reply number 25" in client.get(f"/t/{thread.id}?page=2").text
    assert "Reply number 25" not in client.get(f"/t/{thread.id}").text


def test_each_language_has_its_own_cached_page(client, member):
    """A visitor whose browser asks for Spanish is never served the English page kept for
    others, nor the reverse; each is kept, and says which it is."""
    thread = factories.thread(member)
    for url in ("/", f"/t/{thread.id}"):
        english = client.application.test_client()
        spanish = client.application.test_client()
        spanish.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9"
        for _ in range(2):
            assert '<html lang="en">' in english.get(url).text
            page = spanish.get(url)
            assert '<html lang="es">' in page.text
            assert {"Accept-Language", "Cookie"} <= set(page.vary)
        assert count_queries(spanish, url) == 0  # kept, in its own language
        # The footer's choice outranks what the browser asks for.
        spanish.set_cookie("lang", "en")
        assert '<html lang="en">' in spanish.get(url).text


def test_a_members_page_is_never_cached_nor_shown_to_visitors(app, client, member, other_member):
    thread = factories.thread(member)
    reader = signed_in(app, other_member)
    for _ in range(2):
        assert count_queries(reader, f"/t/{thread.id}") > 0
    member_view = reader.get(f"/t/{thread.id}")
    assert "Follow this thread" in member_view.text
    assert member_view.headers["Cache-Control"] == "no-store"
    visitor_view = cached(client, f"/t/{thread.id}")
    assert "Follow this thread" not in visitor_view and "Log out" not in visitor_view
    assert "Follow this thread" in reader.get(f"/t/{thread.id}").text


def test_a_visitor_with_a_message_waiting_gets_a_page_of_their_own(app, client, member):
    cached(client, "/")
    leaving = signed_in(app, member)
    leaving.post("/logout")
    goodbye = leaving.get("/").text
    assert "logged out. Take care" in goodbye
    assert "logged out. Take care" not in cached(client, "/")


def test_a_change_that_is_rolled_back_leaves_the_cached_page_in_use(client, member, other_member):
    thread = factories.thread(member)
    cached(client, f"/t/{thread.id}")
    factories.reply(other_member, thread, "The same words twice.")
    cached(client, f"/t/{thread.id}")
    with pytest.raises(ServiceError):
        posting.reply(other_member, thread, "The same words twice.", kindness_confirmed=True)
    db.session.rollback()
    assert count_queries(client, f"/t/{thread.id}") == 0


@dataclass
class Forum:
    thread: Thread
    reply: Post
    author: User  # started the thread
    replier: User  # wrote the reply
    moderator: User


def _nothing(forum: Forum) -> None:
    pass


@dataclass
class Change:
    name: str
    make: Callable[[Forum], object]
    pages: tuple[str, ...]  # of the URLS below
    shows: Callable[[Forum, str], bool]  # True once the page shows the change
    before: Callable[[Forum], object] = _nothing  # done before the pages are cached


def _hide(forum: Forum) -> None:
    moderation_actions.hide_post(forum.moderator, forum.reply, "Unkind to another parent.")


def _report(forum: Forum) -> None:
    for name in ("ana", "bea", "cat"):
        reporting.report_post(factories.member(name), forum.reply, ReportReason.UNKIND)


def _hug(forum: Forum) -> None:
    reactions.toggle_reaction(forum.author, forum.reply, "hug")


def _moved(forum: Forum, page: str) -> bool:
    if 'class="thread-heading"' in page:
        return '<a href="/c/small-wins">Small wins</a></nav>' in page
    return f'href="/t/{forum.thread.id}"' in page


def _drift(forum: Forum) -> None:
    db.session.execute(update(Thread).values(reply_count=40))


def _text(forum: Forum, page: str) -> bool:
    return forum.reply.body_markdown in page


def _listed(forum: Forum, page: str) -> bool:
    return f'href="/t/{forum.thread.id}"' in page


def _take_back_the_reply(forum: Forum) -> None:
    posting.delete_post(forum.replier, forum.reply)


CHANGES = [
    Change(
        "a reply",
        lambda f: posting.reply(f.author, f.thread, "It helps to hear.", kindness_confirmed=True),
        ("thread", "category", "home"),
        lambda f, page: "It helps to hear." in page or "2 replies" in page,
    ),
    Change(
        "an edit",
        lambda f: posting.edit_post(f.replier, f.reply, "A flower still grows unwatched."),
        ("thread",),
        lambda f, page: "A flower still grows unwatched." in page,
    ),
    Change(
        "a new title",
        lambda f: posting.edit_post(
            f.author, factories.opening_post(f.thread), "Hard.", "Week one"
        ),
        ("thread", "category", "home"),
        lambda f, page: "Week one" in page,
    ),
    Change(
        "a post hidden",
        _hide,
        ("thread",),
        lambda f, page: not _text(f, page) and "hidden by a moderator" in page,
    ),
    Change(
        "a post restored",
        lambda f: moderation_actions.restore_post(f.moderator, f.reply, "Fine on a second look."),
        ("thread",),
        _text,
        before=_hide,
    ),
    Change(
        "a post removed",
        lambda f: moderation_actions.remove_post(f.moderator, f.reply, "Spam."),
        ("thread",),
        lambda f, page: not _text(f, page) and "removed by a moderator" in page,
    ),
    Change(
        "a post hidden by reports",
        _report,
        ("thread",),
        lambda f, page: not _text(f, page) and "waiting for a moderator" in page,
    ),
    Change(
        "a post deleted by its author",
        lambda f: posting.delete_post(f.replier, f.reply),
        ("thread", "category"),
        lambda f, page: not _text(f, page) and ("by its author" in page or "0 replies" in page),
    ),
    Change("a reaction", _hug, ("thread",), lambda f, page: 'aria-label="1 hug"' in page),
    Change(
        "a reaction taken back",
        _hug,
        ("thread",),
        lambda f, page: 'aria-label="1 hug"' not in page,
        before=_hug,
    ),
    Change(
        "a reply marked as helping",
        lambda f: helpful.mark_helped(f.author, f.reply, True),
        ("thread",),
        lambda f, page: "What helped" in page,
    ),
    Change(
        "a thread locked",
        lambda f: moderation_actions.set_thread_flag(
            f.moderator, f.thread, Action.LOCK, "Resolved."
        ),
        ("thread", "category"),
        lambda f, page: 'class="tag">Locked' in page,
    ),
    Change(
        "a thread pinned",
        lambda f: moderation_actions.set_thread_flag(
            f.moderator, f.thread, Action.PIN, "For everyone."
        ),
        ("category",),
        lambda f, page: "Pinned" in page,
    ),
    Change(
        "a thread moved",
        lambda f: moderation_actions.move_thread(
            f.moderator, f.thread, factories.category("small-wins"), "It belongs there."
        ),
        ("thread", "other-category"),
        _moved,
    ),
    Change(
        "a member's new name",
        lambda f: accounts.update_profile(f.author, "Hannah the night owl", ""),
        ("thread", "category", "home"),
        lambda f, page: "Hannah the night owl" in page,
    ),
    Change(
        "a member's account deleted, posts kept",
        lambda f: privacy.delete_account(f.replier, factories.PASSWORD, keep_posts=True),
        ("thread",),
        lambda f, page: "A former member" in page and "priya" not in page,
    ),
    Change(
        "counters repaired",
        lambda f: consistency.repair(),
        ("category", "home"),
        lambda f, page: "40 replies" not in page and "1 reply" in page,
        before=_drift,
    ),
    Change(
        "a new thread",
        lambda f: posting.start_thread(f.replier, factories.category(), "Pumping at work", "Tips?"),
        ("category", "home", "waiting", "replier-profile"),
        lambda f, page: "Pumping at work" in page,
    ),
    Change(
        "its only reply taken back: the thread waits again",
        _take_back_the_reply,
        ("waiting",),
        _listed,
    ),
    Change(
        "a waiting thread locked",
        lambda f: moderation_actions.set_thread_flag(
            f.moderator, f.thread, Action.LOCK, "Resolved."
        ),
        ("waiting",),
        lambda f, page: not _listed(f, page),
        before=_take_back_the_reply,
    ),
    Change(
        "a waiting thread's opening post hidden",
        lambda f: moderation_actions.hide_post(
            f.moderator, factories.opening_post(f.thread), "Unkind to another parent."
        ),
        ("waiting",),
        lambda f, page: not _listed(f, page),
        before=_take_back_the_reply,
    ),
    Change(
        "a reply, on its author's profile",
        lambda f: posting.reply(f.author, f.thread, "It helps to hear.", kindness_confirmed=True),
        ("author-profile",),
        lambda f, page: "2 posts" in page,
    ),
    Change(
        "a post hidden, on its author's profile",
        _hide,
        ("replier-profile",),
        lambda f, page: "0 posts" in page and "No replies yet." in page,
    ),
    Change(
        "a reply marked as helping, on its author's profile",
        lambda f: helpful.mark_helped(f.author, f.reply, True),
        ("replier-profile",),
        lambda f, page: "helped 1 parent" in page,
    ),
    Change(
        "a member's new name, on their profile",
        lambda f: accounts.update_profile(f.author, "Hannah the night owl", ""),
        ("author-profile",),
        lambda f, page: "Hannah the night owl" in page,
    ),
    Change(
        "a member's new bio",
        lambda f: accounts.update_profile(
            f.author, f.author.display_name, "Night feeds, spreadsheets."
        ),
        ("author-profile",),
        lambda f, page: "Night feeds, spreadsheets." in page,
    ),
]
URLS = {
    "thread": "/t/{id}",
    "category": "/c/back-to-work",
    "other-category": "/c/small-wins",
    "home": "/",
    "waiting": "/waiting",
    "author-profile": "/u/{author}",
    "replier-profile": "/u/{replier}",
}


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.name)
def test_the_next_visitor_sees_each_change(client, member, other_member, moderator, change):
    thread = factories.thread(member)
    forum = Forum(thread, factories.reply(other_member, thread), member, other_member, moderator)
    change.before(forum)
    db.session.commit()
    names = {"id": thread.id, "author": member.username, "replier": other_member.username}
    urls = [URLS[page].format(**names) for page in change.pages]
    for url in urls:
        assert not change.shows(forum, cached(client, url)), f"{url} shows it already"
    change.make(forum)
    db.session.commit()
    for url in urls:
        assert change.shows(forum, fresh(client, url)), f"{change.name} is not on {url}"
        cached(client, url)  # and the new page is kept in its turn


def test_a_visitors_search_is_kept_until_a_post_changes(client, member, other_member, moderator):
    thread = factories.thread(member)
    reply = factories.reply(other_member, thread, "Pumping milk in a cupboard at work is hard.")
    url = "/search?q=cupboard"
    assert "Pumping milk" in cached(client, url)
    assert "Pumping milk" not in cached(client, "/search?q=tomatoes")  # each query its own page
    moderation_actions.hide_post(moderator, reply, "Unkind to another parent.")
    db.session.commit()
    assert "Pumping milk" not in fresh(client, url)
    factories.reply(member, thread, "A cupboard of my own at last.")
    assert "of my own at last" in fresh(client, url)
    cached(client, url)


def test_an_anonymous_post_keeps_its_label_when_its_author_leaves(client, member, other_member):
    thread = factories.thread(member)
    posting.reply(
        other_member, thread, "Me too, every day.", anonymous=True, kindness_confirmed=True
    )
    factories.reply(other_member, thread, "And signed, too.")
    db.session.commit()
    page = cached(client, f"/t/{thread.id}")
    assert "Anonymous parent 2" in page and "priya" in page
    privacy.delete_account(other_member, factories.PASSWORD, keep_posts=True)
    db.session.commit()
    page = fresh(client, f"/t/{thread.id}")
    assert "Anonymous parent 2" in page and "A former member" in page
    assert "priya" not in page.lower()


def test_a_change_to_one_thread_leaves_other_threads_cached(client, member, other_member):
    busy, quiet = factories.thread(member), factories.thread(member, title="A quiet one")
    cached(client, f"/t/{busy.id}")
    cached(client, f"/t/{quiet.id}")
    factories.reply(other_member, busy)
    assert count_queries(client, f"/t/{quiet.id}") == 0
    fresh(client, f"/t/{busy.id}")


def test_a_restore_forgets_every_page(client, member):
    thread = factories.thread(member)
    cached(client, f"/t/{thread.id}")
    cached(client, "/")
    page_cache.forget_everything()
    fresh(client, f"/t/{thread.id}")
    fresh(client, "/")


def test_a_category_added_reaches_every_page(client, member):
    db.session.delete(factories.category("small-wins"))
    db.session.commit()
    assert "Small wins" not in cached(client, "/")
    assert create_default_categories()
    db.session.commit()
    assert "Small wins" in fresh(client, "/")


def test_pages_are_served_when_the_cache_is_unreachable(app, client, member, other_member):
    page_cache.cache.init_app(
        app, config={"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": "redis://127.0.0.1:9/0"}
    )
    thread = factories.thread(member)
    for _ in range(2):
        assert count_queries(client, f"/t/{thread.id}") > 0
    factories.reply(other_member, thread, "Still here for you.")
    assert "Still here for you." in client.get(f"/t/{thread.id}").text
    assert db.session.scalar(select(Thread.reply_count).where(Thread.id == thread.id)) == 1


def test_an_anonymous_post_renews_every_profile_alike_and_shows_on_none(
    client, member, other_member
):
    thread = factories.thread(member, title="Crying in the car park")
    hers, theirs = f"/u/{other_member.username}", f"/u/{member.username}"
    before = {url: cached(client, url) for url in (hers, theirs)}
    posting.reply(
        other_member,
        thread,
        "I do it too, most Mondays.",
        anonymous=True,
        kindness_confirmed=True,
    )
    db.session.commit()
    # Every profile is rendered again, not only hers: which one was renewed says nothing.
    after = {url: fresh(client, url) for url in (hers, theirs)}
    assert "0 posts" in after[hers] and "No replies yet." in after[hers]
    assert "Crying in the car park" not in after[hers] and "Mondays" not in after[hers]
    assert after[hers].count("<li>") == before[hers].count("<li>")
