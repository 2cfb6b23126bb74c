"""Every read page runs at most 6 SQL queries, the same number at any page number and any size.

One forum is built small, with at least one of everything a page can show (anonymous posts,
reactions, what helped, blocks, reports, notifications, follows, warnings, appeals, sign-ins),
then grown with many more of each until every list runs over several pages. Each page is counted
for a visitor, a member and a moderator wherever they can read it, at page 1 and at later pages.

The member reads with unread warnings, the most a member's page loads. A member's thread page
counts one statement that writes: how far she has read, for "new replies" on her lists (whose
rows read it in the list's own statement, adding none). A page is counted once
for each state of the data, as the first request for its URL since the data changed: what a
page cache would miss. `QueryCounter` is the one place that knows this.
"""

import io
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from itertools import count
from urllib.parse import quote

import PIL.Image
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from forum import queue
from forum.database import db, utcnow
from forum.models import (
    Appeal,
    Category,
    Conversation,
    Message,
    ModerationAction,
    Notification,
    Party,
    Post,
    Role,
    Subscription,
    Thread,
    Upload,
    User,
)
from forum.services import (
    appeals,
    blocking,
    drafts,
    following,
    helpful,
    links,
    message_reports,
    messaging,
    moderation_actions,
    posting,
    reactions,
    recovery,
    reporting,
    sanctions,
    sessions,
    uploads,
)
from tests import factories
from tests.helpers import count_queries, signed_in

LIMIT = 6
VISITOR, MEMBER, MODERATOR = "visitor", "member", "moderator"
KINDS = ("heart", "hug", "me_too", "got_this", "thank_you")
_words = count(1)


def _words_for(text: str) -> str:
    """Posts say something new each time: the forum refuses the same words twice."""
    return f"{text} ({next(_words)})"


# The forum


@dataclass
class Forum:
    reader: User  # the member whose own pages are counted
    moderator: User
    writers: list[User]  # everyone else who posts, reacts and reports
    long_thread: Thread  # the reader's, with replies of every kind
    reported: Post  # a writer's reply in it, reported, with an earlier version
    appealed: ModerationAction  # a removal of the reader's reply, with an open appeal
    round: int = 0


def build(rounds: int) -> Forum:
    reader = factories.member("reader")
    moderator = factories.member("morgan", role=Role.MODERATOR)
    writers = [factories.member(f"writer{n}") for n in range(4)]
    long_thread = factories.thread(reader, title="Naps are short and so am I", body="Naps again.")
    opener = factories.thread(writers[0], title="Naps at nursery", body="Naps at nursery?")
    reader_post = factories.reply(reader, opener, "We nap in the car, naps are naps.")
    reported = factories.reply(writers[1], long_thread, "Naps get easier, I promise.")
    posting.edit_post(writers[1], reported, "Naps get easier, honestly.")
    reporting.report_post(reader, reported, "unkind", "Felt dismissive")
    following.set_follow(moderator, long_thread, "following")
    blocking.block(reader, writers[3])
    removal = moderation_actions.remove_post(moderator, reader_post, "Shares a name")
    appeals.appeal(reader, removal, "It was my own child's nickname.")
    drafts.save_reply(
        reader, long_thread, drafts.Words("Half a thought about naps", anonymous=True)
    )
    drafts.save_thread(reader, long_thread.category, drafts.Words("Naps?", title="Naps again"))
    drafts.save_reply(moderator, long_thread, drafts.Words("A moderator's unsent words"))
    opening = factories.opening_post(long_thread)
    drafts.save_edit(reader, opening, drafts.Words("Naps, changed", title="Naps, still short"))
    # A conversation, a reported message, and an anonymous post that takes private replies.
    reader.created_at = utcnow() - timedelta(days=8)
    talk = messaging.request(reader, writers[0], "Naps: can I ask you something?").conversation
    messaging.accept(writers[0], talk)
    messaging.send(writers[0], talk, "Of course, ask away about naps")
    private = posting.start_thread(
        writers[2], factories.category(), "Evenings, privately", "Ask me anything.", anonymous=True
    )
    factories.opening_post(private).private_replies = True
    db.session.flush()
    message = db.session.scalar(select(Message).where(Message.conversation_id == talk.id))
    message_reports.report(reader, talk, message, "other", "Please look", 0)
    db.session.commit()
    forum = Forum(reader, moderator, writers, long_thread, reported, removal)
    grow(forum, rounds)
    return forum


def grow(forum: Forum, rounds: int) -> None:
    """Each round: a new member, threads in several categories, replies named and anonymous,
    reactions, what helped, reports, moderation, follows, blocks and sign-ins."""
    reader, mod, writers = forum.reader, forum.moderator, forum.writers
    categories = list(db.session.scalars(select(Category).order_by(Category.position)))
    for _ in range(rounds):
        forum.round += 1
        n = forum.round
        newcomer = factories.member(f"parent{n}")
        writers.append(newcomer)
        for k, category in enumerate([categories[0], categories[0], categories[n % 6]]):
            author = writers[(n + k) % len(writers)]
            thread = posting.start_thread(
                author,
                category,
                f"Naps and nights, round {n} ({k})",
                _words_for("Naps and nights, how do you cope?"),
                anonymous=k == 2,
            )
            following.set_follow(reader, thread, "muted" if k == 1 else "following")
        reply = posting.reply(reader, thread, _words_for("Naps here too."), kindness_confirmed=True)
        for kind, writer in zip(KINDS, writers[-5:], strict=False):
            reactions.toggle_reaction(writer, reply, kind)
        for k in range(4):  # the long thread grows: four replies, one anonymous
            post = posting.reply(
                writers[(n + k) % len(writers)],
                forum.long_thread,
                _words_for("Naps are hard, here is what we tried."),
                anonymous=k == 3,
                kindness_confirmed=True,
            )
            reactions.toggle_reaction(reader, post, KINDS[k])
        helpful.mark_helped(reader, post, True)
        reporting.report_post(reader, post, "other", "Please look")
        reporting.report_post(newcomer, factories.opening_post(thread), "spam")
        if n % 2:
            blocking.block(reader, newcomer)
        sanctions.warn(mod, newcomer, f"Please be gentle ({n})")
        sanctions.warn(mod, reader, f"A reminder about kindness ({n})")
        sessions.start(reader, f"Mozilla/5.0 (X11; Linux x86_64) Firefox/{100 + n}.0")
        drafts.save_reply(reader, thread, drafts.Words(f"Unsent, round {n}", anonymous=k == 2))
        talk = message_reports.check_in_with(mod, reader, _words_for("Naps: how are you?"))
        db.session.flush()
        message = db.session.scalar(select(Message).where(Message.conversation_id == talk.id))
        message_reports.report(reader, talk, message, "spam", "", 1)
        db.session.commit()


# Counting


class QueryCounter:
    """Counts each page once per state of the data: the first request for that URL after the
    data changed, as a page cache would miss it."""

    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def data_changed(self) -> None:
        self.seen.clear()

    def count(self, client: FlaskClient, who: str, url: str) -> int:
        assert (who, url) not in self.seen, f"{url} was already read since the data changed"
        self.seen.add((who, url))
        return count_queries(client, url)


def paged(url: str, pages: int) -> list[str]:
    """Page 1, page 2 and the last page, as far as they exist."""
    joiner = "&" if "?" in url else "?"
    later = sorted({n for n in (2, pages // 2, pages) if 1 < n <= pages})
    return [url, *(f"{url}{joiner}page={n}" for n in later)]


def pages_of(items: int, per_page: int) -> int:
    return max(1, -(-items // per_page))


def total(statement) -> int:
    return db.session.scalar(statement) or 0


Urls = Callable[[Forum, Flask, User | None], list[str]]  # given the signed-in reader, if any


class Case:
    """A read page, who reads it, and its URLs: "/t/{thread}" is filled in from `names`, and a
    function gives a list's pages."""

    def __init__(self, endpoint: str, who: tuple[str, ...], *urls: str | Urls) -> None:
        self.endpoint, self.who, self.urls = endpoint, who, urls

    def for_reader(self, forum: Forum, app: Flask, user: User | None) -> list[str]:
        found = []
        for url in self.urls:
            found += [url.format(**names(forum))] if isinstance(url, str) else url(forum, app, user)
        return found


def names(f: Forum) -> dict[str, object]:
    appeal = db.session.scalar(select(Appeal.id).where(Appeal.action_id == f.appealed.id))
    reset = {"u": f.reader.id, "p": recovery._fingerprint(f.reader)}
    talk = db.session.scalar(
        select(Conversation)
        .join(Party, Party.conversation_id == Conversation.id)
        .where(Party.user_id == f.writers[0].id)
    )
    return {
        "thread": f.long_thread.id,
        "opening": factories.opening_post(f.long_thread).id,
        "reported": f.reported.id,
        "reader": quote(f.reader.username),
        "moderator": quote(f.moderator.username),
        "decision": f.appealed.id,
        "appeal": appeal,
        "reset": links.make_token("reset", reset),
        "unsubscribe": links.make_token("unsubscribe", {"u": f.reader.id, "t": "replies"}),
        "conversation": talk.key,
        "message": db.session.scalar(
            select(Message.id).where(
                Message.conversation_id == talk.id, Message.sender_id != f.reader.id
            )
        ),
        "private": db.session.scalar(select(Post.id).where(Post.private_replies)),
    }


def _category(f: Forum, app: Flask, user: User | None) -> list[str]:
    category = factories.category("back-to-work")
    return paged("/c/back-to-work", pages_of(category.thread_count, app.config["THREADS_PER_PAGE"]))


def _thread(f: Forum, app: Flask, user: User | None) -> list[str]:
    db.session.refresh(f.long_thread)
    pages = pages_of(f.long_thread.post_count, app.config["POSTS_PER_PAGE"])
    return paged(f"/t/{f.long_thread.id}", pages)


def _search(f: Forum, app: Flask, user: User | None) -> list[str]:
    found = total(select(func.count()).select_from(Post).where(Post.body_markdown.like("%aps%")))
    return paged("/search?q=naps", pages_of(found, 20))


def _notifications(f: Forum, app: Flask, user: User | None) -> list[str]:
    rows = total(select(func.count(Notification.id)).where(Notification.user_id == user.id))
    return paged("/notifications", pages_of(rows, app.config["NOTIFICATIONS_PER_PAGE"]))


def _following(f: Forum, app: Flask, user: User | None) -> list[str]:
    rows = total(select(func.count(Subscription.id)).where(Subscription.user_id == user.id))
    return paged("/following", pages_of(rows, app.config["THREADS_PER_PAGE"]))


def _log(f: Forum, app: Flask, user: User | None) -> list[str]:
    return paged("/mod/log", pages_of(total(select(func.count(ModerationAction.id))), 50))


def _picture(f: Forum, app: Flask, user: User | None) -> list[str]:
    """A photo on the long thread's opening post, and its thumbnail."""
    upload = db.session.scalar(select(Upload))
    if upload is None:
        image = io.BytesIO()
        PIL.Image.new("RGB", (64, 48), (200, 120, 90)).save(image, "PNG")
        upload = uploads.store_photo(f.reader, image.getvalue(), "")
        upload.post_id = factories.opening_post(f.long_thread).id
        db.session.commit()
    return [f"/images/{upload.key}.webp", f"/images/{upload.key}-s.webp"]


ALL = (VISITOR, MEMBER, MODERATOR)
SIGNED_IN = (MEMBER, MODERATOR)
READ_PAGES = [
    Case("threads.home", ALL, "/"),
    Case("threads.category", ALL, _category),
    Case("threads.show", ALL, _thread),
    Case("threads.new", SIGNED_IN, "/new", "/new?category=childcare"),
    Case("replies.reply", SIGNED_IN, "/t/{thread}/reply", "/t/{thread}/reply?quote={reported}"),
    Case("replies.quotation", SIGNED_IN, "/p/{opening}/quote", "/p/{opening}/quote?selection=a"),
    Case("replies.edit", (MEMBER,), "/p/{opening}/edit"),
    Case("replies.delete", (MEMBER,), "/p/{opening}/delete"),
    Case("replies.content_note", (MEMBER,), "/p/{opening}/note"),
    Case("reports.report", SIGNED_IN, "/p/{reported}/report"),
    Case("profiles.show", ALL, "/u/writer1", "/u/{reader}"),
    Case("support.waiting", ALL, "/waiting"),
    Case("support.resources", ALL, "/support"),
    Case(
        "search.results",
        ALL,
        _search,
        "/search?q=naps&category=back-to-work",
        "/search?q=%22naps+are%22&since=2000-01-01",
    ),
    Case("search.similar", ALL, "/search/similar?title=naps+and+nights"),
    Case("auth.guidelines", ALL, "/guidelines"),
    Case("auth.login", (VISITOR,), "/login"),
    Case("auth.signup", (VISITOR,), "/signup"),
    Case("auth.forgot", ALL, "/forgot"),
    Case("auth.reset", (VISITOR,), "/reset/{reset}"),
    Case("notifications.unsubscribe", ALL, "/unsubscribe/{unsubscribe}"),
    Case("profiles.account_deleted", ALL, "/goodbye"),
    Case("notifications.index", SIGNED_IN, _notifications),
    Case("notifications.following_page", SIGNED_IN, _following),
    Case("notifications.email_choices", SIGNED_IN, "/settings/email"),
    Case("profiles.settings", SIGNED_IN, "/settings"),
    Case("profiles.password", SIGNED_IN, "/settings/password"),
    Case("profiles.email_address", SIGNED_IN, "/settings/email-address"),
    Case("profiles.blocked", SIGNED_IN, "/settings/blocked"),
    Case("profiles.devices", SIGNED_IN, "/settings/devices"),
    Case("profiles.privacy_settings", SIGNED_IN, "/settings/privacy"),
    Case("care.settings", SIGNED_IN, "/settings/helping"),
    Case("push.settings", SIGNED_IN, "/settings/push"),
    Case("pwa.manifest", ALL, "/manifest.webmanifest"),
    Case("pwa.service_worker", ALL, "/sw.js"),
    Case("pwa.offline", ALL, "/offline"),
    Case("images.picture", SIGNED_IN, "/settings/picture"),
    Case("images.show", ALL, _picture),
    Case("reports.mine", SIGNED_IN, "/me/reports"),
    Case("drafts.index", SIGNED_IN, "/drafts"),
    Case("reports.notices", SIGNED_IN, "/me/notices"),
    Case("reports.appeal", (MEMBER,), "/me/appeals/{decision}"),
    Case("messages.index", SIGNED_IN, "/messages"),
    Case("messages.settings", SIGNED_IN, "/settings/messages"),
    Case(
        "messages.mention_suggestions",
        SIGNED_IN,
        "/mentions?thread={thread}&q=wri",
        "/mentions?q=w",
    ),
    Case("messages.request_member", SIGNED_IN, "/u/writer1/message"),
    Case("messages.request_alias", SIGNED_IN, "/p/{private}/private-reply"),
    Case("messages.show", (MEMBER,), "/messages/{conversation}"),
    Case("messages.report", (MEMBER,), "/messages/{conversation}/{message}/report"),
    Case("moderation.queue", (MODERATOR,), "/mod/"),
    Case(
        "moderation.log",
        (MODERATOR,),
        _log,
        "/mod/log?member={reader}",
        "/mod/log?moderator={moderator}&action=warn&member={reader}",
    ),
    Case("moderation.member", (MODERATOR,), "/mod/members/{reader}"),
    Case("moderation.members", (MODERATOR,), "/mod/members?q={reader}"),
    Case("moderation.post", (MODERATOR,), "/mod/posts/{reported}"),
    Case("moderation.edit", (MODERATOR,), "/mod/posts/{reported}/edit"),
    Case("moderation.appeal", (MODERATOR,), "/mod/appeals/{appeal}"),
    Case("moderation.care", (MODERATOR,), "/mod/care", "/mod/care?days=7", "/mod/care?days=90"),
    Case("moderation.care_csv", (MODERATOR,), "/mod/care/reply-times.csv?days=90"),
    Case("profiles.access_tokens", SIGNED_IN, "/settings/tokens"),
    # The API as a visitor reads it (it never reads the cookie the other clients carry).
    Case("api.categories", (VISITOR,), "/api/v1/categories"),
    Case("api.category_threads", (VISITOR,), "/api/v1/categories/back-to-work/threads"),
    Case("api.thread", (VISITOR,), "/api/v1/threads/{thread}", "/api/v1/threads/{thread}?from=3"),
    Case("api.search_posts", (VISITOR,), "/api/v1/search?q=naps"),
    Case("api.profile", (VISITOR,), "/api/v1/members/writer1"),
    Case("api.openapi", (VISITOR,), "/api/v1/openapi.json"),
    Case("support.region_settings", SIGNED_IN, "/settings/language"),
]

# GET routes that are not read pages, and why.
NOT_READ_PAGES = {
    "static": "files, no database",
    "replies.permalink": "a redirect to the post's page",
    "notifications.show": "a redirect that marks the notification read",
    "auth.verify": "an email link that confirms the address and redirects",
    "auth.signup_sent": "a redirect to the sign-up form, unless this browser has just signed up"
    " (then the header and nothing of its own)",
    "auth.confirm_email_change": "an email link that moves the account to a new address and redirects",
    "api.me": "needs a token: one member and one count",
    "api.my_notifications": "needs a token: the notifications page's own statements",
    "api.my_following": "needs a token: the following page's own statements",
}


def test_every_read_page_has_a_query_count_case(app):
    readable = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    cased = {case.endpoint for case in READ_PAGES}
    assert not cased & set(NOT_READ_PAGES)
    assert readable - set(NOT_READ_PAGES) == cased, "each GET page needs a case or a reason"


def measure(
    app: Flask, forum: Forum, clients: dict[str, FlaskClient], counter: QueryCounter
) -> dict[tuple[str, str, str], int]:
    """{(endpoint, who, url): queries} for every read page."""
    counter.data_changed()
    readers = {VISITOR: None, MEMBER: forum.reader, MODERATOR: forum.moderator}
    routes = app.url_map.bind("localhost")
    counts = {}
    for case in READ_PAGES:
        for who in case.who:
            for url in case.for_reader(forum, app, readers[who]):
                assert routes.match(url.split("?")[0])[0] == case.endpoint, url
                counts[case.endpoint, who, url] = counter.count(clients[who], who, url)
    return counts


def without_page(url: str) -> str:
    return re.sub(r"[?&]page=\d+$", "", url)


# The lists that run over several pages in the grown forum, and are counted at later pages.
PAGED = {
    "threads.category",
    "threads.show",
    "search.results",
    "notifications.index",
    "notifications.following_page",
    "moderation.log",
}


@pytest.mark.parametrize("grown_by", [60])
def test_every_read_page_runs_the_same_few_queries_at_any_size_and_page(app, client, grown_by):
    forum = build(rounds=2)
    queue.huey.flush()  # requests are told by the queue; no other test should run that
    clients = {
        VISITOR: client,
        MEMBER: signed_in(app, forum.reader),
        MODERATOR: signed_in(app, forum.moderator),
    }
    counter = QueryCounter()
    small = measure(app, forum, clients, counter)
    grow(forum, grown_by)
    large = measure(app, forum, clients, counter)

    later_pages = {endpoint for endpoint, _, url in large if url != without_page(url)}
    assert later_pages == PAGED, "the grown forum's lists run over several pages"
    # A page's count, whatever the size of the forum and the page number.
    found: dict[tuple[str, str], set[int]] = defaultdict(set)
    for (_, who, url), queries in [*small.items(), *large.items()]:
        found[who, without_page(url)].add(queries)
    table = "\n".join(
        f"{who:9} {url}: {small.get((endpoint, who, url))} -> {queries}"
        for (endpoint, who, url), queries in sorted(large.items(), key=lambda k: k[0][1:])
    )
    assert max(max(counts) for counts in found.values()) <= LIMIT, table
    assert {page: counts for page, counts in found.items() if len(counts) > 1} == {}, table
