"""Anonymity that holds in her own thread: the parent who started a thread anonymously replies
anonymously unless she chooses otherwise, and is asked before her name goes up there."""

import re

from forum.database import db
from forum.models import Post
from forum.services import posting, posting_rules
from tests import factories
from tests.helpers import signed_in

QUESTION = "You started this thread anonymously."


def anonymous_box(page: str) -> str:
    return re.search(r'<input[^>]*name="anonymous"[^>]*>', page).group(0)


def latest_reply(thread) -> Post:
    return db.session.query(Post).filter_by(thread_id=thread.id).order_by(Post.id.desc()).first()


def test_her_reply_box_starts_anonymous_in_a_thread_she_started_anonymously(
    app, member, other_member
):
    thread = factories.thread(member, anonymous=True)
    named = factories.thread(member, title="A thread with my name on it")
    hannah = signed_in(app, member)
    assert "checked" in anonymous_box(hannah.get(f"/t/{thread.id}").text)
    assert "checked" in anonymous_box(hannah.get(f"/t/{thread.id}/reply").text)
    assert "checked" not in anonymous_box(hannah.get(f"/t/{named.id}").text)
    assert "checked" not in anonymous_box(signed_in(app, other_member).get(f"/t/{thread.id}").text)


def test_a_named_reply_in_her_anonymous_thread_asks_first(app, member, other_member):
    thread = factories.thread(member, anonymous=True)
    factories.reply(other_member, thread, "You'll be brilliant, honestly.")
    hannah = signed_in(app, member)
    asked = hannah.post(f"/t/{thread.id}/reply", data={"body": "Thank you all so much."})
    assert asked.status_code == 400 and QUESTION in asked.text
    assert "Thank you all so much." in asked.text  # nothing typed is lost
    assert "Reply anonymously" in asked.text and "Reply with my name" in asked.text
    assert latest_reply(thread).body_markdown != "Thank you all so much."

    answer = {"body": "Thank you all so much.", "anonymous": "y"}
    assert hannah.post(f"/t/{thread.id}/reply", data=answer).status_code == 302
    reply = latest_reply(thread)
    assert reply.anonymous and reply.anonymous_number == 1

    chosen = {"body": "And yes, it's me, Hannah.", "named_confirmed": "y"}
    assert hannah.post(f"/t/{thread.id}/reply", data=chosen).status_code == 302
    assert not latest_reply(thread).anonymous


def test_others_and_named_threads_are_not_asked(app, member, other_member):
    anonymous = factories.thread(member, anonymous=True)
    named = factories.thread(member, title="My named thread about nursery")
    priya = signed_in(app, other_member)
    assert priya.post(f"/t/{anonymous.id}/reply", data={"body": "Same here."}).status_code == 302
    hannah = signed_in(app, member)
    assert hannah.post(f"/t/{named.id}/reply", data={"body": "Thanks all."}).status_code == 302


def test_words_that_read_as_a_crisis_are_never_held_back_by_the_question(app, member):
    thread = factories.thread(member, anonymous=True)
    hannah = signed_in(app, member)
    response = hannah.post(f"/t/{thread.id}/reply", data={"body": "I can't go on like this."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#support")
    assert latest_reply(thread).body_markdown == "I can't go on like this."


def test_the_service_asks_too(member):
    thread = factories.thread(member, anonymous=True)
    try:
        posting.reply(member, thread, "Thank you!")
    except posting_rules.NamedReplyCheck as pause:
        assert pause.field == "anonymous"
    else:
        raise AssertionError("a named reply by the anonymous starter went up without asking")


def test_hints_under_checkboxes_are_shown_and_described(app, member):
    thread = factories.thread(member)
    page = signed_in(app, member).get(f"/t/{thread.id}").text
    box = anonymous_box(page)
    described = re.search(r'aria-describedby="([^"]+)"', box).group(1)
    hint = re.search(rf'<p class="hint check-hint" id="{described}">([^<]*)</p>', page)
    assert hint is not None and "Moderators can still see who you are" in hint.group(1)
