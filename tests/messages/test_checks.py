"""Kind words, contact details and crisis first, in messages and requests."""

from html import unescape

from sqlalchemy import func, select

from forum.database import db
from forum.models import Message, MessageReport
from forum.services import messaging
from forum.services.message_checks import has_contact_details
from tests.helpers import signed_in
from tests.messages.people import accepted, talked


def test_contact_details_are_recognised():
    for text in (
        "text me on 07700 900123",
        "call +1 (555) 010-9999",
        "my email is jo.bloggs@example.org",
        "find me on insta",
        "add me on WhatsApp",
    ):
        assert has_contact_details(text), text
    for text in ("We nap at 2", "She is 18 months", "Thank you so much"):
        assert not has_contact_details(text), text


def test_contact_details_pause_once_and_can_be_sent_anyway(app, member, other_member):
    talked(member, other_member)
    conversation = accepted(member, other_member)
    hannah = signed_in(app, member)
    url = f"/messages/{conversation.key}"
    paused = hannah.post(url, data={"body": "Text me on 07700 900123"})
    assert paused.status_code == 400 and "Sharing contact details?" in paused.text
    assert "Text me on 07700 900123" in paused.text and 'name="contact_ok"' in paused.text
    sent = hannah.post(url, data={"body": "Text me on 07700 900123", "contact_ok": "y"})
    assert sent.status_code == 302
    assert db.session.scalar(select(func.count(Message.id))) == 2


def test_unkind_words_pause_in_a_request(app, member, other_member):
    talked(member, other_member)
    hannah = signed_in(app, member)
    paused = hannah.post("/u/priya/message", data={"body": "Honestly you are so selfish"})
    assert paused.status_code == 400 and "read it once more" in paused.text
    assert "Honestly you are so selfish" in paused.text
    assert db.session.scalar(select(func.count(Message.id))) == 0
    sent = hannah.post(
        "/u/priya/message", data={"body": "Honestly you are so selfish", "kind_ok": "y"}
    )
    assert sent.status_code == 302


def test_crisis_words_are_never_held_back_and_reach_the_moderators_first(
    app, member, other_member, moderator
):
    talked(member, other_member)
    conversation = accepted(member, other_member)
    priya = signed_in(app, other_member)
    # Crisis wording with contact details: no pause; support first; an at-risk report.
    sent = priya.post(
        f"/messages/{conversation.key}",
        data={"body": "I can't go on, call me on 07700 900123"},
        follow_redirects=True,
    )
    assert sent.status_code == 200 and "You're not alone" in sent.text.replace("&#39;", "'")
    report = db.session.scalar(select(MessageReport))
    assert report.reason == "at_risk" and report.reporter_id is None
    queue = signed_in(app, moderator).get("/mod/").text
    assert queue.index("a private message") < queue.index("Appeals")
    assert "Someone may be at risk" in queue
    # The queue itself shows no words of the message: reading it is logged.
    assert "can't go on" not in queue.replace("&#39;", "'")


def test_crisis_words_in_a_silenced_request_still_reach_the_moderators(app, member, other_member):
    from forum.services import blocking

    talked(member, other_member)
    blocking.block(other_member, member)
    db.session.commit()
    sent = signed_in(app, member).post(
        "/u/priya/message", data={"body": "I want to die, can we talk?"}, follow_redirects=True
    )
    assert "You're not alone" in sent.text.replace("&#39;", "'")
    assert db.session.scalar(select(MessageReport.reason)) == "at_risk"


def test_crisis_words_that_cant_be_sent_still_bring_support_and_reach_the_moderators(
    app, member, other_member, moderator
):
    from forum.models import Conversation, Party
    from tests import factories

    carmen = factories.member("carmen", messages_from="nobody")
    talked(member, other_member, carmen)
    conversation = accepted(member, other_member)
    messaging.leave(other_member, conversation)
    db.session.commit()
    hannah = signed_in(app, member)
    hannah.get("/")  # the welcome is read
    words = "I want to die, I can't do this any more"
    # A plain refusal files nothing.
    plain = hannah.post("/u/carmen/message", data={"body": "Hello Carmen"})
    assert plain.status_code == 403 and "You're not alone" not in plain.text.replace("&#39;", "'")
    assert db.session.scalar(select(func.count(MessageReport.id))) == 0
    refusals = (
        ("/u/carmen/message", 403, "isn&#39;t taking message requests"),
        (f"/messages/{conversation.key}", 400, "closed"),
    )
    for number, (url, status, why) in enumerate(refusals, 1):
        page = hannah.post(url, data={"body": words})
        assert page.status_code == status and why in page.text, url
        assert "You're not alone" in page.text.replace("&#39;", "'"), url
        if url.startswith("/u/"):
            assert words in unescape(page.text)  # her text is kept
        reports = db.session.scalars(select(MessageReport)).all()
        assert len(reports) == number and {r.reason for r in reports} == {"at_risk"}
    # Nothing reaches anyone else: the copies have her as their only party, already left.
    for report in reports:
        parties = db.session.scalars(
            select(Party).where(Party.conversation_id == report.message.conversation_id)
        ).all()
        assert [p.user_id for p in parties] == [member.id] and parties[0].left_at is not None
        assert db.session.get(Conversation, report.message.conversation_id).silenced
    for other in (other_member, carmen):
        assert "want to die" not in signed_in(app, other).get("/messages").text
    assert "want to die" not in hannah.get("/messages").text
    queue = signed_in(app, moderator).get("/mod/").text
    assert "Someone may be at risk" in queue
