from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.database import db


class Mention(db.Model):
    """A member named with @ in a post: kept by member id, so a new name keeps it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)

    __table_args__ = (UniqueConstraint("post_id", "user_id"),)
