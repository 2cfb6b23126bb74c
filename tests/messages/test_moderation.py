"""Moderation without surveillance: reported messages with chosen context, audited readings,
and check-ins from "the Blossom moderators"."""

import re

from sqlalchemy import func, select

from forum.database import db
from forum.models import Action, Conversation, MessageReport, ModerationAction, Party
from forum.services import messaging
from tests import factories
from tests.helpers import signed_in
from tests.messages.people import accepted, talked


def logged(action: str) -> int:
    return db.session.scalar(
        select(func.count(ModerationAction.id)).where(ModerationAction.action == action)
    )


def test_a_report_carries_the_context_she_chose_and_every_reading_is_logged(
    app, member, other_member, moderator
):
    talked(member, other_member)
    conversation = accepted(member, other_member, "Hi, one question")
    for n in range(4):
        messaging.send(other_member, conversation, f"Message number {n}")
    messaging.send(member, conversation, "Please stop")
    messaging.send(other_member, conversation, "You should have known better", kind_ok=True)
    db.session.commit()
    hannah = signed_in(app, member)
    url = f"/messages/{conversation.key}"
    reported = re.findall(r'id="m(\d+)"', hannah.get(url).text)[-1]
    form = hannah.get(f"{url}/{reported}/report")
    assert form.status_code == 200 and "Include earlier messages" in form.text
    bad = hannah.post(f"{url}/{reported}/report", data={"reason": "nonsense", "context": "2"})
    assert bad.status_code == 400
    missing = hannah.post(f"{url}/{reported}/report", data={"context": "2"})
    assert missing.status_code == 400 and "choose a reason" in missing.text
    sent = hannah.post(f"{url}/{reported}/report", data={"reason": "unkind", "context": "2"})
    assert sent.status_code == 302
    mod = signed_in(app, moderator)
    queue = mod.get("/mod/").text
    assert "A member reported a private message" in queue and "known better" not in queue
    assert mod.get("/mod/").text.count("private message") == 1
    assert 'aria-label="1 open"' in queue
    report_id = db.session.scalar(select(MessageReport.id))
    before = logged(Action.READ_MESSAGES)
    reading = mod.post(f"/mod/messages/{report_id}/read").text
    assert logged(Action.READ_MESSAGES) == before + 1
    # The reported message and the two before it, nothing earlier.
    assert "known better" in reading and "Please stop" in reading
    assert "Message number 3" in reading and "Message number 2" not in reading
    closed = mod.post(f"/mod/messages/{report_id}/dismiss", data={"reason": "Talked to her"})
    assert closed.status_code == 302
    assert db.session.get(MessageReport, report_id).status == "dismissed"
    # Moderators never browse: the conversation itself is a 404 to them.
    assert mod.get(url).status_code == 404


def test_a_moderators_check_in_opens_a_conversation_from_the_blossom_moderators(
    app, member, moderator
):
    thread = factories.thread(member, title="Not coping today", body="I can't go on like this")
    post = factories.opening_post(thread)
    mod = signed_in(app, moderator)
    answer = mod.post(
        f"/mod/posts/{post.id}/check_in",
        data={"reason": "Reached out", "message": "We're here. How are you doing today?"},
    )
    assert answer.status_code == 302
    conversation = db.session.scalar(select(Conversation))
    assert conversation.from_moderators and conversation.state == "open"
    assert logged(Action.CHECK_IN) == 1
    hannah = signed_in(app, member)
    assert 'aria-label="1 with new messages"' in hannah.get("/").text
    page = hannah.get(f"/messages/{conversation.key}").text
    assert "With <bdi>the Blossom moderators</bdi>" in page and morgan_not_named(page)
    assert "Accept" not in page  # not a request
    assert (
        hannah.post(
            f"/messages/{conversation.key}", data={"body": "Thank you, a bit better"}
        ).status_code
        == 302
    )


def morgan_not_named(page: str) -> bool:
    return "morgan" not in page


def test_a_check_in_about_an_anonymous_post_names_her_only_by_its_label(app, member, moderator):
    thread = factories.thread(member, title="Hard night", body="I can't go on", anonymous=True)
    post = factories.opening_post(thread)
    mod = signed_in(app, moderator)
    mod.post(
        f"/mod/posts/{post.id}/check_in",
        data={"reason": "Reached out", "message": "Thinking of you."},
    )
    conversation = db.session.scalar(select(Conversation))
    member_party = db.session.scalar(select(Party).where(Party.user_id == member.id))
    assert member_party.alias == "Anonymous parent (original poster)"
    assert "hannah" not in mod.get("/messages").text.lower()
    assert "Anonymous parent (original poster)" in mod.get(f"/messages/{conversation.key}").text


def test_reading_a_message_in_a_check_in_under_a_label_names_nobody_in_the_log(
    app, member, moderator
):
    thread = factories.thread(member, title="Hard night", body="I can't go on", anonymous=True)
    post = factories.opening_post(thread)
    mod = signed_in(app, moderator)
    mod.post(
        f"/mod/posts/{post.id}/check_in",
        data={"reason": "Reached out", "message": "Thinking of you."},
    )
    conversation = db.session.scalar(select(Conversation))
    hannah = signed_in(app, member)
    answer = hannah.post(f"/messages/{conversation.key}", data={"body": "I want to die tonight"})
    assert answer.status_code == 302
    report_id = db.session.scalar(select(MessageReport.id))
    assert report_id is not None
    assert mod.post(f"/mod/messages/{report_id}/read").status_code == 200
    reading = db.session.scalar(
        select(ModerationAction).where(ModerationAction.action == Action.READ_MESSAGES)
    )
    assert reading.target_user_id is None
    assert "hannah" not in mod.get("/mod/log").text.lower()
    # Nor does the check-in count as talking by name: her requests stay closed to him.
    from forum.services.messaging import talked_with

    assert not talked_with(moderator, member) and not talked_with(member, moderator)
