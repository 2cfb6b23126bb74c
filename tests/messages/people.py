"""Members ready to send message requests (a week old, and posted), and a conversation between
two of them, made through the same services the forum uses."""

from datetime import timedelta

from forum.database import db, utcnow
from forum.models import Conversation, User
from forum.services import messaging
from tests import factories


def ready(user: User, thread=None) -> User:
    """Old enough, and has posted (in `thread` if given, so members have talked there)."""
    user.created_at = utcnow() - timedelta(days=8)
    if thread is None:
        factories.thread(user, title="Hello from a parent")
    else:
        factories.reply(user, thread)
    db.session.commit()
    return user


def talked(*members: User):
    """Members who have all posted by name in one thread."""
    thread = factories.thread(members[0], title="Talking it through")
    for member in members:
        ready(member, thread)
    return thread


def accepted(sender: User, recipient: User, body: str = "Can I ask about nursery?") -> Conversation:
    conversation = messaging.request(sender, recipient, body).conversation
    messaging.accept(recipient, conversation)
    db.session.commit()
    return conversation
