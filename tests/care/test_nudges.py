"""Helpers are nudged when a thread waits: who, how many, and when not, with the clock passed in."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import queue
from forum.database import db, utcnow
from forum.models import Action, Block, Category, Notification, NotificationKind, Nudge, Thread
from forum.services import blocking, care, links, mail, moderation_actions, notifications
from tests import factories

WAIT = timedelta(minutes=31)


def helper(name: str, **choices):
    user = factories.member(name, email_verified_at=utcnow())
    settings = dict(category_ids=[], quiet_from=None, quiet_until=None, daily_cap=3,
                    paused=False, email=False) | choices  # fmt: skip
    care.save_helper(user, **settings)
    db.session.commit()
    return user


def nudged(thread: Thread) -> set[str]:
    rows = db.session.scalars(select(Nudge).where(Nudge.thread_id == thread.id))
    return {db.session.get(type(thread.author), n.helper_id).username for n in rows}


def described(rows: list[Notification]):
    with links.public_request():
        return notifications.describe(rows)


def told(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.kind == NotificationKind.NUDGE
            )
        )
    )


@pytest.fixture
def author():
    # Not her first thread: the ordinary wait applies.
    writer = factories.member("hannah")
    factories.thread(writer, title="An older thread of hers", replies=1, replier=writer)
    return writer


def test_a_waiting_thread_nudges_two_helpers_after_its_wait(app, author):
    helpers = [helper(name) for name in ("amara", "bea", "cleo")]
    thread = factories.thread(author)
    assert care.nudge_waiting(utcnow() + timedelta(minutes=20)) == 0
    assert care.nudge_waiting(utcnow() + WAIT) == 2
    db.session.commit()
    assert len(nudged(thread)) == 2
    shown = described(told(helpers[0]) + told(helpers[1]) + told(helpers[2]))
    assert {s.text for s in shown} == {"Someone is waiting for a reply in Back to work"}
    assert all(s.url == f"/t/{thread.id}" for s in shown)
    # Run again at once: nothing more; a wait later, the third helper.
    assert care.nudge_waiting(utcnow() + WAIT) == 0
    assert care.nudge_waiting(utcnow() + WAIT * 2) == 1
    assert nudged(thread) == {"amara", "bea", "cleo"}


def test_a_first_thread_is_nudged_sooner(app):
    helper("amara")
    newcomer = factories.member("nia")
    thread = factories.thread(newcomer)
    assert thread.first_thread
    assert care.nudge_waiting(utcnow() + timedelta(minutes=11)) == 1


def test_helpers_are_chosen_fairly_by_rotation_and_recent_activity(app, author, monkeypatch):
    monkeypatch.setitem(app.config, "CARE_HELPERS_PER_ROUND", 1)
    amara, bea, cleo = helper("amara"), helper("bea"), helper("cleo")
    now = utcnow()
    amara.last_seen_at = bea.last_seen_at = now  # cleo hasn't been here for weeks
    cleo.last_seen_at = now - timedelta(days=30)
    care.helper_of(amara).last_nudged_at = now - timedelta(hours=1)
    db.session.commit()
    one = factories.thread(author, title="Pumping at work")
    two = factories.thread(author, title="Nursery drop-off tears")
    care.nudge_waiting(now + WAIT)
    # Recent helpers first, the one nudged longest ago (never) first of them; then the next.
    assert (nudged(one), nudged(two)) == ({"bea"}, {"amara"})
    care.nudge_waiting(now + WAIT * 2)
    assert (nudged(one), nudged(two)) == ({"bea", "amara"}, {"amara", "bea"})
    assert told(cleo) == []
    care.nudge_waiting(now + WAIT * 3)  # the recent ones have been told: cleo's turn
    assert (nudged(one), nudged(two)) == ({"bea", "amara", "cleo"}, {"amara", "bea", "cleo"})


def test_never_the_author_nor_anyone_blocked_either_way(app, author):
    helper("hannah_helps")
    blocked_by_author, blocking_author = helper("bea"), helper("cleo")
    fine = helper("dot")
    author_as_helper = author
    care.save_helper(author_as_helper, category_ids=[], quiet_from=None, quiet_until=None,
                     daily_cap=3, paused=False, email=False)  # fmt: skip
    blocking.block(author, blocked_by_author)
    blocking.block(blocking_author, author)
    db.session.commit()
    thread = factories.thread(author)
    for minutes in (31, 62, 93):
        care.nudge_waiting(utcnow() + timedelta(minutes=minutes))
    assert nudged(thread) == {"hannah_helps", "dot"}
    assert told(fine) and not told(author)
    assert db.session.scalar(select(Block.id).where(Block.blocker_id == author.id))


def test_the_daily_cap_quiet_hours_pause_and_categories(app, author):
    capped = helper("amara", daily_cap=1)
    now = utcnow()
    hour = now.hour
    helper("bea", quiet_from=hour, quiet_until=(hour + 2) % 24)
    helper("cleo", paused=True)
    childcare = db.session.scalar(select(Category.id).where(Category.slug == "childcare"))
    helper("dot", category_ids=[childcare])
    first = factories.thread(author, title="One")
    second = factories.thread(author, title="Two")
    care.nudge_waiting(now + WAIT)
    assert nudged(first) == {"amara"} and nudged(second) == set()
    assert len(told(capped)) == 1
    third = factories.thread(author, title="Three", category_slug="childcare")
    care.nudge_waiting(now + WAIT * 2)
    assert nudged(third) == {"dot"}


def test_a_reply_a_lock_or_a_hidden_opening_post_nudges_nobody(app, author, moderator):
    helper("amara")
    answered = factories.thread(author, title="Answered")
    factories.reply(factories.member("priya"), answered)
    locked = factories.thread(author, title="Locked")
    moderation_actions.set_thread_flag(moderator, locked, Action.LOCK, "Closed for now")
    hidden = factories.thread(author, title="Hidden")
    moderation_actions.hide_post(moderator, factories.opening_post(hidden), "Not kind")
    db.session.commit()
    assert care.nudge_waiting(utcnow() + WAIT) == 0


def test_a_claim_holds_the_nudges_while_it_lasts(app, author):
    writing, other = helper("amara"), helper("bea")
    thread = factories.thread(author)
    care.claim(writing, thread, utcnow())
    db.session.commit()
    assert care.nudge_waiting(utcnow() + timedelta(minutes=14)) == 0
    assert care.claims_for([thread.id], other) == {thread.id: False}
    assert care.claims_for([thread.id], writing) == {thread.id: True}
    assert care.nudge_waiting(utcnow() + WAIT) == 2


def test_an_anonymous_threads_author_is_never_in_a_nudge(app, mailbox):
    amara = helper("amara", email=True)
    secret = factories.member("secretive", display_name="Rosalind Quill")
    thread = factories.thread(secret, title="I can't say this with my name", anonymous=True)
    care.nudge_waiting(utcnow() + timedelta(minutes=11))
    db.session.commit()
    queue.run_waiting()
    mail.send_pending()
    shown = described(told(amara))[0]
    words = " ".join([shown.text, shown.discreet, shown.subject, shown.url])
    messages = mailbox.to(amara.email)
    assert messages, "the helper chose email"
    words += " ".join(m.get_body(("plain",)).get_content() for m in messages)
    words += " ".join(m["Subject"] for m in messages)
    for secret_word in ("secretive", "Rosalind", "Quill", thread.title):
        assert secret_word not in words


def test_the_periodic_task_nudges_and_commits(app, author):
    helper("amara")
    thread = factories.thread(author)
    thread.created_at = utcnow() - WAIT
    db.session.commit()
    care.nudge_helpers.call_local()
    db.session.rollback()
    assert nudged(thread) == {"amara"}


def test_on_the_demo_data_a_first_thread_left_unanswered_nudges_a_helper(app):
    from forum.models import User
    from forum.services.demo import seed_demo

    seed_demo()
    db.session.commit()
    rosa = db.session.scalar(select(User).where(User.username == "rosa_moderator"))
    assert care.nudge_waiting(utcnow() + timedelta(minutes=1)) == 2
    db.session.commit()
    helped = {n.user_id for n in db.session.scalars(select(Notification))
              if n.kind == NotificationKind.NUDGE}  # fmt: skip
    assert len(helped) == 2 and helped <= {rosa.id} | {
        u.id for u in db.session.scalars(select(User).where(User.username.in_(["sam_k", "zoe_w"])))
    }


def test_a_thread_that_reads_as_a_crisis_is_nudged_as_soon_as_a_first_thread(app, author):
    helper("amara")
    thread = factories.thread(author, title="I can't do this any more",
                              body="Some days I feel like I can't go on.")  # fmt: skip
    assert not thread.first_thread
    assert care.nudge_waiting(utcnow() + timedelta(minutes=11)) == 1


def test_the_nudge_reads_discreetly_on_the_notifications_page(app):
    from tests.helpers import signed_in

    amara = helper("amara")
    secret = factories.member("secretive", display_name="Rosalind Quill")
    thread = factories.thread(secret, title="Nobody at work knows", anonymous=True)
    care.nudge_waiting(utcnow() + timedelta(minutes=11))
    db.session.commit()
    page = signed_in(app, amara).get("/notifications").text
    assert "Someone is waiting for a reply in Back to work" in page
    assert "Rosalind" not in page and "secretive" not in page
    assert f"/notifications/{told(amara)[0].id}" in page or f"/t/{thread.id}" in page


def test_quiet_hours_are_read_in_the_forums_time_zone(app, author, monkeypatch):
    from datetime import UTC
    from zoneinfo import ZoneInfo

    monkeypatch.setitem(app.config, "HELPER_TIMEZONE", "Asia/Kolkata")  # UTC+5:30
    now = utcnow()
    local = now.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Kolkata")) + WAIT
    helper("amara", quiet_from=local.hour, quiet_until=(local.hour + 1) % 24)
    helper("bea", quiet_from=(local.hour + 2) % 24, quiet_until=(local.hour + 3) % 24)
    thread = factories.thread(author)
    care.nudge_waiting(now + WAIT)
    assert nudged(thread) == {"bea"}
