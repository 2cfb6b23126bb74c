from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.models.thread import Thread
from forum.models.user import User


class PostStatus(StrEnum):
    VISIBLE = "visible"
    PENDING = "pending"  # hidden automatically by members' reports, waiting for a moderator
    HIDDEN = "hidden"  # hidden by a moderator
    REMOVED = "removed"  # removed by a moderator


# The status changes moderators may make: each decision, the statuses it may start from, and where
# it leaves the post. A post its author deleted takes none of them.
MODERATION_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "hide": ((PostStatus.VISIBLE, PostStatus.PENDING), PostStatus.HIDDEN),
    "remove": ((PostStatus.VISIBLE, PostStatus.PENDING, PostStatus.HIDDEN), PostStatus.REMOVED),
    "restore": ((PostStatus.PENDING, PostStatus.HIDDEN, PostStatus.REMOVED), PostStatus.VISIBLE),
}


class Post(db.Model):
    """A post, with what each member may do with it written once: the services enforce these
    predicates and the templates show a button only where they hold.

    They say what the post allows a member; her own standing (a suspension, a ban) is checked
    by the service, which tells her why, so a suspended member still sees the buttons."""

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("thread.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    position: Mapped[int]  # 1 is the opening post; replies follow
    # The author is kept for accountability; pages never show it to other members.
    anonymous: Mapped[bool] = mapped_column(default=False)
    # Within a thread each anonymous author keeps one number: 1 is the thread's anonymous
    # starter ("original poster"), then 2, 3, ... in the order they first posted.
    anonymous_number: Mapped[int | None]
    # The anonymous author lets others answer her privately, each side seen only by an alias.
    private_replies: Mapped[bool] = mapped_column(default=False, server_default=false())
    content_note: Mapped[str | None] = mapped_column(String(100))
    helped_at: Mapped[datetime | None]  # marked "this helped me" by the thread's author
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)  # rendered and sanitised once, on write
    # What a reader sees of body_html, as plain text: search indexes it and builds snippets from it.
    body_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    deleted_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(10), default=PostStatus.VISIBLE)
    moderation_reason: Mapped[str | None] = mapped_column(Text)  # shown to the author
    # An anonymous post of a member who deleted her account with her posts: its words go at
    # this moment, drawn at random for each post (see privacy.delete_account).
    remove_at: Mapped[datetime | None]
    # Its pictures as a page shows them (Upload.display), in order; None: it has none. Written
    # with the post, so a thread page reads no other table for them.
    images: Mapped[list | None] = mapped_column(JSON)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User] = relationship()

    # Not stored: set by the service that has just written or edited the post, so the page that
    # answers can show support resources first. The at-risk report is the lasting record.
    reads_as_crisis = False
    # Also not stored: the members its words mention, for the service to record once.
    mentioned: list = []

    __table_args__ = (
        # Also the index a thread page reads by: page 1 and page 5,000 cost the same.
        UniqueConstraint("thread_id", "position"),
        # A profile: the member's recent named replies, and the parents they helped. `anonymous`
        # comes before the time, so the anonymous posts are never read: how many a member wrote
        # can't show in how long her profile takes. (One index, so the planner can't prefer one
        # without `anonymous` that would skip them row by row.)
        Index("ix_post_author_anonymous_created", "author_id", "anonymous", "created_at", "id"),
        # And the parents their named replies helped: only the replies marked, so it stays small
        # and no plan reads every reply marked anywhere, nor all of the member's posts.
        Index(
            "ix_post_author_helped",
            "author_id",
            "anonymous",
            sqlite_where=text("helped_at IS NOT NULL"),
            postgresql_where=text("helped_at IS NOT NULL"),
        ),
        # The anonymous posts whose words are due to go.
        Index(
            "ix_post_remove_at",
            "remove_at",
            sqlite_where=text("remove_at IS NOT NULL"),
            postgresql_where=text("remove_at IS NOT NULL"),
        ),
        # A thread's "What helped" panel.
        Index("ix_post_thread_helped", "thread_id", "helped_at"),
    )

    @property
    def is_opening(self) -> bool:
        return self.position == 1

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def anonymous_label(self) -> str:
        """As stored and compared (a conversation's alias): in English, whoever reads it."""
        if self.anonymous_number == 1:
            return "Anonymous parent (original poster)"
        return f"Anonymous parent {self.anonymous_number}"

    @hybrid_property
    def is_visible(self) -> bool:
        """Shown to everyone, and so counted in the thread's, member's and category's numbers.
        The same rule in SQL, as `Post.is_visible` in a query."""
        return self.deleted_at is None and self.status == PostStatus.VISIBLE

    @is_visible.inplace.expression
    @classmethod
    def _is_visible_in_sql(cls) -> ColumnElement[bool]:
        return and_(cls.deleted_at.is_(None), cls.status == PostStatus.VISIBLE)

    def can_edit(self, user: User) -> bool:
        """The author may edit or delete their post while it stands and the thread is open.

        A post hidden by members' reports may still be edited: that is how its author mends it.
        """
        return (
            user.is_authenticated
            and user.id == self.author_id
            and user.can_write
            and not self.is_deleted
            and self.status in (PostStatus.VISIBLE, PostStatus.PENDING)
            and not self.thread.locked
        )

    def can_react(self, user: User) -> bool:
        """Others' posts that stand take reactions; one's own never do."""
        return user.is_authenticated and user.id != self.author_id and self.is_visible

    def can_quote(self, user: User) -> bool:
        return user.is_authenticated and self.is_visible and not self.thread.locked

    def can_mark_helped(self, user: User) -> bool:
        """The thread's author (anonymous or not) marks the replies of others that helped her."""
        return (
            user.is_authenticated
            and self.thread.author_id == user.id
            and not self.is_opening
            and self.author_id != user.id
            and self.is_visible
        )

    def can_report(self, user: User) -> bool:
        """Any post but one's own, while it stands and the member can read it: one waiting for a
        moderator is read only by its author and the moderators."""
        return (
            user.is_authenticated
            and user.id != self.author_id
            and not self.is_deleted
            and self.status in (PostStatus.VISIBLE, PostStatus.PENDING)
            and self.can_see_body(user)
        )

    def can_reply_privately(self, user: User) -> bool:
        """An anonymous post whose author allows private replies, for any member but her."""
        return (
            user.is_authenticated
            and self.anonymous
            and self.private_replies
            and user.id != self.author_id
            and not self.is_deleted
            and self.status == PostStatus.VISIBLE
        )

    def can_allow_private_replies(self, user: User) -> bool:
        """Only the author of an anonymous post chooses whether it takes private replies."""
        return (
            user.is_authenticated
            and self.anonymous
            and user.id == self.author_id
            and not self.is_deleted
        )

    def can_be_moderated(self, decision: str) -> bool:
        """Whether a moderator's decision ("hide", "remove", "restore") applies to the post as it
        stands. Who may decide is the moderation policy's question."""
        starts, _ = MODERATION_MOVES[decision]
        return not self.is_deleted and self.status in starts

    def can_see_body(self, user: User) -> bool:
        """Everyone sees a visible post; a hidden or removed one only its author and moderators."""
        if self.is_deleted:
            return False
        if self.status == PostStatus.VISIBLE:
            return True
        return user.is_authenticated and (user.id == self.author_id or user.is_moderator)


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
