import re
from datetime import datetime
from enum import StrEnum

from flask_babel import gettext, ngettext
from sqlalchemy import ColumnElement, ForeignKey, Index, String, Text, and_, or_, select, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.database import db, utcnow
from forum.lazy_words import lazy_gettext
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
    ReportReason.UNKIND: lazy_gettext("Unkind or judgemental"),
    ReportReason.HARASSMENT: lazy_gettext("Harassment or bullying"),
    ReportReason.SPAM: lazy_gettext("Spam or advertising"),
    ReportReason.PRIVATE: lazy_gettext("Shares private information"),
    ReportReason.AT_RISK: lazy_gettext("Someone may be at risk"),
    ReportReason.OTHER: lazy_gettext("Something else"),
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
        return str(REASON_LABELS.get(ReportReason(self.reason), self.reason))


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


# What the log shows for each action, in the reader's language (the stored value stays as it is).
ACTION_NAMES = {
    Action.AUTO_HIDE: lazy_gettext("hidden automatically"),
    Action.DISMISS: lazy_gettext("dismissed reports"),
    Action.HIDE: lazy_gettext("hid a post"),
    Action.RESTORE: lazy_gettext("restored a post"),
    Action.REMOVE: lazy_gettext("removed a post"),
    Action.EDIT: lazy_gettext("edited a post"),
    Action.LOCK: lazy_gettext("locked a thread"),
    Action.UNLOCK: lazy_gettext("unlocked a thread"),
    Action.PIN: lazy_gettext("pinned a thread"),
    Action.UNPIN: lazy_gettext("unpinned a thread"),
    Action.MOVE: lazy_gettext("moved a thread"),
    Action.WARN: lazy_gettext("warned"),
    Action.SUSPEND: lazy_gettext("suspended"),
    Action.UNSUSPEND: lazy_gettext("lifted a suspension"),
    Action.BAN: lazy_gettext("banned"),
    Action.UNBAN: lazy_gettext("lifted a ban"),
    Action.REVEAL: lazy_gettext("revealed an anonymous author"),
    Action.SET_ROLE: lazy_gettext("changed the role"),
    Action.APPEAL: lazy_gettext("answered an appeal"),
    Action.REFUSED: lazy_gettext("was refused"),
    Action.CHECK_IN: lazy_gettext("checked in"),
    Action.READ_MESSAGES: lazy_gettext("read a reported message"),
}


ROLE_NAMES = {
    "member": lazy_gettext("member"),
    "moderator": lazy_gettext("moderator"),
    "admin": lazy_gettext("admin"),
}

# What a refused attempt was (stored in English in the entry's detail).
ATTEMPT_NAMES = {
    "dismiss reports": lazy_gettext("dismiss reports"),
    "check in": lazy_gettext("check in"),
    "hide a post": lazy_gettext("hide a post"),
    "remove a post": lazy_gettext("remove a post"),
    "restore a post": lazy_gettext("restore a post"),
    "edit a post": lazy_gettext("edit a post"),
    "answer an appeal": lazy_gettext("answer an appeal"),
}

# Common reasons a moderator picks with one tap; her own words may follow. The log keeps the
# English (the key); a reader sees it in her language.
PRESET_REASONS = {
    "Unkind or judgemental towards another parent": lazy_gettext(
        "Unkind or judgemental towards another parent"
    ),
    "Harassment or bullying": lazy_gettext("Harassment or bullying"),
    "Spam or advertising": lazy_gettext("Spam or advertising"),
    "Shares someone's private information": lazy_gettext("Shares someone's private information"),
    "Health advice that could cause harm": lazy_gettext("Health advice that could cause harm"),
    "Repeated after a warning": lazy_gettext("Repeated after a warning"),
}

# Words Blossom itself stores (a report's resolution, a post's or an entry's reason), shown in
# the reader's language.
SYSTEM_WORDS = {
    "Reviewed and left up": lazy_gettext("Reviewed and left up"),
    "Hidden by a moderator": lazy_gettext("Hidden by a moderator"),
    "Removed by a moderator": lazy_gettext("Removed by a moderator"),
    "A moderator checked in": lazy_gettext("A moderator checked in"),
    "Reviewed": lazy_gettext("Reviewed"),
    "Hidden after reports from members.": lazy_gettext("Hidden after reports from members."),
    "Read a reported message": lazy_gettext("Read a reported message"),
}
REPORTED_BY = re.compile(r"(\d+) members reported it\.")


def system_words(text: str | None) -> str:
    if text is None:
        return ""
    if text in SYSTEM_WORDS:
        return str(SYSTEM_WORDS[text])
    for preset, label in PRESET_REASONS.items():  # a common reason, then her own words
        if text == preset:
            return str(label)
        if text.startswith(preset + ". "):
            return f"{label}. {text[len(preset) + 2 :]}"
    if found := REPORTED_BY.fullmatch(text):
        count = int(found[1])
        return ngettext("%(num)d member reported it.", "%(num)d members reported it.", count)
    return text


def detail_in_words(action: str, detail: str | None) -> str:
    """An entry's stored detail in the reader's language; what it can't read stays as it is."""
    if not detail:
        return ""
    if action == Action.SUSPEND and (days := re.fullmatch(r"(\d+) days?", detail)):
        return ngettext("%(num)d day", "%(num)d days", int(days[1]))
    if action == Action.MOVE and detail.startswith("to "):
        return gettext("to %(category)s", category=detail[3:])
    if action == Action.SET_ROLE and detail in ROLE_NAMES:
        return str(ROLE_NAMES[detail])
    if action == Action.APPEAL and detail in ("upheld", "overturned"):
        return gettext("upheld") if detail == "upheld" else gettext("overturned")
    if action == Action.REFUSED and detail in ATTEMPT_NAMES:
        return str(ATTEMPT_NAMES[detail])
    if found := re.fullmatch(r"(message )?report (\d+)", detail):
        if found[1]:
            return gettext("message report %(number)s", number=found[2])
        return gettext("report %(number)s", number=found[2])
    return detail


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

    @property
    def action_name(self) -> str:
        """What the action is called, in the reader's language."""
        return str(ACTION_NAMES.get(self.action, self.action))  # type: ignore[call-overload]

    @property
    def detail_shown(self) -> str:
        """The stored detail ("7 days", "to Childcare", "upheld") in the reader's language."""
        return detail_in_words(self.action, self.detail)

    @property
    def reason_shown(self) -> str:
        """The reason, in the reader's language when Blossom wrote it; a person's own words as
        they were written."""
        return system_words(self.reason)

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

    @property
    def message_shown(self) -> str:
        """The moderator's words as written, a common reason among them in the reader's language."""
        return system_words(self.message)


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
