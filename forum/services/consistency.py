"""Checking the denormalised counters against a recount, and mending them.

Each counter is recounted by one correlated subquery, so a check is a handful of set-based
statements whatever the size of the forum. The definitions below are the ones the posting,
support, moderation and notification services keep up as they go.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from sqlalchemy import ColumnElement, func, select, text, update

from forum import page_cache
from forum.database import db
from forum.models import Category, MemberWarning, Post, Thread, User


@dataclass(frozen=True)
class Counter:
    model: Any
    column: str
    expected: Callable[[], ColumnElement]  # a subquery correlated with the model's row

    @property
    def name(self) -> str:
        return f"{self.model.__table__.name}.{self.column}"


@dataclass(frozen=True)
class Drift:
    counter: str
    row_id: int
    stored: Any
    expected: Any

    def __str__(self) -> str:
        return gettext(
            "%(counter)s id=%(id)s: stored %(stored)s, recounted %(expected)s",
            counter=self.counter,
            id=self.row_id,
            stored=self.stored,
            expected=self.expected,
        )


def _count(model, *where) -> ColumnElement:
    return select(func.count()).select_from(model).where(*where).scalar_subquery()


# Threads first: a category's latest activity is read from its threads'.
COUNTERS = (
    # The highest position given out; deleted posts keep theirs.
    Counter(
        Thread,
        "post_count",
        lambda: func.coalesce(
            select(func.max(Post.position)).where(Post.thread_id == Thread.id).scalar_subquery(),
            0,
        ),
    ),
    Counter(
        Thread,
        "reply_count",
        lambda: _count(Post, Post.thread_id == Thread.id, Post.position > 1, Post.is_visible),
    ),
    Counter(
        Thread,
        "helped_count",
        lambda: _count(Post, Post.thread_id == Thread.id, Post.helped_at.is_not(None)),
    ),
    Counter(
        Thread,
        "last_post_at",
        lambda: func.coalesce(
            select(func.max(Post.created_at))
            .where(Post.thread_id == Thread.id, Post.is_visible)
            .scalar_subquery(),
            Thread.created_at,
        ),
    ),
    # Whether everyone may read the title (Thread.title_for): its opening post is shown.
    Counter(
        Thread,
        "opening_shown",
        lambda: (
            select(Post.is_visible)
            .where(Post.thread_id == Thread.id, Post.position == 1)
            .scalar_subquery()
        ),
    ),
    Counter(Category, "thread_count", lambda: _count(Thread, Thread.category_id == Category.id)),
    Counter(
        Category,
        "last_post_at",
        lambda: (
            select(func.max(Thread.last_post_at))
            .where(Thread.category_id == Category.id)
            .scalar_subquery()
        ),
    ),
    # Anonymous posts and threads count in none of a member's public numbers.
    Counter(
        User,
        "post_count",
        lambda: _count(Post, Post.author_id == User.id, Post.anonymous.is_(False), Post.is_visible),
    ),
    Counter(
        User,
        "thread_count",
        lambda: _count(Thread, Thread.author_id == User.id, Thread.anonymous.is_(False)),
    ),
    Counter(
        User,
        "unread_warnings",
        lambda: _count(
            MemberWarning, MemberWarning.user_id == User.id, MemberWarning.acknowledged_at.is_(None)
        ),
    ),
)


def find_drift() -> list[Drift]:
    """Every counter that differs from a recount of what is stored."""
    drift = []
    for counter in COUNTERS:
        column = getattr(counter.model, counter.column)
        expected = counter.expected()
        rows = db.session.execute(
            select(counter.model.id, column, expected)
            .where(column.is_distinct_from(expected))
            .order_by(counter.model.id)
        )
        drift += [Drift(counter.name, *row) for row in rows]
    return drift


def repair() -> int:
    """Set every counter to its recount; how many counters changed. The caller commits.

    On PostgreSQL the counted tables are locked against writers (not readers) until commit,
    so no reply lands between a recount and its write; SQLite writers queue on the file already.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            text(
                'LOCK TABLE "user", category, thread, post, notification, member_warning '
                "IN SHARE ROW EXCLUSIVE MODE"
            )
        )
    changed = 0
    for counter in COUNTERS:
        column = getattr(counter.model, counter.column)
        expected = counter.expected()
        changed += db.session.execute(
            update(counter.model)
            .where(column.is_distinct_from(expected))
            .values({counter.column: expected})
            .execution_options(synchronize_session=False)
        ).rowcount
    db.session.expire_all()
    if changed:
        page_cache.changed(everything=True)
    return changed
