from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.lazy_words import lazy_gettext
from forum.models.user import User


class ReactionKind(StrEnum):
    HEART = "heart"
    HUG = "hug"
    ME_TOO = "me_too"
    GOT_THIS = "got_this"
    THANK_YOU = "thank_you"


# What each reaction shows, what its button says, and how its count reads aloud (a count is said
# as a whole phrase by forum.services.reactions, in the reader's language).
REACTIONS = {
    ReactionKind.HEART: ("❤️", lazy_gettext("Send a heart"), lazy_gettext("heart"), lazy_gettext("hearts")),
    ReactionKind.HUG: ("🤗", lazy_gettext("Send a hug"), lazy_gettext("hug"), lazy_gettext("hugs")),
    ReactionKind.ME_TOO: ("🙋", lazy_gettext("Me too"), lazy_gettext("me too"), lazy_gettext("me toos")),
    ReactionKind.GOT_THIS: ("💪", lazy_gettext("You've got this"), lazy_gettext("you've got this"),
                            lazy_gettext("you've got this")),
    ReactionKind.THANK_YOU: ("🙏", lazy_gettext("Thank you"), lazy_gettext("thank you"),
                             lazy_gettext("thank yous")),
}  # fmt: skip


class Reaction(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    # One of each kind per member per post; also the index the page's counts read by.
    __table_args__ = (UniqueConstraint("post_id", "kind", "user_id"),)


class Block(db.Model):
    """A member who chose not to see another's posts. The blocked member is never told."""

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    blocked_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    blocked: Mapped[User] = relationship(foreign_keys=[blocked_id])

    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id"),)
