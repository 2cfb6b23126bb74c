"""What moderators do to posts and threads. Every action checks the actor, refuses what is
already done, and is logged.

Actions change state with conditional UPDATEs, so when two moderators act on the same thing at
once the second finds nothing in the state it expected and is told so, changing nothing.
"""

from flask_babel import gettext
from sqlalchemy import func, select, update

from forum import page_cache
from forum.database import db, utcnow
from forum.models import (
    MODERATION_MOVES,
    Action,
    Category,
    ModerationAction,
    Post,
    PostStatus,
    Report,
    ReportReason,
    ReportStatus,
    Thread,
    User,
)
from forum.services import message_reports, notify, posting
from forum.services.audit import record, require_reason
from forum.services.errors import AlreadyHandled, ServiceError
from forum.services.policy import require_may_decide, require_moderator

# Posts


def _post_targets(post: Post) -> dict:
    return {"post_id": post.id, "thread_id": post.thread_id, "target_user_id": post.author_id}


def _resolve_reports(moderator: User, post: Post, status: ReportStatus, resolution: str) -> int:
    """Close the post's open reports; each member who reported it hears the outcome."""
    reports = db.session.execute(
        update(Report)
        .where(Report.post_id == post.id, Report.status == ReportStatus.OPEN)
        .values(
            status=status,
            resolution=resolution,
            resolved_by_id=moderator.id,
            resolved_at=utcnow(),
        )
        .returning(Report.reporter_id, Report.reason)
        .execution_options(synchronize_session=False)
    ).all()
    notify.reports_resolved(post, reports, status)
    return len(reports)


def change_status(post: Post, allowed: tuple[PostStatus, ...], to: PostStatus, reason: str) -> None:
    # The post as it stands, its row held until commit: an author deleting it meanwhile
    # waits, or has finished and the update below finds nothing to change.
    posting.lock_row(Post, post.id, refresh=True)
    was_visible = post.is_visible
    changed = db.session.execute(
        update(Post)
        .where(Post.id == post.id, Post.status.in_(allowed), Post.deleted_at.is_(None))
        .values(status=to, moderation_reason=None if to == PostStatus.VISIBLE else reason)
    ).rowcount
    if not changed:
        raise AlreadyHandled(gettext("This post was already handled, so nothing was changed."))
    posting.visibility_changed(post, was_visible)


def dismiss_reports(moderator: User, post: Post, reason: str) -> ModerationAction:
    """Reviewed and left up: the reports close, and a post hidden by them comes back."""
    require_moderator(moderator)
    reason = require_reason(reason)
    require_may_decide(moderator, post, "dismiss reports", reason, over_admins=False)
    posting.lock_row(Post, post.id, refresh=True)
    if not _resolve_reports(moderator, post, ReportStatus.DISMISSED, "Reviewed and left up"):
        raise AlreadyHandled(gettext("These reports were already handled, so nothing was changed."))
    if post.status == PostStatus.PENDING:
        change_status(post, (PostStatus.PENDING,), PostStatus.VISIBLE, reason)
    return record(moderator, Action.DISMISS, reason, **_post_targets(post))


def check_in(moderator: User, post: Post, reason: str, message: str = "") -> ModerationAction:
    """The caring answer to "someone may be at risk": a moderator has reached out and is keeping
    an eye on the thread. The at-risk reports close (others stay open), the post stays as it is,
    and each member who reported it is told so. With a `message`, a private check-in from "the
    Blossom moderators" opens with the post's author (by its label, if it is anonymous)."""
    require_moderator(moderator)
    reason = require_reason(reason)
    require_may_decide(moderator, post, "check in", reason, over_admins=False)
    posting.lock_row(Post, post.id, refresh=True)
    reports = db.session.execute(
        update(Report)
        .where(
            Report.post_id == post.id,
            Report.status == ReportStatus.OPEN,
            Report.reason == ReportReason.AT_RISK,
        )
        .values(
            status=ReportStatus.DISMISSED,
            resolution="A moderator checked in",
            resolved_by_id=moderator.id,
            resolved_at=utcnow(),
        )
        .returning(Report.reporter_id, Report.reason)
        .execution_options(synchronize_session=False)
    ).all()
    if not reports:
        raise AlreadyHandled(
            gettext("Nobody is flagged as at risk here now, so nothing was changed.")
        )
    # At-risk reports: each reporter hears that a moderator has seen it and is keeping watch.
    notify.reports_resolved(post, reports, ReportStatus.DISMISSED)
    if message.strip():
        message_reports.check_in_with(moderator, post.author, message, post)
    return record(moderator, Action.CHECK_IN, reason, **_post_targets(post))


def _reports_handled(resolved: int, from_queue: bool) -> None:
    """From the queue, a moderator acts on the reports they saw: if another closed them, stop."""
    if from_queue and not resolved:
        raise AlreadyHandled(
            gettext("Another moderator handled these reports first, so nothing was changed.")
        )


# Each decision on a post: what the log calls it, and how the post's open reports close.
DECISIONS = {
    "hide": (Action.HIDE, ReportStatus.ACTIONED, "Hidden by a moderator"),
    "remove": (Action.REMOVE, ReportStatus.ACTIONED, "Removed by a moderator"),
    "restore": (Action.RESTORE, ReportStatus.DISMISSED, "Reviewed and left up"),
}
ATTEMPTS = {"hide": "hide a post", "remove": "remove a post", "restore": "restore a post"}


def _decide(
    moderator: User, post: Post, decision: str, reason: str, from_queue: bool
) -> ModerationAction:
    """Hide, remove or restore a post, from the statuses that decision may start from (one
    table, MODERATION_MOVES, which the moderator's page reads too), and close its reports.

    Bringing a post back is for any moderator but its author; taking one down follows the
    policy on whom a moderator may act against."""
    require_moderator(moderator)
    reason = require_reason(reason)
    over_admins = decision != "restore"
    require_may_decide(moderator, post, ATTEMPTS[decision], reason, over_admins=over_admins)
    posting.lock_row(Post, post.id, refresh=True)
    starts, to = MODERATION_MOVES[decision]
    change_status(post, starts, to, reason)
    action, closed, resolution = DECISIONS[decision]
    _reports_handled(_resolve_reports(moderator, post, closed, resolution), from_queue)
    return record(moderator, action, reason, **_post_targets(post))


def hide_post(
    moderator: User, post: Post, reason: str, from_queue: bool = False
) -> ModerationAction:
    return _decide(moderator, post, "hide", reason, from_queue)


def remove_post(
    moderator: User, post: Post, reason: str, from_queue: bool = False
) -> ModerationAction:
    return _decide(moderator, post, "remove", reason, from_queue)


def restore_post(
    moderator: User, post: Post, reason: str, from_queue: bool = False
) -> ModerationAction:
    return _decide(moderator, post, "restore", reason, from_queue)


def edit_post(
    moderator: User, post: Post, body: str, title: str | None, reason: str
) -> ModerationAction:
    """A moderator's edit, kept as a revision like any other."""
    require_moderator(moderator)
    reason = require_reason(reason)
    require_may_decide(moderator, post, "edit a post", reason)
    if post.is_deleted:
        raise AlreadyHandled(
            gettext("This post was deleted by its author, so there is nothing to edit.")
        )
    if posting.revise(moderator, post, body, title) is None:
        raise ServiceError(gettext("Nothing was changed in the post."), "body")
    return record(moderator, Action.EDIT, reason, **_post_targets(post))


def reveal_author(moderator: User, post: Post, reason: str) -> User:
    """Who wrote an anonymous post: shown to this moderator only, and logged."""
    require_moderator(moderator)
    reason = require_reason(reason)
    if not post.anonymous:
        raise ServiceError(gettext("This post isn't anonymous: its author is shown on it."))
    record(moderator, Action.REVEAL, reason, **_post_targets(post))
    return post.author


# Threads

ALREADY = {
    Action.LOCK: lambda: gettext("This thread is already locked."),
    Action.UNLOCK: lambda: gettext("This thread is already unlocked."),
    Action.PIN: lambda: gettext("This thread is already pinned."),
    Action.UNPIN: lambda: gettext("This thread is already unpinned."),
}
THREAD_FLAGS = {
    Action.LOCK: ("locked", True),
    Action.UNLOCK: ("locked", False),
    Action.PIN: ("pinned", True),
    Action.UNPIN: ("pinned", False),
}


def set_thread_flag(
    moderator: User, thread: Thread, action: Action, reason: str
) -> ModerationAction:
    """Lock, unlock, pin or unpin."""
    require_moderator(moderator)
    reason = require_reason(reason)
    column, value = THREAD_FLAGS[action]
    changed = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id, getattr(Thread, column).is_(not value))
        .values({column: value})
    ).rowcount
    if not changed:
        raise AlreadyHandled(ALREADY[action]())
    page_cache.changed(thread_id=thread.id, listings=True)
    return record(moderator, action, reason, thread_id=thread.id, target_user_id=thread.author_id)


def move_thread(
    moderator: User, thread: Thread, category: Category, reason: str
) -> ModerationAction:
    require_moderator(moderator)
    reason = require_reason(reason)
    source_id = thread.category_id
    moved = db.session.execute(
        update(Thread)
        .where(
            Thread.id == thread.id,
            Thread.category_id == source_id,
            Thread.category_id != category.id,
        )
        .values(category_id=category.id)
    ).rowcount
    if not moved:
        raise AlreadyHandled(
            gettext("This thread is already in %(category)s.", category=category.name)
        )
    for category_id, step in ((source_id, -1), (category.id, 1)):
        db.session.execute(
            update(Category)
            .where(Category.id == category_id)
            .values(
                thread_count=Category.thread_count + step,
                last_post_at=select(func.max(Thread.last_post_at))
                .where(Thread.category_id == category_id)
                .scalar_subquery(),
            )
        )
    db.session.expire(thread)
    page_cache.changed(thread_id=thread.id, listings=True)
    return record(
        moderator, Action.MOVE, reason, detail=f"to {category.stored_name}", thread_id=thread.id,
        target_user_id=thread.author_id,
    )  # fmt: skip
