"""A thread's title is its opening post's words: while that post is hidden, removed, waiting for
a moderator or deleted, everyone but moderators reads a neutral title, on every page that names
the thread, and no visitor's page kept in the cache shows the old one."""

import pytest
from flask import current_app
from markupsafe import escape

from forum.database import db
from forum.models import NEUTRAL_TITLE, ReportReason
from forum.services import moderation_actions, posting, reporting
from tests import factories
from tests.helpers import signed_in

TITLE = "Zanzibar nursery fees keep me awake"
REPLY = "Marmalade sandwiches and an early night helped us."


def take_down(how: str, opening, moderator) -> None:
    if how == "hidden":
        moderation_actions.hide_post(moderator, opening, "Names a child's nursery.")
    elif how == "removed":
        moderation_actions.remove_post(moderator, opening, "Names a child's nursery.")
    elif how == "pending":  # hidden by members' reports, waiting for a moderator
        for n in range(current_app.config["AUTO_HIDE_REPORTS"]):
            reporter = factories.member(f"reporter{n}x{opening.id}")
            reporting.report_post(reporter, opening, ReportReason.SPAM)
    else:
        posting.delete_post(opening.author, opening)
    db.session.commit()


@pytest.mark.parametrize("how", ["hidden", "removed", "pending", "deleted"])
def test_a_thread_whose_opening_post_is_not_shown_has_a_neutral_title(
    app, member, other_member, moderator, how
):
    thread = factories.thread(member, title=TITLE)
    factories.reply(other_member, thread, REPLY)
    unanswered = factories.thread(member, title="Zanzibar again, and nobody has answered")
    visitor_pages = [
        "/",
        "/c/back-to-work",
        "/waiting",
        f"/t/{thread.id}",
        f"/u/{member.username}",
        f"/u/{other_member.username}",
        "/search?q=marmalade",
    ]
    visitor = app.test_client()
    for url in visitor_pages:  # read, and so kept in the cache
        assert "Zanzibar" in visitor.get(url).text, url
    assert TITLE in visitor.get("/search/similar?title=Zanzibar nursery").text

    for each in (thread, unanswered):
        take_down(how, factories.opening_post(each), moderator)

    for url in visitor_pages:
        page = app.test_client().get(url).text
        assert "Zanzibar" not in page, url
    for url in ("/", f"/t/{thread.id}", f"/u/{member.username}"):
        assert escape(NEUTRAL_TITLE) in app.test_client().get(url).text, url
    assert "Zanzibar" not in app.test_client().get("/search/similar?title=Zanzibar nursery").text
    # Members too, her own notifications included ("… replied in “…”").
    for reader in (member, other_member):
        browser = signed_in(app, reader)
        for url in (*visitor_pages, "/notifications", "/following"):
            assert "Zanzibar" not in browser.get(url).text, (reader.username, url)
    # Moderators read the title, to judge the post.
    assert TITLE in signed_in(app, moderator).get(f"/t/{thread.id}").text

    if how != "deleted":  # brought back, it is everyone's again
        opening = factories.opening_post(thread)
        moderation_actions.restore_post(moderator, opening, "Reviewed: it is fine.")
        db.session.commit()
        for url in visitor_pages:
            if url != "/waiting":
                assert TITLE in app.test_client().get(url).text, url
