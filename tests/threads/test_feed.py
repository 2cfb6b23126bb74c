"""List rows as a parent reads them: the latest conversations first, a line of each opening post,
and how many replies came since she last looked, on the home, category and Following pages."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from forum.database import db
from forum.models import NEUTRAL_TITLE, Role, ThreadVisit
from forum.services import blocking, listing, moderation_actions, posting
from tests import factories
from tests.helpers import signed_in

LISTS = ("/", "/c/back-to-work", "/following")


def row_of(page: str, title: str) -> str:
    """The list row (or Following entry) of this thread, as text with its markup."""
    found = re.search(
        rf"<li class=\"(?:thread-row|followed)\">((?:(?!</li>).)*?{re.escape(title)}.*?)</li>",
        unescape(page),
        re.S,
    )
    assert found, f"no row for {title!r}"
    return found.group(1)


def preview(page: str, title: str) -> str | None:
    found = re.search(r'<p class="thread-preview"><bdi>(.*?)</bdi></p>', row_of(page, title), re.S)
    return found.group(1) if found else None


def new_badge(page: str, title: str) -> str | None:
    found = re.search(r'<span class="new-replies">(.*?)</span></span>', row_of(page, title), re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else None


def test_home_puts_the_latest_conversations_above_the_categories(client, member):
    factories.thread(member, title="Pumping at work, any tips?")
    html = client.get("/").text
    assert (
        html.index("Latest conversations")
        < html.index("Pumping at work")
        < html.index('id="categories-heading"')
    )


def test_a_row_shows_the_opening_post_as_one_line_of_plain_text(app, client, member, other_member):
    body = "**So tired.** Read [this](https://example.org) at 3am. " + "Night feeds again. " * 20
    thread = factories.thread(member, title="Night feeds and early meetings", body=body)
    following = signed_in(app, member)
    for page in (client.get("/").text, client.get("/c/back-to-work").text,
                 following.get("/following").text):  # fmt: skip
        shown = preview(page, thread.title)
        assert shown.startswith("So tired. Read this at 3am. Night feeds again.")
        assert "<" not in shown and "*" not in shown and "example.org" not in shown
        assert len(shown) <= listing.PREVIEW_CHARS + 1 and shown.endswith("feeds…")


def test_behind_a_content_note_a_row_previews_only_the_note(app, client, member):
    thread = posting.start_thread(
        member, factories.category(), "After the loss", "We lost the baby at twelve weeks.",
        content_note="pregnancy loss",
    )  # fmt: skip
    db.session.commit()
    for page in (client.get("/").text, signed_in(app, member).get("/following").text):
        assert preview(page, thread.title) == "Content note: pregnancy loss"
        assert "twelve weeks" not in page


def test_an_anonymous_row_previews_the_words_and_never_the_author(app, member, other_member):
    member.display_name = "Harriet Quill"
    thread = factories.thread(member, title="I can't tell anyone at work", anonymous=True,
                              body="Signed with nobody's name, just how I feel.")  # fmt: skip
    db.session.commit()
    reader = signed_in(app, other_member)
    factories.reply(other_member, thread)  # she follows it, and sees it on Following too
    for url in LISTS:
        page = reader.get(url).text
        assert preview(page, thread.title).startswith("Signed with nobody's name")
        assert "Harriet" not in page and member.username not in page
        assert "Anonymous parent" in row_of(page, thread.title) or url == "/following"


def test_blocking_folds_a_named_preview_but_never_an_anonymous_one(app, member, other_member):
    named = factories.thread(member, title="Named and blocked", body="Words she chose not to read.")
    hidden = factories.thread(member, title="Anonymous, and who knows", anonymous=True,
                              body="Words from someone anonymous.")  # fmt: skip
    blocking.block(other_member, member)
    db.session.commit()
    page = signed_in(app, other_member).get("/").text
    assert preview(page, named.title) is None and "Words she chose" not in page
    # folding it would tell her the anonymous author is someone she blocked
    assert preview(page, hidden.title) == "Words from someone anonymous."


def test_a_hidden_opening_post_previews_nothing(client, member):
    thread = factories.thread(member, title="Something a moderator hid", body="Buy my pills now.")
    moderator = factories.member("morgan", role=Role.MODERATOR)
    moderation_actions.hide_post(moderator, factories.opening_post(thread), "Advertising.")
    db.session.commit()
    page = client.get("/").text
    # Its row carries the neutral title, and no words of the post.
    assert preview(page, NEUTRAL_TITLE) is None and "Buy my pills" not in page
    assert thread.title not in page


def test_rows_count_new_replies_since_she_last_looked(app, client, member, other_member):
    thread = factories.thread(member, title="Settling in at nursery", replies=1)
    reader = signed_in(app, other_member)
    factories.reply(other_member, thread)  # she follows it; her reply's page is where she was
    reader.get(f"/t/{thread.id}")
    for url in LISTS:
        assert new_badge(reader.get(url).text, thread.title) is None
    factories.reply(member, thread)
    factories.reply(factories.member("sam"), thread)
    for url in LISTS:
        assert (
            new_badge(reader.get(url).text, thread.title) == "2 new replies since you last looked"
        )
    # nobody else sees her count: not the author, not a visitor (whose pages are shared)
    assert new_badge(signed_in(app, member).get("/").text, thread.title) is None
    assert "new-replies" not in client.get("/").text
    assert "new-replies" not in client.get("/c/back-to-work").text
    reader.get(f"/t/{thread.id}")  # she looks again
    for url in LISTS:
        assert new_badge(reader.get(url).text, thread.title) is None


def test_a_thread_she_never_opened_has_no_count(app, member, other_member):
    thread = factories.thread(member, title="Never opened", replies=3)
    assert new_badge(signed_in(app, other_member).get("/").text, thread.title) is None


def test_a_visit_keeps_the_furthest_she_has_read(app, member, other_member):
    thread = factories.thread(member, title="A long one")
    listing.record_visit(other_member, thread, 40)
    listing.record_visit(other_member, thread, 20)  # back to page 1 of a long thread
    db.session.commit()
    assert db.session.scalars(select(ThreadVisit.last_seen_position)).all() == [40]
    listing.record_visit(other_member, thread, 60)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(select(ThreadVisit.last_seen_position)).all() == [60]


@pytest.mark.parametrize("long_words", ["x" * 300, "Supercalifragilistic " * 10])
def test_a_preview_ends_within_its_length(long_words):
    class Bare:
        content_note = None

    shown = listing.preview_of(Bare(), long_words)
    assert len(shown) <= listing.PREVIEW_CHARS + 1 and shown.endswith("…")
