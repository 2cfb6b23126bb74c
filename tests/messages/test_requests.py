"""Message requests: consent first, on both databases."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from forum import queue
from forum.database import db, utcnow
from forum.models import Conversation, ConversationState, Message, Notification, Party
from forum.services import blocking, messaging
from forum.services.errors import ServiceError
from tests import factories
from tests.helpers import signed_in
from tests.messages.people import accepted, ready, talked


def conversations() -> int:
    return db.session.scalar(select(func.count(Conversation.id)))


def test_a_request_is_accepted_then_they_talk(app, member, other_member):
    talked(member, other_member)
    hannah, priya = signed_in(app, member), signed_in(app, other_member)
    form = hannah.get("/u/priya/message")
    assert form.status_code == 200 and "Message request to" in form.text
    sent = hannah.post("/u/priya/message", data={"body": "Hi! How did nursery go?"})
    assert sent.status_code == 302
    key = db.session.scalar(select(Conversation.key))
    # Priya hears of it, and it waits for her answer; nothing more can be sent meanwhile.
    assert "Messages (1 new)" in priya.get("/").text
    page = priya.get(f"/messages/{key}")
    assert "How did nursery go?" in page.text and "Accept" in page.text
    more = hannah.post(f"/messages/{key}", data={"body": "Hello?"})
    assert more.status_code == 400 and "waiting for an answer" in more.text
    assert priya.post(f"/messages/{key}/accept").status_code == 302
    assert (
        hannah.post(f"/messages/{key}", data={"body": "So glad. **Tell me** more"}).status_code
        == 302
    )
    shown = priya.get(f"/messages/{key}").text
    assert "<strong>Tell me</strong>" in shown
    assert db.session.scalar(select(func.count(Message.id))) == 2


def test_a_first_message_is_short_text_without_links(app, member, other_member):
    talked(member, other_member)
    hannah = signed_in(app, member)
    long = hannah.post("/u/priya/message", data={"body": "a" * 501})
    assert long.status_code == 400 and "up to 500" in long.text and "a" * 501 in long.text
    linked = hannah.post("/u/priya/message", data={"body": "Look https://example.com"})
    assert linked.status_code == 400 and "links or images" in linked.text
    image = hannah.post("/u/priya/message", data={"body": "![x](https://example.com/a.png)"})
    assert image.status_code == 400
    empty = hannah.post("/u/priya/message", data={"body": "   "})
    assert empty.status_code == 400 and "Write a few words" in empty.text
    assert conversations() == 0


def test_who_may_start_a_request(app, member, other_member):
    hannah = signed_in(app, member)
    # A new account that hasn't posted waits.
    young = hannah.post("/u/priya/message", data={"body": "Hi"})
    assert young.status_code == 403 and "days old" in young.text
    member.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    unposted = hannah.post("/u/priya/message", data={"body": "Hi"})
    assert unposted.status_code == 403 and "posted" in unposted.text
    ready(member)
    # Priya's default: only members she has talked with in threads.
    stranger = hannah.post("/u/priya/message", data={"body": "Hi"})
    assert stranger.status_code == 403 and "talked with" in stranger.text
    other_member.messages_from = "anyone"
    db.session.commit()
    assert hannah.post("/u/priya/message", data={"body": "Hi"}).status_code == 302
    other_member.messages_from = "nobody"
    db.session.commit()
    third = factories.member("carmen")
    nobody = signed_in(app, third)
    ready(third)
    third.messages_from = "nobody"
    db.session.commit()
    refused = hannah.post("/u/carmen/message", data={"body": "Hi"})
    assert refused.status_code == 403 and "taking message requests" in refused.text
    assert nobody.get("/settings/messages").status_code == 200


def test_a_small_daily_cap(app, member):
    ready(member)
    app.config["MESSAGE_REQUEST_DAILY_CAP"] = 2
    try:
        others = [factories.member(f"parent{n}", messages_from="anyone") for n in range(3)]
        hannah = signed_in(app, member)
        for other in others[:2]:
            assert (
                hannah.post(f"/u/{other.username}/message", data={"body": "Hi"}).status_code == 302
            )
        capped = hannah.post(f"/u/{others[2].username}/message", data={"body": "Hi there"})
        assert capped.status_code == 429 and "Hi there" in capped.text
    finally:
        app.config["MESSAGE_REQUEST_DAILY_CAP"] = 5


def test_bad_recipients_get_a_clear_message_and_nothing_is_written(app, member, other_member):
    talked(member, other_member)
    with pytest.raises(ServiceError, match="yourself"):
        messaging.request(member, member, "Hi me")
    blocking.block(member, other_member)
    db.session.commit()
    hannah = signed_in(app, member)
    blocked = hannah.post("/u/priya/message", data={"body": "Hi"})
    assert blocked.status_code == 400 and "blocked" in blocked.text
    assert conversations() == 0


def test_a_declined_request_cant_be_sent_again(app, member, other_member):
    talked(member, other_member)
    conversation = messaging.request(member, other_member, "Coffee chat?").conversation
    db.session.commit()
    priya = signed_in(app, other_member)
    assert priya.post(f"/messages/{conversation.key}/decline").status_code == 302
    again = signed_in(app, member).post("/u/priya/message", data={"body": "Please?"})
    assert again.status_code == 400 and "accepted, so another" in again.text
    assert conversations() == 1
    # Declined requests leave the recipient's list.
    assert conversation.key not in priya.get("/messages").text


def test_a_request_to_someone_who_blocked_you_looks_the_same_but_never_arrives(
    app, member, other_member
):
    carmen = factories.member("carmen")
    talked(member, other_member, carmen)
    blocking.block(other_member, member)
    db.session.commit()
    hannah = signed_in(app, member)
    hannah.get("/")  # the welcome is read
    to_blocker = hannah.post("/u/priya/message", data={"body": "Hi Priya"}, follow_redirects=True)
    to_other = hannah.post("/u/carmen/message", data={"body": "Hi Carmen"}, follow_redirects=True)
    # The same answer, word for word but for the name.
    assert to_blocker.status_code == to_other.status_code == 200

    def same(page, name):
        page = re.sub(r"/messages/[\w-]+", "/messages/KEY", page.text)
        page = re.sub(r'name="csrf_token" value="[^"]+"', "", page)
        page = re.sub(r"\d+", "N", page)
        return page.replace(name, "X").replace(name.lower(), "x")

    assert same(to_blocker, "Priya") == same(to_other, "Carmen")
    queue.run_waiting()
    silenced = db.session.scalar(select(Conversation).where(Conversation.silenced))
    priya = signed_in(app, other_member)
    assert silenced.key not in priya.get("/messages").text
    assert priya.get(f"/messages/{silenced.key}").status_code == 404
    assert (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == other_member.id, Notification.conversation_id.is_not(None)
            )
        )
        == 0
    )


def test_blocking_ends_every_conversation_between_them(app, member, other_member):
    talked(member, other_member)
    conversation = accepted(member, other_member)
    priya = signed_in(app, other_member)
    assert priya.post(f"/messages/{conversation.key}/block").status_code == 302
    db.session.expire_all()
    assert db.session.get(Conversation, conversation.id).state == ConversationState.CLOSED
    hannah = signed_in(app, member)
    page = hannah.get(f"/messages/{conversation.key}").text
    # Worded as any closing: she isn't told she was blocked.
    assert "This conversation is closed." in page and "block" not in page.split("<main")[
        1
    ].lower().replace("blocked", "")
    refused = hannah.post(f"/messages/{conversation.key}", data={"body": "Why?"})
    assert refused.status_code == 400 and "closed" in refused.text
    # A block from a profile ends conversations too.
    carmen = factories.member("carmen")
    talked(member, carmen)
    other = accepted(member, carmen)
    blocking.block(member, carmen)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Conversation, other.id).state == ConversationState.CLOSED


def test_leaving_closes_it_and_it_leaves_her_list(app, member, other_member):
    talked(member, other_member)
    conversation = accepted(member, other_member)
    hannah = signed_in(app, member)
    assert hannah.post(f"/messages/{conversation.key}/leave").status_code == 302
    assert conversation.key not in hannah.get("/messages").text
    assert hannah.get(f"/messages/{conversation.key}").status_code == 404
    priya_page = signed_in(app, other_member).get(f"/messages/{conversation.key}").text
    assert "This conversation is closed." in priya_page


def test_the_header_counts_unread_conversations_in_its_one_query(app, member, other_member):
    talked(member, other_member)
    conversation = accepted(member, other_member)
    messaging.send(other_member, conversation, "Of course, ask away")
    db.session.commit()
    hannah = signed_in(app, member)
    assert 'aria-label="1 with new messages"' in hannah.get("/").text
    hannah.get(f"/messages/{conversation.key}")
    assert "with new messages" not in hannah.get("/").text


def test_silent_conversations_expire(app, member, other_member):
    from forum.services import message_privacy

    talked(member, other_member)
    conversation = accepted(member, other_member)
    hannah = signed_in(app, member)
    db.session.get(Conversation, conversation.id).last_message_at = utcnow() - timedelta(days=366)
    db.session.commit()
    assert hannah.get(f"/messages/{conversation.key}").status_code == 404
    assert message_privacy.expire() == 1
    db.session.commit()
    assert conversations() == 0 and db.session.scalar(select(func.count(Party.id))) == 0


def test_a_silenced_request_runs_the_same_statements_as_any_other(
    app, member, other_member, monkeypatch
):
    """Timing: a request to someone who blocked its sender does the same work in the request."""
    carmen = factories.member("carmen")
    talked(member, other_member, carmen)
    blocking.block(other_member, member)
    db.session.commit()
    hannah = signed_in(app, member)
    hannah.get("/")
    monkeypatch.setattr(app.wsgi_app, "run_queue", False)  # the request's own statements

    def statements(username: str) -> list[str]:
        seen = []

        def record(conn, cursor, statement, *args):
            if statement != "BEGIN":
                seen.append(re.sub(r"\d+", "N", statement))

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            answer = hannah.post(f"/u/{username}/message", data={"body": "Hi, a question"})
            assert answer.status_code == 302
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return seen

    assert statements("priya") == statements("carmen")


def test_a_request_lost_with_the_queue_is_told_by_the_sweep(app, member, other_member):
    from forum.services.message_delivery import sweep_untold_requests

    talked(member, other_member)
    messaging.request(member, other_member, "Hello, a question")
    db.session.commit()
    queue.huey.flush()  # the queue lost what waited

    def told() -> int:
        return db.session.scalar(
            select(func.count(Notification.id)).where(Notification.kind == "request")
        )

    assert told() == 0
    sweep_untold_requests()
    queue.run_waiting()
    db.session.commit()
    assert told() == 1
    sweep_untold_requests()  # twice does no harm
    queue.run_waiting()
    assert told() == 1
