"""Following threads: automatically when a member starts or replies, or by choice; or muting."""

from flask_babel import gettext
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from forum.database import db
from forum.models import FollowState, Subscription, Thread, User
from forum.services.errors import ServiceError
from forum.services.listing import ThreadRow, row, with_row_columns


def set_follow(user: User, thread: Thread, state: str) -> None:
    """Follow a thread, mute it (no replies from it, even in one's own thread), or neither."""
    if state not in set(FollowState):
        raise ServiceError(gettext("Choose to follow, mute or stop following."))
    db.session.execute(
        delete(Subscription).where(
            Subscription.user_id == user.id, Subscription.thread_id == thread.id
        )
    )
    if state != FollowState.NONE:  # the same choice sent twice at once stores it once
        _subscribe(user, thread, muted=state == FollowState.MUTED)


def follow_automatically(user: User, thread: Thread) -> None:
    """Starting or replying follows a thread, unless the member muted it: a subscription
    already there (following or muted, their choice stands) is left as it is."""
    _subscribe(user, thread)


def _subscribe(user: User, thread: Thread, muted: bool = False) -> None:
    """Add the subscription unless the member has one for this thread already: one statement."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(Subscription)
        .values(user_id=user.id, thread_id=thread.id, muted=muted)
        .on_conflict_do_nothing(index_elements=["user_id", "thread_id"])
    )


def followers(thread: Thread) -> set[int]:
    """Who hears about a new reply: those following the thread and not muting it."""
    return set(
        db.session.scalars(
            select(Subscription.user_id).where(
                Subscription.thread_id == thread.id, Subscription.muted.is_(False)
            )
        )
    )


def followed_threads(
    user: User, page: int, per_page: int
) -> tuple[list[tuple[Subscription, ThreadRow]], int]:
    """The threads a member follows or muted, latest activity first, each with its list row
    (first words, new replies), and how many there are."""
    total = db.session.scalar(
        select(func.count()).select_from(Subscription).where(Subscription.user_id == user.id)
    )
    statement = (
        select(Subscription)
        .join(Thread, Thread.id == Subscription.thread_id)
        .where(Subscription.user_id == user.id)
        .options(
            joinedload(Subscription.thread).joinedload(Thread.category),
            joinedload(Subscription.thread).joinedload(Thread.author),  # each row's byline
        )
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    found = db.session.execute(with_row_columns(statement, user))
    return [(sub, row(sub.thread, *columns)) for sub, *columns in found], total or 0
