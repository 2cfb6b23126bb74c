"""check-consistency finds counters that drifted and mends them; concurrent writers cause none."""

import time
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier, Event

import pytest
from sqlalchemy import select, update

from forum.database import db
from forum.models import Category, Post, Thread, User
from forum.services import helpful, moderation_actions, notifications, posting, reactions, sanctions
from forum.services.errors import NotAllowed
from tests import factories


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["check-consistency", *args])
    db.session.commit()  # end the test's snapshot so it sees what the command wrote
    return result


def busy_forum(member, other_member, moderator):
    """A forum that has seen most of what changes a counter."""
    thread = factories.thread(member, replies=2, replier=other_member)
    posts = list(db.session.scalars(select(Post).where(Post.thread_id == thread.id)))
    anonymous = posting.reply(other_member, thread, "Quietly with you.", anonymous=True)
    reactions.toggle_reaction(member, posts[1], "hug")
    helpful.mark_helped(member, posts[1], True)
    posting.delete_post(other_member, posts[2])
    moderation_actions.hide_post(moderator, anonymous, "Names a child's school.")
    sanctions.warn(moderator, other_member, "Please keep it kind.")
    factories.thread(other_member, title="Nursery drop-off tears", category_slug="childcare")
    db.session.commit()
    return thread


def test_a_clean_forum_reports_nothing(app, member, other_member, moderator):
    busy_forum(member, other_member, moderator)
    result = run(app)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "All counters are exact."


def test_counters_corrupted_by_hand_are_reported_then_repaired(
    app, member, other_member, moderator
):
    thread = busy_forum(member, other_member, moderator)
    exact = {
        "thread": db.session.execute(
            select(Thread.post_count, Thread.reply_count, Thread.helped_count, Thread.last_post_at)
            .where(Thread.id == thread.id)
        ).one(),
        "category": db.session.execute(
            select(Category.thread_count, Category.last_post_at)
            .where(Category.id == thread.category_id)
        ).one(),
        "user": db.session.execute(
            select(User.post_count, User.thread_count, User.unread_warnings)
            .where(User.id == other_member.id)
        ).one(),
    }  # fmt: skip
    db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=99, reply_count=0, helped_count=7, last_post_at=thread.created_at)
    )
    db.session.execute(
        update(Category)
        .where(Category.id == thread.category_id)
        .values(thread_count=42, last_post_at=None)
    )
    db.session.execute(
        update(User)
        .where(User.id == other_member.id)
        .values(post_count=-3, thread_count=0, unread_warnings=0)
    )
    db.session.commit()

    report = run(app)
    assert report.exit_code == 1
    for counter in (
        "thread.post_count", "thread.reply_count", "thread.helped_count", "thread.last_post_at",
        "category.thread_count", "category.last_post_at", "user.post_count", "user.thread_count",
        "user.unread_warnings",
    ):  # fmt: skip
        assert counter in report.output
    assert f"thread.post_count id={thread.id}: stored 99, recounted 4" in report.output
    assert "9 counters drifted" in report.output
    # Reporting changes nothing.
    assert db.session.scalar(select(Thread.post_count).where(Thread.id == thread.id)) == 99

    repaired = run(app, "--repair")
    assert repaired.exit_code == 0, repaired.output
    assert "Repaired 9 counters." in repaired.output
    db.session.expire_all()
    assert db.session.execute(
        select(Thread.post_count, Thread.reply_count, Thread.helped_count, Thread.last_post_at)
        .where(Thread.id == thread.id)
    ).one() == exact["thread"]  # fmt: skip
    assert (
        db.session.execute(
            select(Category.thread_count, Category.last_post_at).where(
                Category.id == thread.category_id
            )
        ).one()
        == exact["category"]
    )
    assert db.session.execute(
        select(User.post_count, User.thread_count, User.unread_warnings)
        .where(User.id == other_member.id)
    ).one() == exact["user"]  # fmt: skip
    assert run(app).output.strip() == "All counters are exact."


WRITERS = 8
REPLIES_EACH = 10


def test_eight_members_replying_and_reacting_at_once_leave_no_drift(app, member):
    """Real connections, one per writer, each request in its own app context and transaction."""
    thread = factories.thread(member)
    opening = factories.opening_post(thread)
    writers = [factories.member(f"writer{n}") for n in range(WRITERS)]
    thread_id, opening_id = thread.id, opening.id
    usernames = [w.username for w in writers]
    db.session.commit()
    start = Barrier(WRITERS)

    def write(username: str) -> list[int]:
        client = app.test_client()
        client.post("/login", data={"login": username, "password": factories.PASSWORD})
        start.wait(timeout=30)
        statuses = []
        for n in range(REPLIES_EACH):
            anonymous = {"anonymous": "y"} if n % 3 == 0 else {}
            response = client.post(
                f"/t/{thread_id}/reply", data={"body": f"{username} reply {n}", **anonymous}
            )
            statuses.append(response.status_code)
            # Toggled on and off and on again: one hug per writer in the end.
            if n in (0, 1, 2):
                reacted = client.post(f"/p/{opening_id}/react/hug")
                statuses.append(reacted.status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        statuses = [s for each in pool.map(write, usernames) for s in each]
    assert set(statuses) == {302}, statuses

    db.session.commit()
    total = WRITERS * REPLIES_EACH
    positions = list(db.session.scalars(select(Post.position).where(Post.thread_id == thread_id)))
    assert sorted(positions) == list(range(1, total + 2))  # unique, no gaps
    bodies = list(db.session.scalars(select(Post.body_markdown).where(Post.position > 1)))
    assert sorted(bodies) == sorted(
        f"{u} reply {n}" for u in usernames for n in range(REPLIES_EACH)
    )
    db.session.expire_all()
    thread = db.session.get(Thread, thread_id)
    assert thread.reply_count == total and thread.post_count == total + 1
    for writer in writers:
        db.session.refresh(writer)
        assert writer.post_count == REPLIES_EACH - 4  # replies 0, 3, 6, 9 were anonymous
    assert db.session.scalar(notifications.unread_statement(member)) >= 1
    result = run(app)
    assert result.output.strip() == "All counters are exact.", result.output


def test_an_author_deleting_while_a_moderator_hides_counts_the_post_out_once(
    app, member, other_member, moderator
):
    """The author opens her post while a moderator is hiding it; her delete runs after the
    moderator commits. Each side must read the post as it stands under the row's lock, or both
    take it out of the counters and they go below zero."""
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite takes the write lock at the start of every writing request")
    thread = factories.thread(member)
    post = factories.reply(other_member, thread)
    ids = {"post": post.id, "thread": thread.id, "author": other_member.id, "mod": moderator.id}
    db.session.commit()
    author_has_read, hidden = Event(), Event()

    def hide() -> None:
        with app.app_context():
            moderation_actions.hide_post(
                db.session.get(User, ids["mod"]), db.session.get(Post, ids["post"]), "Unkind."
            )
            hidden.set()
            author_has_read.wait(timeout=30)
            time.sleep(0.5)  # the author's delete is waiting on the post's row by now
            db.session.commit()

    def delete() -> str:
        with app.app_context():
            hidden.wait(timeout=30)
            author = db.session.get(User, ids["author"])
            mine = db.session.get(Post, ids["post"])  # still visible: not yet committed
            assert mine.is_visible
            author_has_read.set()
            try:
                posting.delete_post(author, mine)
            except NotAllowed:
                db.session.rollback()
                return "refused"
            db.session.commit()
            return "deleted"

    with ThreadPoolExecutor(max_workers=2) as pool:
        moderating = pool.submit(hide)
        deleting = pool.submit(delete)
        moderating.result(timeout=60)
        # Read under the lock, the post is hidden by then, and no longer hers to delete.
        assert deleting.result(timeout=60) == "refused"

    db.session.expire_all()
    thread = db.session.get(Thread, ids["thread"])
    author = db.session.get(User, ids["author"])
    assert (thread.reply_count, author.post_count) == (0, 0)
    assert run(app).output.strip() == "All counters are exact."
