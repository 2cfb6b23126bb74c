from datetime import datetime

from flask_babel import gettext
from sqlalchemy import ForeignKey, Index, String, false, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.models.category import Category
from forum.models.user import User

# What everyone but moderators reads for the title of a thread whose opening post isn't shown
# (in English; `Thread.public_title` gives it in the reader's language).
NEUTRAL_TITLE = "A thread whose first post is not shown"


class Thread(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str] = mapped_column(String(150))
    anonymous: Mapped[bool] = mapped_column(default=False)  # the opening post is anonymous
    content_note: Mapped[str | None] = mapped_column(String(100))  # the opening post's
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)
    # post_count is the highest position used (deleted posts keep theirs);
    # reply_count counts the replies still shown. Both are changed in SQL only.
    post_count: Mapped[int] = mapped_column(default=0)
    reply_count: Mapped[int] = mapped_column(default=0)
    helped_count: Mapped[int] = mapped_column(default=0)  # replies marked "this helped me"
    locked: Mapped[bool] = mapped_column(default=False)
    # Whether the opening post is shown to everyone (Post.is_visible), kept by the service that
    # changes it (posting.visibility_changed), so listings read the title rule without a join.
    opening_shown: Mapped[bool] = mapped_column(default=True, server_default=true())
    pinned: Mapped[bool] = mapped_column(default=False)
    # The first thread its author started: marked for helpers and moderators (never visitors),
    # and nudged sooner when nobody answers.
    first_thread: Mapped[bool] = mapped_column(default=False, server_default=false())

    category: Mapped[Category] = relationship()
    author: Mapped[User] = relationship()

    @property
    def public_title(self) -> str:
        """The title is the opening post's words: while that post is hidden, removed, waiting
        for a moderator or deleted, everyone but moderators reads a neutral one."""
        return (
            self.title if self.opening_shown else gettext("A thread whose first post is not shown")
        )

    def title_for(self, viewer: User) -> str:
        if viewer.is_authenticated and viewer.is_moderator:
            return self.title
        return self.public_title

    # Not stored: whether the words that just started this thread read as a crisis (Post has
    # the same), for the page that answers.
    reads_as_crisis = False

    def started_anonymously_by(self, user) -> bool:
        """Its anonymous starter: her replies here are anonymous unless she chooses otherwise,
        and a reply with her name asks first (it would tell everyone who started the thread)."""
        return self.anonymous and user.is_authenticated and user.id == self.author_id

    __table_args__ = (
        # The category page: pinned first, then latest activity, in exactly the page's order, so
        # a page is read from the index alone however far down the list it is.
        Index("ix_thread_category_listing", "category_id", "pinned", "last_post_at", "id"),
        # The home page: latest activity everywhere.
        Index("ix_thread_last_post_at", "last_post_at", "id"),
        # A profile: the member's recent named threads, never reading the anonymous ones (see
        # Post's ix_post_author_anonymous_created).
        Index("ix_thread_author_anonymous_created", "author_id", "anonymous", "created_at", "id"),
        # Waiting for support: recent threads nobody has answered yet.
        Index("ix_thread_waiting", "reply_count", "created_at"),
    )


class ThreadVisit(db.Model):
    """How far a member has read a thread: the highest position on a page of it she opened.

    Her list rows count the posts since then ("2 new"); nobody else ever sees it. Visitors have
    none, so their pages stay the same for all of them.
    """

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"), primary_key=True)
    last_seen_position: Mapped[int]
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
