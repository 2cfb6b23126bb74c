from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import gettext
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow

if TYPE_CHECKING:
    from forum.models.moderation import MemberWarning


NEW_ACCOUNT = timedelta(days=1)
UNKNOWN_DEVICE = "An unknown browser"  # stored as a sign-in's device when nothing was recognised


def device_words(device: str) -> str:
    """A stored device name ("Safari on iPhone") as the reader's language says it: the browser
    and the system are names, the words around them are translated."""
    if device == UNKNOWN_DEVICE:
        return gettext("An unknown browser")
    browser, on, system = device.rpartition(" on ")
    if not on:
        return device
    # Translators: a device someone signed in on, such as "Firefox on Android".
    return gettext("%(browser)s on %(system)s", browser=browser, system=system)


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Delivery(StrEnum):
    """How a member hears by email about one kind of notification."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"
    NEVER = "never"


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(30))
    # The username folded to lower case: uniqueness ignores case.
    username_key: Mapped[str] = mapped_column(String(30), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(50))
    bio: Mapped[str] = mapped_column(Text, default="")
    role: Mapped[str] = mapped_column(String(20), default=Role.MEMBER)
    # Denormalised, kept exact by the posting service in SQL.
    post_count: Mapped[int] = mapped_column(default=0)
    thread_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]
    # Set by moderators; the reason is the one given for the current suspension or ban.
    suspended_until: Mapped[datetime | None]
    banned_at: Mapped[datetime | None]
    restriction_reason: Mapped[str | None] = mapped_column(Text)
    unread_warnings: Mapped[int] = mapped_column(default=0)
    # Email: a confirmed address, and how the member likes to hear from us. Discreet by default:
    # no thread titles or post text in emails unless they choose it.
    email_verified_at: Mapped[datetime | None]
    # Replies in her own thread reach her straight away unless she chooses otherwise.
    email_own_threads: Mapped[str] = mapped_column(
        String(12), default=Delivery.IMMEDIATELY, server_default=Delivery.IMMEDIATELY.value
    )
    email_replies: Mapped[str] = mapped_column(String(12), default=Delivery.DAILY)
    email_reactions: Mapped[str] = mapped_column(String(12), default=Delivery.NEVER)
    email_helped: Mapped[str] = mapped_column(String(12), default=Delivery.DAILY)
    email_moderation: Mapped[str] = mapped_column(String(12), default=Delivery.IMMEDIATELY)
    email_show_content: Mapped[bool] = mapped_column(default=False)
    # Read only for helpers: "someone is waiting" can't wait for a digest.
    email_helping: Mapped[str] = mapped_column(
        String(12), default=Delivery.IMMEDIATELY, server_default=Delivery.IMMEDIATELY.value
    )
    # Who may send her a message request (forum.models.messaging.MessagesFrom).
    messages_from: Mapped[str] = mapped_column(
        String(10), default="talked", server_default="talked"
    )
    # The member deleted their account: everything that named them is scrubbed from this row,
    # which stays so that posts kept as "a former member" still have an author.
    deleted_at: Mapped[datetime | None]
    # Her profile picture's random key (an Upload of kind avatar); None: the letter avatar.
    # Never shown beside an anonymous post.
    avatar_key: Mapped[str | None] = mapped_column(String(40))
    # Her language ("es"), country for support resources ("MX") and time zone ("America/Mexico_City"):
    # None follows the browser and the site's defaults.
    locale: Mapped[str | None] = mapped_column(String(10))
    country: Mapped[str | None] = mapped_column(String(2))
    timezone: Mapped[str | None] = mapped_column(String(40))

    # Shown on every page until read: loaded with the member at sign-in, so no page asks again.
    warnings_to_read: Mapped[list["MemberWarning"]] = relationship(
        primaryjoin="and_(MemberWarning.user_id == User.id,"
        " MemberWarning.acknowledged_at.is_(None))",
        order_by="(MemberWarning.created_at, MemberWarning.id)",
        viewonly=True,
    )

    # The secret of the sign-in this object was loaded through (not a column): the cookie names
    # the member *and* the sign-in, so ending that sign-in ends the cookie, copies and all.
    session_token = None

    def get_id(self) -> str:
        if self.session_token is None:
            raise RuntimeError("Sign a member in through forum.services.sessions.start")
        return f"{self.id}:{self.session_token}"

    # Members are the same member by id, whichever sign-in loaded them.
    def __eq__(self, other: object) -> bool:
        if isinstance(other, User):
            return self.id == other.id
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    __hash__ = UserMixin.__hash__

    @property
    def is_staff(self) -> bool:
        """A moderator or an admin by role, whatever their standing: who only admins act about."""
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_moderator(self) -> bool:
        """May moderate now: the powers come with the role and go while suspended or banned."""
        return self.is_staff and self.can_write

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN and self.can_write

    def may_act_on(self, member: "User") -> bool:
        """Whether this moderator may warn, suspend or ban a member (or lift it): never about
        themselves, and about staff only as an admin."""
        return self.is_moderator and member.id != self.id and (self.is_admin or not member.is_staff)

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > utcnow()

    @property
    def is_new_account(self) -> bool:
        """Less than a day old: most spam comes from new accounts, so they wait longer."""
        return self.created_at > utcnow() - NEW_ACCOUNT

    @property
    def can_write(self) -> bool:
        return not (self.is_banned or self.is_suspended)

    @property
    def initials(self) -> str:
        words = self.display_name.split() or [self.username]
        letters = [w[0] for w in words if w[0].isalnum()][:2]
        return "".join(letters).upper() or self.username[0].upper()

    @property
    def avatar_colour(self) -> int:
        """One of eight colours, fixed per member, so an avatar needs no image or outside service."""
        return self.id % 8


class LoginSession(db.Model):
    """One sign-in on one device. The cookie carries its secret; only a hash of it is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(
        String(100)
    )  # from the User-Agent, e.g. "Firefox on Android"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_phone(self) -> bool:
        """Whether the sign-in's device reads as a phone ("Safari on iPhone", "Chrome on Android"),
        so the page can say "this phone" where it is one."""
        return self.device.rsplit(" on ", 1)[-1] in {"iPhone", "Android"}

    @property
    def shown_device(self) -> str:
        return device_words(self.device)
