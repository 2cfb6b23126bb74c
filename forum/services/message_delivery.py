"""Requests are heard of from the job queue, after the response (so a silenced request takes the
same time as any other), and a sweep tells any a lost task left untold."""

from datetime import timedelta

from sqlalchemy import select

from forum import queue
from forum.database import db, utcnow
from forum.models import Conversation, ConversationState, Notification
from forum.services import notify


@queue.task(retries=3, retry_delay=30)
def tell_of_request(conversation_id: int) -> None:
    """Its recipient hears of a request, once, unless it is silenced or already answered."""
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or conversation.silenced:
        return
    if conversation.state != ConversationState.REQUESTED:
        return
    recipient = next(p.user for p in conversation.parties if not p.starter)
    notify.message_requested(recipient, conversation)
    db.session.commit()


@queue.periodic_task(queue.crontab(minute="*/10"))
def sweep_untold_requests() -> None:
    """Requests of the last day whose recipient hasn't heard (a task lost with the queue)."""
    told = select(Notification.id).where(Notification.conversation_id == Conversation.id)
    for conversation_id in db.session.scalars(
        select(Conversation.id).where(
            Conversation.state == ConversationState.REQUESTED,
            ~Conversation.silenced,
            Conversation.created_at > utcnow() - timedelta(days=1),
            ~told.exists(),
        )
    ).all():
        tell_of_request(conversation_id)
