"""A member's conversations in her data download (with each side named as she saw it), what
deleting her account does to them, and conversations that expire after a year of silence."""

from typing import Any

from flask_babel import gettext
from sqlalchemy import delete, select, update
from sqlalchemy.orm import selectinload

from forum import queue
from forum.database import db, utcnow
from forum.models import (
    Conversation,
    ConversationState,
    Message,
    MessageBlock,
    MessageReport,
    Notification,
    Party,
    User,
)
from forum.services.conversations import EXPIRES_AFTER, shown_as


def export(user: User) -> list[dict[str, Any]]:
    """Every conversation she is a party to, as she saw it: no member ids, and the other side
    of a private reply only by its alias."""
    found = db.session.scalars(
        select(Conversation)
        .join(Party, Party.conversation_id == Conversation.id)
        .where(Party.user_id == user.id)
        .options(selectinload(Conversation.parties).joinedload(Party.user))
        .order_by(Conversation.created_at, Conversation.id)
    ).all()
    messages: dict[int, list[Message]] = {}
    if found:
        for message in db.session.scalars(
            select(Message)
            .where(Message.conversation_id.in_([c.id for c in found]))
            .order_by(Message.created_at, Message.id)
        ):
            messages.setdefault(message.conversation_id, []).append(message)
    exported = []
    for conversation in found:
        me, other = conversation.party_of(user), conversation.other_party(user)
        if not me.starter and conversation.silenced:
            continue  # never shown to her
        other_name = shown_as(other, conversation) if other is not None else gettext("Someone")
        exported.append(
            {
                "with": other_name,
                "you_appeared_as": shown_as(me, conversation),
                "private_reply_to_an_anonymous_post": conversation.is_alias,
                "state": conversation.state,
                "started_at": conversation.created_at.isoformat(),
                "messages": [
                    {
                        "from": "you" if m.sender_id == user.id else other_name,
                        "body_markdown": None if m.deleted_at else m.body_markdown,
                        "sent_at": m.created_at.isoformat(),
                    }
                    for m in messages.get(conversation.id, [])
                ],
            }
        )
    return exported


def _remove(conversation_ids) -> None:
    """Conversations gone for good, with everything that points at them."""
    message_ids = select(Message.id).where(Message.conversation_id.in_(conversation_ids))
    for statement in (
        delete(Notification).where(Notification.conversation_id.in_(conversation_ids)),
        delete(MessageReport).where(MessageReport.message_id.in_(message_ids)),
        delete(Message).where(Message.conversation_id.in_(conversation_ids)),
        delete(Party).where(Party.conversation_id.in_(conversation_ids)),
        delete(Conversation).where(Conversation.id.in_(conversation_ids)),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))


def erase(user: User) -> None:
    """Her account goes: her messages read "deleted" in place for the other side, her requests
    (and requests to her) go, and every conversation she was in closes."""
    mine = select(Party.conversation_id).where(Party.user_id == user.id)
    requests = list(
        db.session.scalars(
            select(Conversation.id).where(
                Conversation.id.in_(mine), Conversation.state == ConversationState.REQUESTED
            )
        )
    )
    if requests:
        _remove(requests)
    db.session.execute(
        update(Message)
        .where(Message.sender_id == user.id, Message.deleted_at.is_(None))
        .values(body_markdown="", body_html="", deleted_at=utcnow())
    )
    db.session.execute(
        update(Conversation)
        .where(Conversation.id.in_(mine), Conversation.state == ConversationState.OPEN)
        .values(state=ConversationState.CLOSED)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(update(Party).where(Party.user_id == user.id).values(left_at=utcnow()))
    db.session.execute(
        delete(MessageBlock).where(
            (MessageBlock.blocker_id == user.id) | (MessageBlock.blocked_id == user.id)
        )
    )


def expire(now=None) -> int:
    """Conversations silent for a year go; how many."""
    cutoff = (now or utcnow()) - EXPIRES_AFTER
    ids = list(
        db.session.scalars(select(Conversation.id).where(Conversation.last_message_at < cutoff))
    )
    if ids:
        _remove(ids)
    return len(ids)


@queue.periodic_task(queue.crontab(minute="17", hour="3"))
def expire_silent_conversations() -> None:
    """Once a day: the conversations silent for a year go (pages hide them already)."""
    expire()
    db.session.commit()
