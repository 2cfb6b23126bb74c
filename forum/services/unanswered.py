"""Threads waiting for support: opened in the last days, and nobody has answered yet."""

from datetime import timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from forum.database import utcnow
from forum.models import Post, Thread, User
from forum.services.listing import ThreadRow, thread_rows


def _waiting(days: int):
    since = utcnow() - timedelta(days=days)
    opening = (
        select(Post.id)
        .where(
            Post.thread_id == Thread.id,
            Post.position == 1,
            Post.is_visible,
        )
        .exists()
    )
    return (Thread.reply_count == 0, Thread.created_at >= since, Thread.locked.is_(False), opening)


def waiting_threads(days: int, viewer: User, limit: int = 50) -> list[ThreadRow]:
    """Threads of the last days nobody has answered yet, oldest first."""
    return thread_rows(
        select(Thread)
        .where(*_waiting(days))
        .options(joinedload(Thread.author), joinedload(Thread.category))
        .order_by(Thread.created_at, Thread.id)
        .limit(limit),
        viewer,
    )


def waiting_statement(days: int) -> Select:
    """How many threads wait for a first reply: read by the header with its other counts."""
    return select(func.count(Thread.id)).where(*_waiting(days))
