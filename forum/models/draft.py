"""What a member was writing and hasn't posted yet, kept on the server so no device keeps it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.database import db, utcnow


class DraftPlace(StrEnum):
    """Where a draft belongs; `Draft.place_id` names the row of that place."""

    THREAD = "thread"  # a new thread in a category: the category's id
    REPLY = "reply"  # a reply in a thread: the thread's id
    EDIT = "edit"  # changes to one of her posts: the post's id


class Draft(db.Model):
    """One per member per place. Only its member ever reads it; it goes when she posts, when she
    discards it, with her account, or 30 days after she last typed in it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    place: Mapped[str] = mapped_column(String(8))
    place_id: Mapped[int]
    title: Mapped[str] = mapped_column(String(150), default="")  # a new thread's
    body: Mapped[str] = mapped_column(Text, default="")
    content_note: Mapped[str] = mapped_column(String(100), default="")
    anonymous: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        UniqueConstraint("user_id", "place", "place_id", name="uq_draft_user_place"),
        Index("ix_draft_updated_at", "updated_at"),  # the daily purge of old drafts
    )
