"""The job queue: work is enqueued only once what asked for it has committed, and runs in an app
context of its own."""

from flask import g

from forum import queue
from forum.database import db
from forum.models import User
from tests import factories
from tests.helpers import make_app

ran: list[tuple[int, bool]] = []


@queue.task()
def note_member(user_id: int) -> None:
    # A fresh context: nothing the request kept in g is seen here.
    ran.append((db.session.get(User, user_id).id, "marker" in g))


def test_work_waits_for_the_commit(app):
    ran.clear()
    with app.app_context():
        member = factories.member("queued")
        db.session.flush()
        g.marker = True
        queue.after_commit(note_member, member.id)
        assert queue.run_waiting() == 0  # not before the commit
        db.session.commit()
        assert queue.run_waiting() == 1
        assert ran == [(member.id, False)]


def test_rolled_back_work_is_never_enqueued(app):
    ran.clear()
    with app.app_context():
        member = factories.member("queued")
        db.session.commit()
        queue.after_commit(note_member, member.id)
        db.session.rollback()
        db.session.commit()
        assert queue.run_waiting() == 0
    assert ran == []


def test_the_sqlite_queue_keeps_work_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    app = make_app(f"sqlite:///{tmp_path}/forum.db", QUEUE="sqlite")
    ran.clear()
    with app.app_context():
        db.create_all()
        member = factories.member("queued")
        db.session.commit()
        note_member(member.id)  # outside a request's transaction: enqueued at once
        assert (tmp_path / "queue.db").exists()
        assert queue.run_waiting() == 1
        assert ran == [(member.id, False)]
