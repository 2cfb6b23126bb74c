from datetime import datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, and_, or_, select, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.models.post import Post
from forum.models.thread import Thread
from forum.models.user import User


class ReportReason(StrEnum):
    UNKIND = "unkind"
    HARASSMENT = "harassment"
    SPAM = "spam"
    PRIVATE = "private"
    AT_RISK = "at_risk"
    OTHER = "other"


REASON_LABELS = {
    ReportReason.UNKIND: "Unkind or judgemental",
    ReportReason.HARASSMENT: "Harassment or bullying",
    ReportReason.SPAM: "Spam or advertising",
    ReportReason.PRIVATE: "Shares private information",
    ReportReason.AT_RISK: "Someone may be at risk",
    ReportReason.OTHER: "Something else",
}


class ReportStatus(StrEnum):
    OPEN = "open"
    ACTIONED = "actioned"  # a moderator acted on the post
    DISMISSED = "dismissed"  # reviewed and left up


class Report(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("post.id"))
    # None: Blossom itself, when a post reads like someone may be at risk.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))
    details: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=ReportStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution: Mapped[str | None] = mapped_column(String(200))

    post: Mapped[Post] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    __table_args__ = (
        # One open report per member per post: reporting again updates it.
        Index(
            "uq_report_open_per_reporter",
            "post_id",
            "reporter_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_report_post_status", "post_id", "status"),
    )

    @property
    def is_at_risk(self) -> bool:
        return self.reason == ReportReason.AT_RISK

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(ReportReason(self.reason), self.reason)


class Action(StrEnum):
    AUTO_HIDE = "auto_hide"
    DISMISS = "dismiss"
    HIDE = "hide"
    RESTORE = "restore"
    REMOVE = "remove"
    EDIT = "edit"
    LOCK = "lock"
    UNLOCK = "unlock"
    PIN = "pin"
    UNPIN = "unpin"
    MOVE = "move"
    WARN = "warn"
    SUSPEND = "suspend"
    UNSUSPEND = "unsuspend"
    BAN = "ban"
    UNBAN = "unban"
    REVEAL = "reveal"
    SET_ROLE = "set_role"
    APPEAL = "appeal"
    REFUSED = "refused"  # a moderator was refused acting on an anonymous post: detail says what
    CHECK_IN = "check_in"  # a moderator checked in on someone who may be at risk
    READ_MESSAGES = "read_messages"  # a moderator read a reported message and its context


class ModerationAction(db.Model):
    """The audit log: every staff action, written once and never changed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    moderator_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # None: automatic
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    detail: Mapped[str | None] = mapped_column(String(200))  # "7 days", "to Childcare", ...
    target_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("post.id"))
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("thread.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    moderator: Mapped[User | None] = relationship(foreign_keys=[moderator_id])
    target_user: Mapped[User | None] = relationship(foreign_keys=[target_user_id])
    post: Mapped[Post | None] = relationship()
    thread: Mapped[Thread | None] = relationship()

    __table_args__ = (
        Index("ix_moderation_action_target_created", "target_user_id", "created_at"),
        Index("ix_moderation_action_moderator_created", "moderator_id", "created_at"),
    )

    @hybrid_property
    def about_anonymous(self) -> bool:
        """About anonymous content: an anonymous post, or (an entry naming no post) a thread whose
        opening post is anonymous. Only a reveal may tie such an entry to its author, so the log
        and member histories never name her beside it."""
        if self.post_id is not None:
            return self.post is not None and self.post.anonymous
        return self.thread is not None and self.thread.anonymous

    @about_anonymous.inplace.expression
    @classmethod
    def _about_anonymous_expression(cls) -> ColumnElement[bool]:
        anonymous_post = select(Post.id).where(Post.id == cls.post_id, Post.anonymous).exists()
        anonymous_thread = (
            select(Thread.id).where(Thread.id == cls.thread_id, Thread.anonymous).exists()
        )
        return or_(anonymous_post, and_(cls.post_id.is_(None), anonymous_thread))


class MemberWarning(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("moderation_action.id"))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_at: Mapped[datetime | None]

    action: Mapped[ModerationAction] = relationship()


class AppealStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"  # the decision stands
    OVERTURNED = "overturned"  # the decision was undone


class Appeal(db.Model):
    """A member's one appeal against a removal, warning or suspension."""

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("moderation_action.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=AppealStatus.OPEN, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    response: Mapped[str | None] = mapped_column(Text)

    action: Mapped[ModerationAction] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def about_anonymous_post(self) -> bool:
        """Against the removal of an anonymous post: whoever appeals is its author, so moderators
        are not told who appeals (only a logged reveal says who wrote an anonymous post)."""
        return self.action.about_anonymous
