"""Private conversations: two parties, their messages, and reports of a message.

A conversation starts as a request (one message, nothing more until it is accepted). A private
reply to an anonymous post is a conversation scoped to that post: both parties appear only by
their aliases, and nothing in a URL or a page names either account (conversations are addressed
by a random key, never by a member's id).
"""

from datetime import datetime
from enum import StrEnum

from flask_babel import lazy_gettext
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.models.moderation import REASON_LABELS, ReportReason, ReportStatus
from forum.models.post import Post
from forum.models.user import User


class MessagesFrom(StrEnum):
    """Who may send a member a message request."""

    NOBODY = "nobody"
    TALKED = "talked"  # members she has talked with in threads (both posted, by name, in one)
    ANYONE = "anyone"  # any member in good standing


MESSAGES_FROM_LABELS = {
    MessagesFrom.NOBODY: lazy_gettext("Nobody"),
    MessagesFrom.TALKED: lazy_gettext("Members I've talked with in threads"),
    MessagesFrom.ANYONE: lazy_gettext("Any member in good standing"),
}


class ConversationState(StrEnum):
    REQUESTED = "requested"  # one message, waiting for the recipient to accept
    OPEN = "open"
    DECLINED = "declined"  # can't be sent again
    CLOSED = "closed"  # one of them left or blocked the other: nothing more can be sent


# How each side of a private reply to an anonymous post appears: stored as they are, in
# English, and shown in the reader's language (forum.services.shapes.label_in_words).
AUTHOR_ALIAS_FALLBACK = "Anonymous parent"
REPLIER_ALIAS = "A parent from the thread"
MODERATORS = "the Blossom moderators"


class Conversation(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # What addresses name it: random, so a URL says nothing of who or when.
    key: Mapped[str] = mapped_column(String(24), unique=True)
    state: Mapped[str] = mapped_column(String(10), default=ConversationState.REQUESTED)
    # A private reply to this anonymous post: both parties are aliases scoped to it.
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    # A moderator's check-in: shown as from "the Blossom moderators", never as a request.
    from_moderators: Mapped[bool] = mapped_column(default=False)
    # A request to someone who had blocked its sender: kept for the sender exactly as any
    # request, so nothing tells her she is blocked, but never shown to the recipient.
    silenced: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_sender_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    post: Mapped[Post | None] = relationship()
    parties: Mapped[list["Party"]] = relationship(
        back_populates="conversation", order_by="Party.id", cascade="all, delete-orphan"
    )

    @property
    def is_alias(self) -> bool:
        return self.post_id is not None

    @property
    def hides_someone(self) -> bool:
        """A private reply, or a check-in with an anonymous post's author under its label:
        nothing about it may name the account behind an alias."""
        return self.is_alias or any(p.alias not in (None, MODERATORS) for p in self.parties)

    def party_of(self, user: User) -> "Party | None":
        return next((p for p in self.parties if p.user_id == user.id), None)

    def other_party(self, user: User) -> "Party | None":
        return next((p for p in self.parties if p.user_id != user.id), None)


class Party(db.Model):
    """One side of a conversation: who, how she appears to the other, and what she has read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    starter: Mapped[bool] = mapped_column(default=False)
    # How the other side sees her in a private reply ("Anonymous parent 2"); None: her name.
    alias: Mapped[str | None] = mapped_column(String(60))
    # In a private reply, names show only when both sides choose it.
    shows_name: Mapped[bool] = mapped_column(default=False)
    read_at: Mapped[datetime | None]
    left_at: Mapped[datetime | None]

    conversation: Mapped[Conversation] = relationship(back_populates="parties")
    user: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("conversation_id", "user_id"),
        # The header's unread count and the Messages list: a member's conversations.
        Index("ix_party_user_left", "user_id", "left_at"),
    )


class Message(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversation.id", ondelete="CASCADE"), index=True
    )
    sender_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # rendered and sanitised once, on write
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Its sender deleted her account: the words are gone, "deleted" stays in place.
    deleted_at: Mapped[datetime | None]


class MessageBlock(db.Model):
    """A block made from a private reply: it acts on the hidden account (no messages either
    way) but, unlike a Block, folds none of her posts, which would tell who she is."""

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)


class MessageReport(db.Model):
    """A reported message, with the context its reporter chose (up to 10 messages before it).
    Moderators read only this, and each reading is written to the audit log."""

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id", ondelete="CASCADE"))
    # None: Blossom itself, when a message reads like someone may be at risk.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    context: Mapped[int] = mapped_column(default=0)  # messages before it the reporter included
    status: Mapped[str] = mapped_column(String(10), default=ReportStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution: Mapped[str | None] = mapped_column(String(200))

    message: Mapped[Message] = relationship()

    @property
    def is_at_risk(self) -> bool:
        return self.reason == ReportReason.AT_RISK

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(ReportReason(self.reason), self.reason)
