from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.database import db, utcnow


class PrivacyRequestKind(StrEnum):
    EXPORT = "export"  # downloaded their data
    DELETE_REMOVING_POSTS = "delete_remove"  # deleted their account and their posts
    DELETE_KEEPING_POSTS = "delete_keep"  # deleted their account, posts kept as a former member's


class PrivacyRequest(db.Model):
    """A record of each download and deletion a member asked for, kept after the account goes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
