"""Helpers who are told when a parent is waiting, the nudges they were sent, and the soft claims
("I'll answer this") that keep five helpers from answering one thread at once.

All of it is private: nobody but the helper herself (and her data download) learns who helps.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.models.thread import Thread
from forum.models.user import User

DEFAULT_DAILY_CAP = 3
MAX_DAILY_CAP = 20


class Helper(db.Model):
    """A member who volunteered to be told when someone is waiting for a reply."""

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    paused: Mapped[bool] = mapped_column(default=False)
    # The ids of the categories she cares about, comma separated; empty: every category.
    category_ids: Mapped[str] = mapped_column(String(400), default="")
    # Quiet hours, whole hours in the forum's time zone (HELPER_TIMEZONE); both None: none.
    # A start after the end runs over midnight (22 to 7).
    quiet_from: Mapped[int | None]
    quiet_until: Mapped[int | None]
    daily_cap: Mapped[int] = mapped_column(default=DEFAULT_DAILY_CAP)
    last_nudged_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

    @property
    def categories(self) -> set[int]:
        return {int(part) for part in self.category_ids.split(",") if part.strip().isdigit()}

    def in_quiet_hours(self, hour: int) -> bool:
        start, end = self.quiet_from, self.quiet_until
        if start is None or end is None or start == end:
            return False
        if start < end:
            return start <= hour < end
        return hour >= start or hour < end


class Nudge(db.Model):
    """One helper told that one thread was waiting: at most once per helper and thread."""

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    helper_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    thread: Mapped[Thread] = relationship()

    __table_args__ = (
        UniqueConstraint("thread_id", "helper_id"),
        # A helper's nudges today (her cap), and the dashboard's nudges of a period.
        Index("ix_nudge_helper_sent", "helper_id", "sent_at"),
        Index("ix_nudge_sent", "sent_at"),
    )


class Claim(db.Model):
    """ "I'll answer this": one helper writing a reply, for a short while. Others read only that
    someone is writing; who it is stays hers."""

    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"), primary_key=True)
    helper_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    until: Mapped[datetime]
