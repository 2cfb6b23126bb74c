"""Blocking: a member folds away another's posts for herself; the other is never told."""

from flask_babel import gettext
from sqlalchemy import ColumnElement, and_, delete, exists, false, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from forum.database import db
from forum.models import (
    MODERATORS,
    Block,
    Conversation,
    ConversationState,
    MessageBlock,
    Party,
    Post,
    User,
)
from forum.services.errors import ServiceError


def block(member: User, other: User) -> None:
    if other.id == member.id:
        raise ServiceError(gettext("You can't block yourself."))
    if db.session.scalar(
        select(Block.id).where(Block.blocker_id == member.id, Block.blocked_id == other.id)
    ):
        return
    try:
        with db.session.begin_nested():
            db.session.add(Block(blocker_id=member.id, blocked_id=other.id))
    except IntegrityError:
        pass
    end_conversations(member.id, other.id)


def end_conversations(one_id: int, other_id: int) -> None:
    """A block by name closes every conversation by name between the two, worded as any
    closing, so the other isn't told why. Private replies and check-ins under an anonymous
    post's label stay as they are: closing them would say who is behind the alias."""
    me, them, hidden = aliased(Party), aliased(Party), aliased(Party)
    between = (
        select(Conversation.id)
        .join(me, me.conversation_id == Conversation.id)
        .join(them, them.conversation_id == Conversation.id)
        .where(me.user_id == one_id, them.user_id == other_id, Conversation.post_id.is_(None))
        .where(
            ~exists().where(
                hidden.conversation_id == Conversation.id,
                hidden.alias.is_not(None),
                hidden.alias != MODERATORS,
            )
        )
    )
    db.session.execute(
        update(Conversation)
        .where(
            Conversation.id.in_(between),
            Conversation.state.in_([ConversationState.OPEN, ConversationState.REQUESTED]),
        )
        .values(state=ConversationState.CLOSED)
        .execution_options(synchronize_session=False)
    )


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


def folded_for(member: User, post: type[Post] = Post) -> ColumnElement[bool]:
    """Whether a post is folded away for this member: by someone they blocked, never anonymous
    (folding an anonymous post would tell them who wrote it). `post` may be an alias of Post."""
    if not member.is_authenticated:
        return false()
    return and_(
        ~post.anonymous,
        exists().where(Block.blocker_id == member.id, Block.blocked_id == post.author_id),
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


def private_reply_blocks(member: User) -> int:
    """How many she blocked from private replies: never listed by name, which she never knew."""
    return db.session.scalar(
        select(func.count(MessageBlock.id)).where(MessageBlock.blocker_id == member.id)
    )
