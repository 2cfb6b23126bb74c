"""Counters and positions stay exact when many members post at once, on both databases."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import func, select

from forum.database import db
from forum.models import Category, Post, PostRevision, Thread, User
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
                data={
                    "category": "childcare",
                    "title": f"{username} thread {n}",
                    "body": f"Hi from {username} ({n})",
                },
            )
            statuses += [reply.status_code, new.status_code]
        return statuses

    db.session.commit()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = [status for statuses in pool.map(write, usernames) for status in statuses]
    assert results == [302] * (WRITERS * REPLIES_EACH * 2)

    db.session.commit()  # a new snapshot: see what the other threads wrote
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


def run_at_once(count: int, task) -> list:
    """Run task(n) in `count` threads released together, each like a separate browser."""
    start = Barrier(count)

    def go(n: int):
        start.wait()
        return task(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(go, range(count)))


def signed_in(app, username: str):
    client = app.test_client()
    client.post("/login", data={"login": username, "password": factories.PASSWORD})
    return client


def test_the_same_username_signed_up_at_once_gives_one_account_and_no_error(app):
    def sign_up(n: int) -> int:
        data = {
            "username": "sameday" if n % 2 else "SameDay",
            "email": f"parent{n}@example.org" if n < 2 else "shared@example.org",
            "password": factories.PASSWORD,
            "confirm": factories.PASSWORD,
            "agree": "y",
        }
        return app.test_client().post("/signup", data=data).status_code

    statuses = run_at_once(4, sign_up)
    assert sorted(statuses) == [200, 400, 400, 400]
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_deleting_while_someone_replies_keeps_last_activity_right(app, member, other_member):
    thread = factories.thread(member)
    doomed = factories.reply(member, thread, "I'll take this back")
    thread_id, doomed_id = thread.id, doomed.id
    db.session.commit()
    author, replier = signed_in(app, member.username), signed_in(app, other_member.username)

    def act(n: int) -> int:
        if n == 0:
            return author.post(f"/p/{doomed_id}/delete").status_code
        return replier.post(f"/t/{thread_id}/reply", data={"body": "Still here"}).status_code

    assert run_at_once(2, act) == [302, 302]
    db.session.commit()  # a new snapshot: see what the other threads wrote
    newest = db.session.scalar(
        select(func.max(Post.created_at)).where(
            Post.thread_id == thread_id, Post.deleted_at.is_(None)
        )
    )
    assert thread.last_post_at == newest
    assert thread.category.last_post_at == newest
    assert thread.reply_count == 1


def test_two_edits_at_once_both_leave_a_revision(app, member):
    thread = factories.thread(member, body="First words")
    post_id = factories.opening_post(thread).id
    db.session.commit()
    clients = [signed_in(app, member.username) for _ in range(2)]

    def edit(n: int) -> int:
        data = {"title": thread_title, "body": f"Edit from device {n}"}
        return clients[n].post(f"/p/{post_id}/edit", data=data).status_code

    thread_title = thread.title
    assert run_at_once(2, edit) == [302, 302]
    db.session.commit()  # a new snapshot: see what the other threads wrote
    revisions = sorted(db.session.scalars(select(PostRevision.body_markdown)))
    final = db.session.get(Post, post_id).body_markdown
    assert "First words" in revisions
    assert len(revisions) == 2 and len({*revisions, final}) == 3  # nothing was lost
