"""Kind words, contact details and crisis first, in messages and requests."""

from sqlalchemy import func, select

from forum.database import db
from forum.models import Message, MessageReport
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
