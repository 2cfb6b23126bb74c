from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.models.post import Post


class UploadKind(StrEnum):
    PHOTO = "photo"  # a picture in a post: a large copy and a thumbnail
    AVATAR = "avatar"  # a profile picture: one 256 px square


class Upload(db.Model):
    """A picture a member sent, stored under a random key: never her id, her name or the file's
    name, and never shared with another upload of the same bytes (that would link an anonymous
    post to a named one). The uploader is kept for moderation and deletion only."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default=UploadKind.PHOTO)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # its place among the post's pictures
    alt_text: Mapped[str] = mapped_column(String(300), default="", server_default="")
    width: Mapped[int]
    height: Mapped[int]
    thumb_width: Mapped[int]
    thumb_height: Mapped[int]
    size: Mapped[int]  # bytes, both copies
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Its files are to go (the post or the account was deleted, or it was never attached):
    # the row stays until they are gone, so a lost task loses nothing.
    discarded_at: Mapped[datetime | None]

    post: Mapped[Post | None] = relationship()

    __table_args__ = (
        Index(
            "ix_upload_discarded",
            "discarded_at",
            sqlite_where=text("discarded_at IS NOT NULL"),
            postgresql_where=text("discarded_at IS NOT NULL"),
        ),
        Index("ix_upload_unattached", "created_at", "post_id"),
    )

    @property
    def names(self) -> tuple[str, ...]:
        """The stored files' names."""
        if self.kind == UploadKind.AVATAR:
            return (f"{self.key}.webp",)
        return (f"{self.key}.webp", f"{self.key}-s.webp")

    def display(self) -> dict:
        """What a page needs to show it, kept on the post so a thread page asks nothing more."""
        return {
            "key": self.key,
            "alt": self.alt_text,
            "w": self.width,
            "h": self.height,
            "tw": self.thumb_width,
            "th": self.thumb_height,
        }
