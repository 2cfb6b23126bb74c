"""“This helped me”: the thread's author marks the replies that helped, and members' replies
count the parents they helped."""

from flask_babel import gettext
from sqlalchemy import ColumnElement, Select, case, func, select, update

from forum import page_cache
from forum.database import db, utcnow
from forum.models import Post, Thread, User
from forum.services import accounts, notify
from forum.services.errors import NotAllowed, ServiceError


def mark_helped(member: User, post: Post, helped: bool) -> None:
    """The thread's author (anonymous or not) marks a reply that helped them, or unmarks it."""
    accounts.ensure_can_write(member)
    if not post.can_mark_helped(member):
        if post.thread.author_id != member.id:
            raise NotAllowed(
                gettext("Only the parent who started the thread can mark what helped them.")
            )
        if post.is_opening or post.author_id == member.id:
            raise ServiceError(
                gettext("Mark the replies others wrote: your own posts can't be marked.")
            )
        raise ServiceError(gettext("This reply isn't shown just now, so it can't be marked."))
    changed = db.session.execute(
        update(Post)
        .where(
            Post.id == post.id, Post.helped_at.is_(None) if helped else Post.helped_at.is_not(None)
        )
        .values(helped_at=utcnow() if helped else None)
    ).rowcount
    if changed:  # a second click changes nothing
        # "What helped" on the thread, and "helped N parents" on the reply's author's profile
        page_cache.changed(thread_id=post.thread_id, listings=True)
        step = 1 if helped else -1
        db.session.execute(
            update(Thread)
            .where(Thread.id == post.thread_id)
            .values(helped_count=Thread.helped_count + step)
        )
        if helped:
            notify.marked_helped(post)


def parents_helped(member: User) -> int:
    """How many parents marked a reply of this member's as helpful. Anonymous replies never count."""
    return db.session.scalar(parents_helped_statement(member.id))


def parents_helped_statement(member_id: ColumnElement[int] | int) -> Select:
    # The starter of an anonymous thread counts as a parent of their own, never as their member
    # id: otherwise marks in their named and anonymous threads would add up to one, saying who.
    parent = case((Thread.anonymous, -Thread.id), else_=Thread.author_id)
    return (
        select(func.count(func.distinct(parent)))
        .select_from(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(
            Post.author_id == member_id,
            Post.anonymous.is_(False),
            Post.helped_at.is_not(None),
            Post.is_visible,
        )
    )
