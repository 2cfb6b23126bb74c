from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.models.thread import Thread
from forum.models.user import User


class Post(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    position: Mapped[int]  # 1 is the opening post; replies follow
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # rendered and sanitised once, on write
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship()

    __table_args__ = (
        # Also the index a thread page reads by: page 1 and page 5,000 cost the same.
        UniqueConstraint("thread_id", "position"),
        # A profile: the member's recent replies.
        Index("ix_post_author_created", "author_id", "created_at"),
    )

    @property
    def is_opening(self) -> bool:
        return self.position == 1

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def can_edit(self, user: User) -> bool:
        """The author may edit or delete their post while it stands and the thread is open."""
        return (
            user.is_authenticated
            and user.id == self.author_id
            and not self.is_deleted
            and not self.thread.locked
        )


class PostRevision(db.Model):
    """What a post said before an edit: the edit history moderators can read."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    body_markdown: Mapped[str] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(String(150))  # the thread title before, if it changed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship()
    editor: Mapped[User] = relationship()
