"""Each rule about what a member may do with a post is written once, on the model: the button a
page shows and the service's answer agree, for every kind of post and every viewer."""

import pytest

from forum.database import db, utcnow
from forum.models import Post, PostStatus
from forum.services import helpful, moderation_actions, posting, reactions, reporting
from forum.services.errors import ServiceError
from tests import factories
from tests.helpers import signed_in

# The posts a page can show: a reply in each state, the thread's opening post, one's own reply.
KINDS = ["visible", "pending", "hidden", "removed", "deleted", "opening", "own", "locked"]


@pytest.fixture
def world(app, member, other_member):
    """A thread started by `member`; replies by `other_member` in every state, and one of hers."""
    thread = factories.thread(member, body="Back at work this week and missing her so much.")
    locked = factories.thread(member, title="A locked thread about nursery")
    posts = {"opening": factories.opening_post(thread)}
    for kind in ("visible", "pending", "hidden", "removed", "deleted"):
        posts[kind] = factories.reply(other_member, thread, f"A reply that is {kind} now.")
    posts["own"] = factories.reply(member, thread, "Thank you, all of you.")
    posts["locked"] = factories.reply(other_member, locked, "A reply in a locked thread.")
    for kind in ("pending", "hidden", "removed"):
        posts[kind].status = PostStatus(kind)
    posts["deleted"].deleted_at = utcnow()
    locked.locked = True
    db.session.commit()
    return posts


def accepted(call) -> bool:
    """Whether the service does it; nothing it does is kept."""
    try:
        call()
        return True
    except ServiceError:
        return False
    finally:
        db.session.rollback()


def page_for(app, viewer, post: Post) -> str:
    response = signed_in(app, viewer).get(f"/t/{post.thread_id}?page=1")
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("kind", KINDS)
def test_the_reaction_buttons_show_where_the_service_takes_a_reaction(app, world, member, kind):
    post = world[kind]
    shown = f'id="react-{post.id}-heart"' in page_for(app, member, post)
    assert shown == post.can_react(member)
    assert shown == accepted(lambda: reactions.toggle_reaction(member, post, "heart"))


@pytest.mark.parametrize("kind", KINDS)
def test_the_quote_link_shows_where_a_quoting_reply_is_taken(app, world, other_member, kind):
    post = world[kind]
    shown = f"quote={post.id}" in page_for(app, other_member, post)
    assert shown == post.can_quote(other_member)

    def quote_and_reply():
        body = posting.quotation(post) or ""
        if not body:
            raise ServiceError("nothing to quote")
        posting.reply(other_member, post.thread, body + "\nSame here.", quoted=post)

    assert shown == accepted(quote_and_reply)


@pytest.mark.parametrize("kind", KINDS)
def test_this_helped_me_shows_where_the_thread_author_may_mark(app, world, member, kind):
    post = world[kind]
    shown = f"/p/{post.id}/helped" in page_for(app, member, post)
    assert shown == post.can_mark_helped(member)
    assert shown == accepted(lambda: helpful.mark_helped(member, post, True))


@pytest.mark.parametrize("viewer", ["member", "other_member", "moderator"])
@pytest.mark.parametrize("kind", KINDS)
def test_the_report_link_shows_where_a_report_is_taken(app, world, request, viewer, kind):
    reader = request.getfixturevalue(viewer)
    post = world[kind]
    shown = f"/p/{post.id}/report" in page_for(app, reader, post)
    assert shown == post.can_report(reader)
    assert shown == accepted(lambda: reporting.report_post(reader, post, "unkind"))


@pytest.mark.parametrize("decision", ["hide", "remove", "restore"])
@pytest.mark.parametrize("kind", ["visible", "pending", "hidden", "removed", "deleted"])
def test_a_moderators_buttons_show_where_the_decision_applies(
    app, world, moderator, decision, kind
):
    post = world[kind]
    response = signed_in(app, moderator).get(f"/mod/posts/{post.id}")
    assert response.status_code == 200
    shown = f"/mod/posts/{post.id}/{decision}" in response.text
    assert shown == post.can_be_moderated(decision)
    act = getattr(moderation_actions, f"{decision}_post")
    assert shown == accepted(lambda: act(moderator, post, "Checked against the guidelines."))
