"""The statements each page reads with, authors preloaded, a fixed number of queries at any size."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, null, or_, select, union_all
from sqlalchemy.orm import joinedload

from forum.database import db
from forum.models import Category, Draft, FollowState, Post, Subscription, Thread, User
from forum.services import drafts
from forum.services.blocking import folded_for
from forum.services.listing import ThreadRow, thread_rows
from forum.services.safety import flagged_for
from forum.services.text import own_words


def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


def latest_threads(viewer: User, limit: int = 10) -> list[ThreadRow]:
    return thread_rows(
        select(Thread)
        .options(joinedload(Thread.author), joinedload(Thread.category))
        .order_by(Thread.last_post_at.desc(), Thread.id.desc())
        .limit(limit),
        viewer,
    )


def threads_in_category(
    category: Category, page: int, per_page: int, viewer: User
) -> list[ThreadRow]:
    """Pinned threads first, then by latest activity. The page's ids are read from the listing
    index alone, where skipping the earlier pages is cheap; then just those rows, with authors."""
    order = (Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    page_ids = (
        select(Thread.id)
        .where(Thread.category_id == category.id)
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    return thread_rows(
        select(Thread)
        .where(Thread.id.in_(page_ids))
        .options(joinedload(Thread.author))
        .order_by(*order),
        viewer,
    )


def threads_after(
    category: Category, after: tuple[bool, datetime, int] | None, limit: int, viewer: User
) -> list[ThreadRow]:
    """Threads in the category's order (pinned first, then latest activity), after the one
    `after` names: (pinned, last post at, id). Read along the listing index at any depth."""
    statement = select(Thread).where(Thread.category_id == category.id)
    if after is not None:
        pinned, last_post_at, thread_id = after
        statement = statement.where(
            or_(
                Thread.pinned < pinned,
                and_(Thread.pinned == pinned, Thread.last_post_at < last_post_at),
                and_(
                    Thread.pinned == pinned,
                    Thread.last_post_at == last_post_at,
                    Thread.id < thread_id,
                ),
            )
        )
    return thread_rows(
        statement.options(joinedload(Thread.author))
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
        .limit(limit),
        viewer,
    )


def thread_for_viewer(
    thread_id: int, viewer: User
) -> tuple[Thread, FollowState, Draft | None] | None:
    """A thread with its category, whether the viewer follows it, and her draft of a reply
    there, in one query."""
    muted = (
        select(Subscription.muted)
        .where(Subscription.thread_id == Thread.id, Subscription.user_id == viewer.id)
        .scalar_subquery()
        if viewer.is_authenticated
        else null()
    )
    query = select(Thread, muted).where(Thread.id == thread_id)
    if viewer.is_authenticated:
        query = query.add_columns(Draft).outerjoin(Draft, drafts.reply_draft_of(viewer, Thread.id))
    row = db.session.execute(query.options(joinedload(Thread.category))).first()
    if row is None:
        return None
    thread, muted, *mine = row
    draft = mine[0] if mine else None
    if muted is None:
        return thread, FollowState.NONE, draft
    return thread, FollowState.MUTED if muted else FollowState.FOLLOWING, draft


@dataclass(frozen=True)
class HelpedReply:
    post: Post
    words: str  # the helper's own words, as plain text: never what her reply quoted


@dataclass(frozen=True)
class ThreadPage:
    posts: list[Post]  # by position
    helped: list[HelpedReply]  # "What helped": replies that helped the thread's author, as marked
    folded: set[int]  # ids of the posts to fold away for the viewer (blocking.folded_for)
    flagged: set[int]  # the viewer's own posts whose words read as a crisis (safety.flagged_for)


def posts_on_page(thread: Thread, page: int, per_page: int, viewer: User) -> ThreadPage:
    """One page of a thread by position, and the replies that helped its author ("What
    helped"), with which of them to fold for the viewer, in one query: page 1 and page 5,000
    cost the same."""
    return posts_between(thread, (page - 1) * per_page + 1, page * per_page, viewer)


def posts_between(thread: Thread, first: int, last: int, viewer: User) -> ThreadPage:
    """The posts at positions `first` to `last`, as `posts_on_page` reads a page."""
    per_page = last - first + 1
    # The LIMIT tells the planner it is one page: without it PostgreSQL, knowing most posts sit
    # at low positions, expects thousands of rows in a long thread and joins their authors by
    # reading every member.
    on_page = (
        select(Post.id)
        .where(Post.thread_id == thread.id, Post.position.between(first, last))
        .order_by(Post.position)
        .limit(per_page)
    )
    wanted = select(on_page.subquery().c.id)
    if thread.helped_count:
        wanted = union_all(wanted, select(Post.id).where(*_helped(thread)))
    found = db.session.execute(
        select(Post, folded_for(viewer), flagged_for(viewer))
        .where(Post.id.in_(wanted))
        .options(joinedload(Post.author))
        .order_by(Post.position)
    ).all()
    posts = [p for p, *_ in found if first <= p.position <= last]
    helped = [
        HelpedReply(p, own_words(p.body_html))
        for p in sorted(
            (p for p, *_ in found if p.helped_at is not None and p.is_visible),
            key=lambda p: p.helped_at,
        )
    ]
    folded = {p.id for p, fold, _ in found if fold}
    return ThreadPage(posts, helped, folded, {p.id for p, _, flag in found if flag})


def _helped(thread: Thread) -> tuple[ColumnElement[bool], ...]:
    return (
        Post.thread_id == thread.id,
        Post.helped_at.is_not(None),
        Post.is_visible,
    )


def opening_post(thread: Thread) -> Post:
    return db.session.scalars(
        select(Post).where(Post.thread_id == thread.id, Post.position == 1)
    ).one()


def post_with_thread(post_id: int) -> Post | None:
    return db.session.scalar(
        select(Post)
        .where(Post.id == post_id)
        .options(joinedload(Post.thread).joinedload(Thread.category), joinedload(Post.author))
    )


def recent_threads_by(user: User, limit: int = 5) -> list[Thread]:
    return list(
        db.session.scalars(
            select(Thread)
            .where(Thread.author_id == user.id, Thread.anonymous.is_(False))
            .options(joinedload(Thread.category))
            .order_by(Thread.created_at.desc(), Thread.id.desc())
            .limit(limit)
        )
    )


def recent_replies_by(user: User, limit: int = 5) -> list[Post]:
    return list(
        db.session.scalars(
            select(Post)
            .where(
                Post.author_id == user.id,
                Post.position > 1,
                Post.is_visible,
                Post.anonymous.is_(False),
            )
            .options(joinedload(Post.thread))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(limit)
        )
    )
