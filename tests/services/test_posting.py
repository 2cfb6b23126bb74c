"""Counters and positions stay exact when many members post at once, on both databases."""

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from forum.database import db
from forum.models import Category, Post, Thread
from forum.services import posting
from tests import factories

WRITERS = 6
REPLIES_EACH = 5


def test_many_members_replying_at_once_keep_positions_unique_and_counters_exact(app, member):
    thread = factories.thread(member)
    writers = [factories.member(f"writer{n}") for n in range(WRITERS)]
    thread_id, usernames = thread.id, [w.username for w in writers]

    def write(username: str) -> list[int]:
        """One member's browser, in a thread of its own, with no app context of the test's."""
        client = app.test_client()
        client.post("/login", data={"login": username, "password": factories.PASSWORD})
        statuses = []
        for n in range(REPLIES_EACH):
            reply = client.post(f"/t/{thread_id}/reply", data={"body": f"{username} {n}"})
            new = client.post(
                "/new",
                data={"category": "childcare", "title": f"{username} thread {n}", "body": "Hi"},
            )
            statuses += [reply.status_code, new.status_code]
        return statuses

    db.session.commit()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = [status for statuses in pool.map(write, usernames) for status in statuses]
    assert results == [302] * (WRITERS * REPLIES_EACH * 2)

    db.session.expire_all()
    total = WRITERS * REPLIES_EACH
    positions = db.session.scalars(
        select(Post.position).where(Post.thread_id == thread.id).order_by(Post.position)
    )
    assert list(positions) == list(range(1, total + 2))
    assert thread.reply_count == total and thread.post_count == total + 1
    childcare = factories.category("childcare")
    assert childcare.thread_count == total
    for writer in writers:
        assert writer.post_count == REPLIES_EACH * 2
        assert writer.thread_count == REPLIES_EACH
    newest = db.session.scalar(
        select(func.max(Thread.last_post_at)).where(Thread.category_id == childcare.id)
    )
    assert childcare.last_post_at == newest


def test_counters_match_a_recount_after_posting_editing_and_deleting(member, other_member):
    thread = factories.thread(member, replies=3, replier=other_member)
    posts = list(
        db.session.scalars(select(Post).where(Post.thread_id == thread.id).order_by(Post.position))
    )
    posting.edit_post(other_member, posts[1], "Edited words")
    posting.delete_post(other_member, posts[2])
    posting.delete_post(member, posts[0])  # the opening post
    db.session.commit()

    def recount(*conditions) -> int:
        return db.session.scalar(
            select(func.count(Post.id)).where(Post.deleted_at.is_(None), *conditions)
        )

    assert thread.reply_count == recount(Post.thread_id == thread.id, Post.position > 1) == 2
    assert member.post_count == recount(Post.author_id == member.id) == 0
    assert other_member.post_count == recount(Post.author_id == other_member.id) == 2
    assert thread.last_post_at == posts[3].created_at
    category = db.session.get(Category, thread.category_id)
    assert category.thread_count == 1
    assert category.last_post_at == thread.last_post_at


def test_deleting_the_only_post_falls_back_to_the_thread_start(member):
    thread = factories.thread(member)
    posting.delete_post(member, factories.opening_post(thread))
    db.session.commit()
    assert thread.last_post_at == thread.created_at
    assert thread.category.last_post_at == thread.created_at
