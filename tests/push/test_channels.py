"""Every kind of notification reaches a phone the same discreet way: a helper's nudge about a
waiting thread, and a private message, arrive decrypted at a real push service naming nobody."""

from datetime import timedelta

from sqlalchemy import select

from forum import queue
from forum.database import db, utcnow
from forum.models import MessagesFrom, Notification, NotificationKind, User
from forum.services import care, messaging
from tests import factories
from tests.push.test_push import turn_on


def test_a_nudge_about_a_waiting_anonymous_thread_reaches_a_helpers_phone(app, pushing):
    helper = factories.member("amara", email_verified_at=utcnow())
    care.save_helper(helper, category_ids=[], quiet_from=None, quiet_until=None, daily_cap=3,
                     paused=False, email=False)  # fmt: skip
    db.session.commit()
    device, _ = turn_on(app, helper, pushing)
    author = factories.member("hannah", display_name="Hannah Whitfield")
    factories.thread(author, title="Pumping in the supply cupboard", anonymous=True)
    assert care.nudge_waiting(utcnow() + timedelta(minutes=31)) == 1
    db.session.commit()
    queue.run_waiting()
    assert pushing.errors == []
    [received] = pushing.to(device)
    [nudge] = db.session.query(Notification).filter_by(kind=NotificationKind.NUDGE).all()
    assert received.shown["body"] == "Someone is waiting for a reply in Back to work"
    assert received.shown["url"] == f"/notifications/{nudge.id}"
    words = str(received.shown) + str(received.headers)
    for private in ("Pumping", "cupboard", "hannah", "Hannah", "Anonymous"):
        assert private not in words


def test_a_private_message_reaches_her_phone_naming_nobody(app, pushing):
    week_ago = utcnow() - timedelta(days=8)
    sender = factories.member("priya", display_name="Priya Raman", created_at=week_ago)
    factories.thread(sender, title="My first week back")  # she has posted
    recipient = factories.member("bea", email_verified_at=utcnow(), created_at=week_ago)
    recipient.messages_from = MessagesFrom.ANYONE
    db.session.commit()
    device, _ = turn_on(app, recipient, pushing)
    talk = messaging.request(sender, recipient, "Can I ask you about the nursery run?")
    db.session.commit()
    queue.run_waiting()
    [received] = pushing.to(device)
    words = str(received.shown) + str(received.headers)
    assert "asked to talk with you privately" in received.shown["body"]
    for private in ("priya", "Priya", "nursery"):
        assert private not in words
    assert talk.conversation is not None


def test_on_the_demo_data_a_waiting_first_thread_reaches_a_helpers_phone(app, pushing):
    from forum.services.demo import seed_demo

    seed_demo()
    db.session.commit()
    helpers = db.session.scalars(
        select(User).where(User.username.in_(["rosa_moderator", "sam_k", "zoe_w"]))
    ).all()
    known = factories.member("known").password_hash  # the tests' password, to sign them in
    for helper in helpers:
        helper.password_hash = known
    db.session.commit()
    devices = [turn_on(app, helper, pushing)[0] for helper in helpers]
    assert care.nudge_waiting(utcnow() + timedelta(minutes=1)) == 2
    db.session.commit()
    queue.run_waiting()
    assert pushing.errors == []
    received = [push for device in devices for push in pushing.to(device)]
    assert len(received) == 2
    assert all(
        push.shown["body"].startswith("Someone is waiting for a reply in") for push in received
    )
