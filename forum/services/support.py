"""The peer-support layer: reactions, "this helped me", blocking, and threads waiting for support."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    delete,
    exists,
    false,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum import page_cache
from forum.database import db, utcnow
from forum.models import REACTIONS, Block, Post, Reaction, ReactionKind, Thread, User
from forum.services import accounts, notifications
from forum.services.errors import NotAllowed, ServiceError

# Reactions


@dataclass(frozen=True)
class ReactionCount:
    kind: ReactionKind
    count: int
    mine: bool

    @property
    def emoji(self) -> str:
        return REACTIONS[self.kind][0]

    @property
    def action(self) -> str:
        return REACTIONS[self.kind][1]

    @property
    def spoken(self) -> str:
        """What a screen reader says: "3 hugs"."""
        _, _, one, many = REACTIONS[self.kind]
        return f"{self.count} {one if self.count == 1 else many}"


def toggle_reaction(member: User, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it was there. True when it is there now."""
    if kind not in set(ReactionKind):
        raise ServiceError("That isn't a reaction we know.")
    accounts.ensure_can_write(member)
    if post.author_id == member.id:
        raise NotAllowed("You can't react to your own post, but others can.")
    if not post.is_visible:
        raise ServiceError("This post can't take reactions just now.")
    removed = db.session.execute(
        delete(Reaction).where(
            Reaction.post_id == post.id, Reaction.user_id == member.id, Reaction.kind == kind
        )
    ).rowcount
    page_cache.changed(thread_id=post.thread_id)
    if removed:
        return False
    try:
        with db.session.begin_nested():  # a double tap: the second finds the first
            db.session.add(Reaction(post_id=post.id, user_id=member.id, kind=kind))
    except IntegrityError:
        return True
    notifications.reacted(post, kind)
    return True


def reactions_for(posts: list[Post], viewer: User) -> dict[int, list[ReactionCount]]:
    """Every reaction count on a page of posts, and which are the viewer's, in one query."""
    viewer_id = viewer.id if viewer.is_authenticated else None
    counts: dict[int, dict[str, tuple[int, bool]]] = defaultdict(dict)
    if posts:
        rows = db.session.execute(
            select(
                Reaction.post_id,
                Reaction.kind,
                func.count(),
                func.max(case((Reaction.user_id == viewer_id, 1), else_=0)),
            )
            .where(Reaction.post_id.in_([p.id for p in posts]))
            .group_by(Reaction.post_id, Reaction.kind)
        )
        for post_id, kind, count, mine in rows:
            counts[post_id][kind] = (count, bool(mine))
    return {
        post.id: [
            ReactionCount(kind, *counts[post.id].get(kind, (0, False))) for kind in ReactionKind
        ]
        for post in posts
    }


# This helped me


def mark_helped(member: User, post: Post, helped: bool) -> None:
    """The thread's author (anonymous or not) marks a reply that helped them, or unmarks it."""
    accounts.ensure_can_write(member)
    if post.thread.author_id != member.id:
        raise NotAllowed("Only the parent who started the thread can mark what helped them.")
    if post.is_opening or post.author_id == member.id:
        raise ServiceError("Mark the replies others wrote: your own posts can't be marked.")
    if not post.is_visible:
        raise ServiceError("This reply isn't shown just now, so it can't be marked.")
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
            notifications.marked_helped(post)


def parents_helped(member: User) -> int:
    """How many parents marked a reply of this member's as helpful. Anonymous replies never count."""
    return db.session.scalar(_parents_helped(member.id))


def _parents_helped(member_id: ColumnElement[int] | int) -> Select:
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


@dataclass(frozen=True)
class Profile:
    member: User
    parents_helped: int
    blocked: bool  # by the viewer


def profile(username: str, viewer: User) -> Profile | None:
    """A member's profile numbers, and whether the viewer blocked them, in one query."""
    blocked = (
        select(Block.id).where(Block.blocker_id == viewer.id, Block.blocked_id == User.id).exists()
        if viewer.is_authenticated
        else false()
    )
    statement = accounts.by_username(username, _parents_helped(User.id).scalar_subquery(), blocked)
    row = None if statement is None else db.session.execute(statement).first()
    return None if row is None else Profile(row[0], row[1], bool(row[2]))


# Blocking


def block(member: User, other: User) -> None:
    if other.id == member.id:
        raise ServiceError("You can't block yourself.")
    if db.session.scalar(
        select(Block.id).where(Block.blocker_id == member.id, Block.blocked_id == other.id)
    ):
        return
    try:
        with db.session.begin_nested():
            db.session.add(Block(blocker_id=member.id, blocked_id=other.id))
    except IntegrityError:
        pass


def unblock(member: User, other: User) -> None:
    db.session.execute(
        delete(Block).where(Block.blocker_id == member.id, Block.blocked_id == other.id)
    )


def is_blocked(member: User, other: User) -> bool:
    return (
        member.is_authenticated
        and db.session.scalar(
            select(Block.id).where(Block.blocker_id == member.id, Block.blocked_id == other.id)
        )
        is not None
    )


def folded_for(member: User) -> ColumnElement[bool]:
    """Whether a post is folded away for this member: by someone they blocked, never anonymous
    (folding an anonymous post would tell them who wrote it)."""
    if not member.is_authenticated:
        return false()
    return and_(
        ~Post.anonymous,
        exists().where(Block.blocker_id == member.id, Block.blocked_id == Post.author_id),
    )


def blocked_among(member: User, posts: list[Post]) -> set[int]:
    """The posts among these to fold for this member (see folded_for)."""
    if not member.is_authenticated or not posts:
        return set()
    return set(
        db.session.scalars(
            select(Post.id).where(Post.id.in_([p.id for p in posts]), folded_for(member))
        )
    )


def blocked_members(member: User) -> list[Block]:
    return list(
        db.session.scalars(
            select(Block)
            .where(Block.blocker_id == member.id)
            .options(joinedload(Block.blocked))
            .order_by(Block.created_at.desc())
        )
    )


# Waiting for support


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


def waiting_threads(days: int, limit: int = 50) -> list[Thread]:
    """Threads of the last days nobody has answered yet, oldest first."""
    return list(
        db.session.scalars(
            select(Thread)
            .where(*_waiting(days))
            .options(joinedload(Thread.author), joinedload(Thread.category))
            .order_by(Thread.created_at, Thread.id)
            .limit(limit)
        )
    )


def waiting_statement(days: int) -> Select:
    """How many threads wait for a first reply: read by the header with its other counts."""
    return select(func.count(Thread.id)).where(*_waiting(days))
