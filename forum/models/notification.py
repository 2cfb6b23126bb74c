"""What members hear about: notifications, the threads they follow, and the email waiting to go."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.models.messaging import Conversation
from forum.models.moderation import ModerationAction
from forum.models.post import Post
from forum.models.thread import Thread


class NotificationKind(StrEnum):
    REPLY = "reply"  # a reply in a thread the member follows
    QUOTE = "quote"  # a reply quoting the member's post
    REACTION = "reaction"  # reactions of one kind on one of their posts, grouped in one row
    HELPED = "helped"  # their reply was marked "this helped me"
    MODERATION = "moderation"  # a moderator acted on their post or account
    REPORT = "report"  # a report they filed was handled
    WARNING = "warning"  # a moderator warned them
    NUDGE = "nudge"  # a helper: someone is waiting for a reply
    MESSAGE_REQUEST = "request"  # someone asks to start a private conversation
    MESSAGE = "message"  # a new message in one of their conversations
    MENTION = "mention"  # a post named them with @


class EmailTopic(StrEnum):
    """What a member chooses how to be emailed about, each kind of notification in one topic."""

    OWN_THREADS = "own_threads"  # replies in a thread the member started
    REPLIES = "replies"
    REACTIONS = "reactions"
    HELPED = "helped"
    MODERATION = "moderation"
    HELPING = "helping"


TOPIC_OF = {
    NotificationKind.REPLY: EmailTopic.REPLIES,
    NotificationKind.QUOTE: EmailTopic.REPLIES,
    NotificationKind.REACTION: EmailTopic.REACTIONS,
    NotificationKind.HELPED: EmailTopic.HELPED,
    NotificationKind.MODERATION: EmailTopic.MODERATION,
    NotificationKind.REPORT: EmailTopic.MODERATION,
    NotificationKind.WARNING: EmailTopic.MODERATION,
    NotificationKind.NUDGE: EmailTopic.HELPING,
    # Private messages are heard of as replies are.
    NotificationKind.MESSAGE_REQUEST: EmailTopic.REPLIES,
    NotificationKind.MESSAGE: EmailTopic.REPLIES,
    NotificationKind.MENTION: EmailTopic.REPLIES,
}


def topic_of(notification: "Notification", user_id: int) -> EmailTopic:
    """The choice that decides how a member hears of this: a reply in her own thread is its own."""
    kind = NotificationKind(notification.kind)
    thread = notification.thread
    if kind == NotificationKind.REPLY and thread is not None and thread.author_id == user_id:
        return EmailTopic.OWN_THREADS
    return TOPIC_OF[kind]


class FollowState(StrEnum):
    FOLLOWING = "following"
    MUTED = "muted"
    NONE = "none"


class Notification(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))  # who is told
    kind: Mapped[str] = mapped_column(String(12))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"))
    # The reaction's kind, the report's outcome, or the moderation action (recorded in action_id).
    detail: Mapped[str | None] = mapped_column(String(20))
    action_id: Mapped[int | None] = mapped_column(ForeignKey("moderation_action.id"))
    # A message or a request. No foreign key (adding one would rebuild this table on SQLite):
    # the conversation's notifications go with it (forum.services.message_privacy).
    conversation_id: Mapped[int | None] = mapped_column(index=True)
    # Rows that gather many events (reactions of one kind on one post) share a key, so a new
    # hug brings the row back to the top as unread instead of adding another.
    group_key: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # Waiting for the member's next daily digest; cleared in the transaction that queues it.
    digest_pending: Mapped[bool] = mapped_column(default=False)

    post: Mapped[Post | None] = relationship()
    thread: Mapped[Thread | None] = relationship()
    action: Mapped[ModerationAction | None] = relationship()
    conversation: Mapped[Conversation | None] = relationship(
        primaryjoin="foreign(Notification.conversation_id) == Conversation.id"
    )

    __table_args__ = (
        UniqueConstraint("user_id", "group_key"),
        # The notifications page and the bell: a member's newest first, and the unread ones.
        Index("ix_notification_user_updated", "user_id", "updated_at"),
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_digest", "digest_pending", "user_id"),
    )


class FanOut(db.Model):
    """A reply whose followers are still to be told: written with the reply, deleted by the worker
    once every follower has their notification (a sweep finds any a lost task left)."""

    post_id: Mapped[int] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), primary_key=True
    )
    # The member the reply quotes, who hears of it as a quote rather than as a reply.
    quoted_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(db.Model):
    """A member following a thread, or having muted it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"), index=True)
    muted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    thread: Mapped[Thread] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "thread_id"),)


class OutgoingEmail(db.Model):
    """An email, written and waiting to be sent: the outbox survives a mail server being down."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    unsubscribe_url: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # Taken by a sender; a claim older than a few minutes is a sender that died, and lapses.
    claimed_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_outgoing_email_pending", "sent_at", "id"),)
