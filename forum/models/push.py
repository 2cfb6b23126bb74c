"""Web push: the devices a member asked to be notified on, and how she likes to hear there."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.models.user import LoginSession


class QuietDays(StrEnum):
    """When quiet hours apply: never, on weekdays only, or every day."""

    OFF = "off"
    WEEKDAYS = "weekdays"
    EVERY_DAY = "every_day"


class PushSubscription(db.Model):
    """One browser on one device that agreed to be sent pushes, tied to the sign-in it was made
    in: ending that sign-in (logging out, "Sign out" in devices) deletes it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    login_session_id: Mapped[int] = mapped_column(
        ForeignKey("login_session.id", ondelete="CASCADE"), index=True
    )
    # Where the browser's push service takes messages for it, and the keys to encrypt them with.
    endpoint: Mapped[str] = mapped_column(Text)
    endpoint_key: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the endpoint
    p256dh: Mapped[str] = mapped_column(String(120))
    auth: Mapped[str] = mapped_column(String(60))
    device: Mapped[str] = mapped_column(String(100))  # "Chrome on Android"
    # The member chose to see who wrote and where on this device's lock screen.
    show_more: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_push_at: Mapped[datetime | None]
    # The push service asked us to wait (429) or failed (5xx): tried again after this.
    retry_at: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(default=0)

    login_session: Mapped[LoginSession] = relationship()


class PushChoices(db.Model):
    """A member's push choices for all her devices: per kind of notification (straight away or
    never), and quiet hours in her own time zone. No row: the defaults."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    replies: Mapped[bool] = mapped_column(default=True)
    reactions: Mapped[bool] = mapped_column(default=False)
    helped: Mapped[bool] = mapped_column(default=True)
    moderation: Mapped[bool] = mapped_column(default=True)
    helping: Mapped[bool] = mapped_column(default=True)  # nudges reach only volunteer helpers
    quiet_days: Mapped[str] = mapped_column(String(12), default=QuietDays.OFF)
    quiet_from: Mapped[int] = mapped_column(default=9)  # hour of the day, 0-23
    quiet_until: Mapped[int] = mapped_column(default=17)
    time_zone: Mapped[str] = mapped_column(String(64), default="UTC")
