"""Members reporting posts, and the automatic hide when enough of them do."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import format_number, gettext
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.database import db, utcnow
from forum.models import (
    Action,
    ModerationAction,
    Post,
    PostStatus,
    Report,
    ReportReason,
    ReportStatus,
    User,
)
from forum.services import accounts, posting
from forum.services.errors import NotAllowed, ServiceError

DETAILS_MAX = 1_000


@dataclass(frozen=True)
class Filed:
    report: Report
    updated: bool  # the member had reported this post already, and changed their report


def reasons_open_to(reporter: User) -> tuple[ReportReason, ...]:
    """Every reason; while she is suspended, only "someone may be at risk": a worried member must
    always be able to reach the moderators."""
    if reporter.is_suspended and not reporter.is_banned:
        return (ReportReason.AT_RISK,)
    return tuple(ReportReason)


def check_can_report(reporter: User, post: Post, reason: str | None = None) -> None:
    """Whether she may report the post for this reason (None: for one of the reasons open to her,
    as the report form asks before she chooses)."""
    if reporter.is_banned or (reason is not None and reason not in reasons_open_to(reporter)):
        try:
            accounts.ensure_can_write(reporter)
        except NotAllowed as refusal:
            if reporter.is_banned:
                raise
            raise NotAllowed(
                gettext(
                    "%(refusal)s You can still tell the moderators if someone may be at risk.",
                    refusal=refusal.message,
                ),
                "reason",
            ) from None
    if post.can_report(reporter):
        return
    if post.author_id == reporter.id:
        raise NotAllowed(
            gettext("You can't report your own post. You can edit or delete it instead.")
        )
    if post.is_deleted:
        raise ServiceError(
            gettext("That post has been deleted by its author, so there's nothing to report.")
        )
    if post.status in (PostStatus.HIDDEN, PostStatus.REMOVED):
        raise ServiceError(
            gettext("A moderator has already taken that post down, so there's nothing to report.")
        )
    raise ServiceError(
        gettext("A moderator is already looking at that post. Thank you for caring.")
    )


def report_post(reporter: User, post: Post, reason: str, details: str = "") -> Filed:
    if reason not in set(ReportReason):
        raise ServiceError(gettext("Please choose a reason from the list."), "reason")
    # Reports on one post queue here until commit (PostgreSQL; SQLite writers queue already), so
    # each counts the ones before it and only one hides the post; it is read as it stands now.
    posting.lock_row(Post, post.id, refresh=True)
    check_can_report(reporter, post, reason)
    if len(details) > DETAILS_MAX:
        raise ServiceError(
            gettext("Details can be up to %(most)s characters.", most=format_number(DETAILS_MAX)),
            "details",
        )
    existing = _open_report(reporter, post)
    if existing is None:
        try:
            with db.session.begin_nested():
                report = Report(post=post, reporter=reporter, reason=reason, details=details)
                db.session.add(report)
        except IntegrityError:  # the same member, reporting twice at the same moment
            existing = _open_report(reporter, post)
        else:
            _hide_if_reported_enough(post)
            return Filed(report, updated=False)
    existing.reason, existing.details, existing.updated_at = reason, details, utcnow()
    _hide_if_reported_enough(post)
    return Filed(existing, updated=True)


def _open_report(reporter: User, post: Post) -> Report | None:
    return db.session.scalar(
        select(Report).where(
            Report.post_id == post.id,
            Report.reporter_id == reporter.id,
            Report.status == ReportStatus.OPEN,
        )
    )


def _hide_if_reported_enough(post: Post) -> None:
    """Hide a post, pending review, once enough members in good standing have reported it.

    Crisis first: a post flagged "someone may be at risk", by its wording or by anyone's report,
    open or already looked at, is never hidden by reports, whatever else others report it for.
    The person needs to be seen and answered; a moderator can still hide it.
    """
    db.session.flush()
    if flagged_at_risk(post):
        return
    now = utcnow()
    reporters = db.session.scalar(
        select(func.count(func.distinct(Report.reporter_id)))
        .join(User, User.id == Report.reporter_id)
        .where(
            Report.post_id == post.id,
            Report.status == ReportStatus.OPEN,
            User.banned_at.is_(None),
            or_(User.suspended_until.is_(None), User.suspended_until <= now),
        )
    )
    if reporters < current_app.config["AUTO_HIDE_REPORTS"]:
        return
    hidden = db.session.execute(
        update(Post)
        .where(and_(Post.id == post.id, Post.status == PostStatus.VISIBLE))
        .values(status=PostStatus.PENDING, moderation_reason="Hidden after reports from members.")
    ).rowcount
    if hidden:
        posting.visibility_changed(post, was_visible=post.deleted_at is None)
        db.session.add(
            ModerationAction(
                moderator_id=None,
                action=Action.AUTO_HIDE,
                reason=f"{reporters} members reported it.",
                post_id=post.id,
                thread_id=post.thread_id,
                target_user_id=post.author_id,
            )
        )


def flagged_at_risk(post: Post) -> bool:
    return (
        db.session.scalar(
            select(Report.id)
            .where(Report.post_id == post.id, Report.reason == ReportReason.AT_RISK)
            .limit(1)
        )
        is not None
    )


def thread_flagged_at_risk(thread_id: int) -> bool:
    """Whether any post in the thread, its opening post or a reply, was reported (by a member or
    by Blossom itself) as "someone may be at risk", open or already looked at."""
    return (
        db.session.scalar(
            select(Report.id)
            .join(Post, Post.id == Report.post_id)
            .where(Post.thread_id == thread_id, Report.reason == ReportReason.AT_RISK)
            .limit(1)
        )
        is not None
    )


def reports_by(reporter: User, limit: int = 50) -> list[Report]:
    """A member's own reports, newest first, with what became of them."""
    return list(
        db.session.scalars(
            select(Report)
            .where(Report.reporter_id == reporter.id)
            .order_by(Report.created_at.desc(), Report.id.desc())
            .limit(limit)
            .options(joinedload(Report.post).joinedload(Post.thread))
        )
    )
