"""A reply's followers are told by the worker: the reply itself costs the same whatever the
following, each follower hears once, and a worker killed halfway loses and doubles nothing."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import event, func, insert, select, update

from forum import queue
from forum.database import db, utcnow
from forum.models import FanOut, Notification, OutgoingEmail, Post, Subscription, User
from forum.services import mail, notify, posting
from tests import factories
from tests.helpers import make_app, signed_in

FLASK = Path(sys.executable).parent / "flask"


def add_followers(thread, count: int, prefix: str, **choices) -> list[int]:
    """`count` members who follow the thread, written in bulk (one registration is slow)."""
    model = factories.member(f"{prefix}0", email_verified_at=utcnow(), **choices)
    columns = {c.key: getattr(model, c.key) for c in User.__table__.columns if c.key != "id"}
    rows = [
        {
            **columns,
            "username": f"{prefix}{n}",
            "username_key": f"{prefix}{n}",
            "email": f"{prefix}{n}@example.org",
            "email_key": f"{prefix}{n}@example.org",
        }  # fmt: skip
        for n in range(1, count)
    ]
    db.session.execute(insert(User), rows)
    ids = list(db.session.scalars(select(User.id).where(User.username.like(f"{prefix}%"))))
    db.session.execute(insert(Subscription), [{"user_id": i, "thread_id": thread.id} for i in ids])
    db.session.commit()
    return ids


def statements_of_reply(app, monkeypatch, author, thread) -> int:
    """The SQL statements one reply runs, its followers left for the worker."""
    monkeypatch.setattr(app.wsgi_app, "run_queue", False)
    browser = signed_in(app, author)
    browser.get(f"/t/{thread.id}")
    statements = []

    def record(conn, cursor, statement, *args):
        if statement != "BEGIN":
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = browser.post(
            f"/t/{thread.id}/reply", data={"body": f"You are not alone, {thread.title}."}
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 302, response.text
    return len(statements)


def replies_told(post_id: int) -> list[int]:
    db.session.rollback()  # what the worker committed since, not this session's snapshot
    return list(
        db.session.scalars(select(Notification.user_id).where(Notification.post_id == post_id))
    )


def test_a_reply_to_a_thousand_followers_costs_what_a_reply_to_one_does(app, monkeypatch):
    author = factories.member("hannah")
    replier = factories.member("priya")
    small = factories.thread(author, title="One reader")
    big = factories.thread(author, title="A thousand readers")
    followers = add_followers(big, 1000, "reader")
    factories.reply(replier, small)  # both threads as alike as can be: each has a reply already
    factories.reply(replier, big)
    assert statements_of_reply(app, monkeypatch, replier, small) == statements_of_reply(
        app, monkeypatch, replier, big
    )
    # The reply only recorded that its followers are due to hear; the worker tells them.
    reply = db.session.scalars(select(Post).where(Post.thread_id == big.id).order_by(
        Post.position.desc())).first()  # fmt: skip
    assert replies_told(reply.id) == []
    assert db.session.get(FanOut, reply.id) is not None
    assert queue.run_waiting() >= 1
    told = replies_told(reply.id)
    assert sorted(told) == sorted([*followers, author.id])  # the thread's author follows it
    assert db.session.scalar(select(func.count()).select_from(FanOut)) == 0
    # The same work again (a sweep that found it, a retried task) tells nobody twice.
    db.session.add(FanOut(post_id=reply.id))
    db.session.commit()
    notify.fan_out(reply.id)
    queue.run_waiting()
    assert sorted(replies_told(reply.id)) == sorted(told)
    emails = select(func.count()).select_from(OutgoingEmail).where(
        OutgoingEmail.to_address.like("reader%"))  # fmt: skip
    assert db.session.scalar(emails) == 0  # their choice: replies in a daily digest


def test_each_follower_is_emailed_once_as_they_chose(app, mailbox):
    author = factories.member("hannah", email_verified_at=utcnow())
    thread = factories.thread(author, title="Night feeds and early meetings")
    add_followers(thread, 30, "owl", email_replies="immediately")
    reply = factories.reply(factories.member("priya"), thread)
    assert len(replies_told(reply.id)) == 31
    addresses = sorted(m["To"] for m in mailbox.messages)
    assert addresses == sorted(["hannah@example.org", *(f"owl{n}@example.org" for n in range(30))])
    notify.fan_out(reply.id)
    assert len(mailbox.messages) == 31


def test_a_reply_in_her_own_thread_reaches_her_straight_away_and_she_is_told_how(
    app, client, mailbox
):
    hannah = factories.member("hannah", email_verified_at=utcnow())  # every choice as it comes
    browser = signed_in(app, hannah)
    response = browser.post("/new", data={"category": "back-to-work", "title": "Pumping at work",
                                          "body": "Where do you all go?"}, follow_redirects=True)  # fmt: skip
    assert "We'll let you know here and by email when someone replies." in unescape(response.text)
    thread = db.session.scalars(select(Post.thread_id).order_by(Post.id.desc())).first()
    signed_in(app, factories.member("priya")).post(
        f"/t/{thread}/reply", data={"body": "The car, mostly."}
    )
    [message] = mailbox.to("hannah@example.org")
    assert message["Subject"] == "New reply on Blossom"  # discreet: no title, no name
    assert "Pumping" not in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    ("verified", "choice", "said"),
    [
        (True, "immediately", "We'll let you know here and by email when someone replies."),
        (True, "daily", "We'll let you know here when someone replies, and in your daily email."),
        (True, "never", "We'll let you know here when someone replies."),
        (False, "immediately", "We'll let you know here when someone replies."),
    ],
)
def test_how_she_will_hear_follows_her_choice(app, verified, choice, said):
    member = factories.member(
        "hannah", email_verified_at=utcnow() if verified else None, email_own_threads=choice
    )
    assert notify.how_you_will_hear(member) == said


def test_an_anonymous_reply_reaches_followers_by_its_label_only(app, mailbox):
    hannah = factories.member("hannah", email_verified_at=utcnow(), email_show_content=True)
    thread = factories.thread(hannah, title="Nobody asks")
    secret = factories.member("zephyrine_q", display_name="Zephyrine Quill")
    posting.reply(secret, thread, "I see you.", anonymous=True)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(FanOut)) == 1
    queue.run_waiting()
    [message] = mailbox.to("hannah@example.org")
    assert message["Subject"] == "Anonymous parent 2 replied in “Nobody asks”"
    for trace in ("zephyrine", "Zephyrine", "Quill", f"/u/{secret.username}"):
        assert trace not in str(message)


def test_the_outbox_sweep_sends_what_a_lost_task_left(app, mailbox):
    hannah = factories.member("hannah", email_verified_at=utcnow())
    with app.test_request_context():
        mail.queue(hannah.email, "Welcome back", "notification", user=hannah, items=[],
                   show_content=False)  # fmt: skip
    db.session.commit()
    queue.huey.flush()  # the queue is lost: Redis restarted empty, say
    assert mailbox.messages == []
    mail.sweep_outbox.call_local()  # a sweep leaves what is younger than a task takes
    assert mailbox.messages == []
    db.session.execute(update(OutgoingEmail).values(created_at=utcnow() - timedelta(minutes=10)))
    db.session.commit()
    mail.sweep_outbox.call_local()
    assert [m["Subject"] for m in mailbox.to("hannah@example.org")] == ["Welcome back"]
    mail.sweep_outbox.call_local()  # sent: the next sweep finds nothing
    assert len(mailbox.messages) == 1


def test_a_lost_fan_out_is_found_by_the_sweep(app):
    hannah = factories.member("hannah")
    thread = factories.thread(hannah)
    posting.reply(factories.member("priya"), thread, "Same here.")
    db.session.commit()
    queue.huey.flush()
    reply = db.session.scalars(select(FanOut)).one()
    reply_id = reply.post_id
    notify.sweep_fan_outs.call_local()
    assert queue.run_waiting() == 0  # too soon: its task may still be on its way
    reply.created_at = utcnow() - timedelta(minutes=5)
    db.session.commit()
    notify.sweep_fan_outs.call_local()
    assert queue.run_waiting() >= 1  # the fan-out, and the push task it asks for
    assert replies_told(reply_id) == [hannah.id]


def test_a_worker_killed_halfway_loses_and_doubles_nothing(tmp_path, monkeypatch):
    """A real `flask worker` on the SQLite queue, SIGKILLed while it tells 1,000 followers."""
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    url = f"sqlite:///{tmp_path}/forum.db"
    app = make_app(url, QUEUE="sqlite", MAIL_FOLDER=str(tmp_path / "mail"))
    env = {**os.environ, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path), "QUEUE": "sqlite",
           "SECRET_KEY": "test-worker-key", "MAIL_FOLDER": str(tmp_path / "mail")}  # fmt: skip
    env.pop("REDIS_URL", None)
    with app.app_context():
        db.create_all()
        from forum.services.categories import create_default_categories

        create_default_categories()
        hannah = factories.member("hannah")
        thread = factories.thread(hannah)
        followers = add_followers(thread, 1000, "reader", email_replies="immediately")
        posting.reply(factories.member("priya"), thread, "It gets easier.")
        db.session.commit()  # fan-out enqueued in instance/queue.db
        reply_id = db.session.scalars(select(FanOut.post_id)).one()
        counted = select(func.count()).select_from(Notification)

        def told() -> int:
            db.session.rollback()
            return db.session.scalar(counted)

        worker = subprocess.Popen([FLASK, "--app", "forum", "worker", "--workers", "1"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while told() == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=10)
            halfway = told()
            assert 0 < halfway < 1001, "the worker was not caught halfway"
            assert db.session.get(FanOut, reply_id) is not None  # still due: the record says so
            # The task died with the worker; starting again, the sweep finds the fan-out still due.
            requeued = subprocess.run([FLASK, "--app", "forum", "requeue"], env=env,
                                      capture_output=True, text=True)  # fmt: skip
            assert requeued.returncode == 0 and "Enqueued" in requeued.stdout, requeued.stderr
            log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
            worker = subprocess.Popen([FLASK, "--app", "forum", "worker"], env=env,
                                      stdout=log, stderr=log)  # fmt: skip
            due = select(func.count()).select_from(FanOut)
            deadline = time.monotonic() + 180
            while db.session.scalar(due) and time.monotonic() < deadline:
                time.sleep(0.2)
                db.session.rollback()
            assert db.session.scalar(due) == 0
        finally:
            worker.kill()
            worker.wait(timeout=10)
        rows = list(db.session.execute(select(Notification.user_id, Notification.post_id)))
        assert sorted(user for user, _ in rows) == sorted([*followers, hannah.id])
        assert {post for _, post in rows} == {reply_id}
        # Each follower's email was written once, with their notification.
        emailed = list(db.session.scalars(select(OutgoingEmail.to_address)))
        assert sorted(emailed) == sorted(f"reader{n}@example.org" for n in range(1000))
        db.engine.dispose()
