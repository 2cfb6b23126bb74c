"""What moderators do. Every action checks the actor, refuses what is already done, and is logged.

Actions change state with conditional UPDATEs, so when two moderators act on the same thing at
once the second finds nothing in the state it expected and is told so, changing nothing.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.orm import joinedload

from forum import page_cache
from forum.database import db, utcnow
from forum.models import (
    Action,
    Appeal,
    AppealStatus,
    Category,
    MemberWarning,
    ModerationAction,
    Post,
    PostRevision,
    PostStatus,
    Report,
    ReportReason,
    ReportStatus,
    Role,
    Thread,
    User,
)
from forum.services import notifications, posting, sessions
from forum.services.errors import AlreadyHandled, NotAllowed, ServiceError

SUSPENSION_DAYS = (1, 3, 7, 30)
REASON_MAX = 1_000
APPEALABLE = (Action.REMOVE, Action.WARN, Action.SUSPEND)


def require_moderator(user: User) -> None:
    if not (user.is_authenticated and user.is_moderator):
        raise NotAllowed("Only moderators can do that.")


def _require_over(moderator: User, member: User, anonymous: bool = False) -> None:
    """A moderator may act on members, never on themselves, and only admins on admins.

    On an anonymous post the refusal names no reason: "that's an admin's post" would say who.
    """
    require_moderator(moderator)
    refused = member.id == moderator.id or (member.is_admin and not moderator.is_admin)
    if refused and anonymous:
        raise NotAllowed("You can't act on this post. Please ask an admin.")
    if member.id == moderator.id:
        raise NotAllowed("You can't take moderation action on your own account or posts.")
    if member.is_admin and not moderator.is_admin:
        raise NotAllowed("Moderators can't act against an admin.")


def _require_not_own(moderator: User, post: Post) -> None:
    """Leaving a post up or bringing it back is for moderators, but never on their own post:
    reports about a moderator are decided by someone else."""
    require_moderator(moderator)
    if post.author_id == moderator.id:
        raise NotAllowed("You can't take moderation action on your own account or posts.")


def _about_named_posts():
    """Log entries that don't tie a member to an anonymous post: only a reveal may do that."""
    anonymous_post = (
        select(Post.id).where(Post.id == ModerationAction.post_id, Post.anonymous).exists()
    )
    return ~anonymous_post


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            "Please write a reason: it goes in the log, and often to the member.", "reason"
        )
    if len(reason) > REASON_MAX:
        raise ServiceError(f"The reason can be up to {REASON_MAX:,} characters.", "reason")
    return reason


def _record(moderator: User | None, action: Action, reason: str, **targets) -> ModerationAction:
    entry = ModerationAction(
        moderator_id=moderator.id if moderator else None, action=action, reason=reason, **targets
    )
    db.session.add(entry)
    db.session.flush()
    notifications.moderation_recorded(entry)
    return entry


def _post_targets(post: Post) -> dict:
    return {"post_id": post.id, "thread_id": post.thread_id, "target_user_id": post.author_id}


# Posts


def _resolve_reports(moderator: User, post: Post, status: ReportStatus, resolution: str) -> int:
    """Close the post's open reports; each member who reported it hears the outcome."""
    reporters = db.session.scalars(
        update(Report)
        .where(Report.post_id == post.id, Report.status == ReportStatus.OPEN)
        .values(
            status=status,
            resolution=resolution,
            resolved_by_id=moderator.id,
            resolved_at=utcnow(),
        )
        .returning(Report.reporter_id)
        .execution_options(synchronize_session=False)
    ).all()
    notifications.reports_resolved(post, reporters, status)
    return len(reporters)


def _change_status(
    post: Post, allowed: tuple[PostStatus, ...], to: PostStatus, reason: str
) -> None:
    was_visible = post.is_visible
    changed = db.session.execute(
        update(Post)
        .where(Post.id == post.id, Post.status.in_(allowed), Post.deleted_at.is_(None))
        .values(status=to, moderation_reason=None if to == PostStatus.VISIBLE else reason)
    ).rowcount
    if not changed:
        raise AlreadyHandled("This post was already handled, so nothing was changed.")
    posting.visibility_changed(post, was_visible)


def dismiss_reports(
    moderator: User, post: Post, reason: str, from_queue: bool = True
) -> ModerationAction:
    """Reviewed and left up: the reports close, and a post hidden by them comes back."""
    _require_not_own(moderator, post)
    reason = _require_reason(reason)
    posting.lock_row(Post, post.id, refresh=True)
    if not _resolve_reports(moderator, post, ReportStatus.DISMISSED, "Reviewed and left up"):
        raise AlreadyHandled("These reports were already handled, so nothing was changed.")
    if post.status == PostStatus.PENDING:
        _change_status(post, (PostStatus.PENDING,), PostStatus.VISIBLE, reason)
    return _record(moderator, Action.DISMISS, reason, **_post_targets(post))


def _reports_handled(resolved: int, from_queue: bool) -> None:
    """From the queue, a moderator acts on the reports they saw: if another closed them, stop."""
    if from_queue and not resolved:
        raise AlreadyHandled(
            "Another moderator handled these reports first, so nothing was changed."
        )


def hide_post(
    moderator: User, post: Post, reason: str, from_queue: bool = False
) -> ModerationAction:
    _require_over(moderator, post.author, post.anonymous)
    reason = _require_reason(reason)
    posting.lock_row(Post, post.id, refresh=True)
    _change_status(post, (PostStatus.VISIBLE, PostStatus.PENDING), PostStatus.HIDDEN, reason)
    resolved = _resolve_reports(moderator, post, ReportStatus.ACTIONED, "Hidden by a moderator")
    _reports_handled(resolved, from_queue)
    return _record(moderator, Action.HIDE, reason, **_post_targets(post))


def remove_post(
    moderator: User, post: Post, reason: str, from_queue: bool = False
) -> ModerationAction:
    _require_over(moderator, post.author, post.anonymous)
    reason = _require_reason(reason)
    posting.lock_row(Post, post.id, refresh=True)
    allowed = (PostStatus.VISIBLE, PostStatus.PENDING, PostStatus.HIDDEN)
    _change_status(post, allowed, PostStatus.REMOVED, reason)
    resolved = _resolve_reports(moderator, post, ReportStatus.ACTIONED, "Removed by a moderator")
    _reports_handled(resolved, from_queue)
    return _record(moderator, Action.REMOVE, reason, **_post_targets(post))


def restore_post(
    moderator: User, post: Post, reason: str, from_queue: bool = False
) -> ModerationAction:
    _require_not_own(moderator, post)
    reason = _require_reason(reason)
    posting.lock_row(Post, post.id, refresh=True)
    allowed = (PostStatus.PENDING, PostStatus.HIDDEN, PostStatus.REMOVED)
    _change_status(post, allowed, PostStatus.VISIBLE, reason)
    resolved = _resolve_reports(moderator, post, ReportStatus.DISMISSED, "Reviewed and left up")
    _reports_handled(resolved, from_queue)
    return _record(moderator, Action.RESTORE, reason, **_post_targets(post))


def edit_post(
    moderator: User, post: Post, body: str, title: str | None, reason: str
) -> ModerationAction:
    """A moderator's edit, kept as a revision like any other."""
    _require_over(moderator, post.author, post.anonymous)
    reason = _require_reason(reason)
    if post.is_deleted:
        raise AlreadyHandled("This post was deleted by its author, so there is nothing to edit.")
    if posting.revise(moderator, post, body, title) is None:
        raise ServiceError("Nothing was changed in the post.", "body")
    return _record(moderator, Action.EDIT, reason, **_post_targets(post))


def reveal_author(moderator: User, post: Post, reason: str) -> User:
    """Who wrote an anonymous post: shown to this moderator only, and logged."""
    require_moderator(moderator)
    reason = _require_reason(reason)
    if not post.anonymous:
        raise ServiceError("This post isn't anonymous: its author is shown on it.")
    _record(moderator, Action.REVEAL, reason, **_post_targets(post))
    return post.author


# Threads

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
    reason = _require_reason(reason)
    column, value = THREAD_FLAGS[action]
    changed = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id, getattr(Thread, column).is_(not value))
        .values({column: value})
    ).rowcount
    if not changed:
        raise AlreadyHandled(f"This thread is already {'' if value else 'un'}{column}.")
    page_cache.changed(thread_id=thread.id, listings=True)
    return _record(moderator, action, reason, thread_id=thread.id, target_user_id=thread.author_id)


def move_thread(
    moderator: User, thread: Thread, category: Category, reason: str
) -> ModerationAction:
    require_moderator(moderator)
    reason = _require_reason(reason)
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
        raise AlreadyHandled(f"This thread is already in {category.name}.")
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
    return _record(
        moderator, Action.MOVE, reason, detail=f"to {category.name}", thread_id=thread.id,
        target_user_id=thread.author_id,
    )  # fmt: skip


# Members


def warn(moderator: User, member: User, reason: str) -> ModerationAction:
    """The warning is shown to the member on every page until they acknowledge it."""
    _require_over(moderator, member)
    reason = _require_reason(reason)
    entry = _record(moderator, Action.WARN, reason, target_user_id=member.id)
    db.session.add(MemberWarning(user_id=member.id, action_id=entry.id, message=reason))
    db.session.execute(
        update(User).where(User.id == member.id).values(unread_warnings=User.unread_warnings + 1)
    )
    return entry


def unread_warnings(member: User) -> list[MemberWarning]:
    """The warnings a member has not yet said they've read, oldest first (a signed-in member's
    came with them)."""
    return list(member.warnings_to_read)


def acknowledge_warning(member: User, warning: MemberWarning) -> None:
    if warning.user_id != member.id:
        raise NotAllowed("That message isn't yours.")
    acknowledged = db.session.execute(
        update(MemberWarning)
        .where(MemberWarning.id == warning.id, MemberWarning.acknowledged_at.is_(None))
        .values(acknowledged_at=utcnow())
    ).rowcount
    if acknowledged:
        db.session.execute(
            update(User)
            .where(User.id == member.id)
            .values(unread_warnings=User.unread_warnings - 1)
        )


def suspend(moderator: User, member: User, days: int, reason: str) -> ModerationAction:
    _require_over(moderator, member)
    reason = _require_reason(reason)
    if days not in SUSPENSION_DAYS:
        raise ServiceError("Choose 1, 3, 7 or 30 days.", "days")
    until = utcnow() + timedelta(days=days)
    db.session.execute(
        update(User)
        .where(User.id == member.id)
        .values(suspended_until=until, restriction_reason=reason)
    )
    sessions.end_all(member.id)
    return _record(
        moderator, Action.SUSPEND, reason, detail=f"{days} day{'s' if days > 1 else ''}",
        target_user_id=member.id,
    )  # fmt: skip


def lift_suspension(moderator: User, member: User, reason: str) -> ModerationAction:
    _require_over(moderator, member)
    reason = _require_reason(reason)
    lifted = db.session.execute(
        update(User)
        .where(User.id == member.id, User.suspended_until > utcnow())
        .values(suspended_until=None)
    ).rowcount
    if not lifted:
        raise AlreadyHandled("This member isn't suspended.")
    return _record(moderator, Action.UNSUSPEND, reason, target_user_id=member.id)


def ban(moderator: User, member: User, reason: str) -> ModerationAction:
    """A banned member can't sign in, and every sign-in they have is ended."""
    _require_over(moderator, member)
    reason = _require_reason(reason)
    banned = db.session.execute(
        update(User)
        .where(User.id == member.id, User.banned_at.is_(None))
        .values(banned_at=utcnow(), restriction_reason=reason)
    ).rowcount
    if not banned:
        raise AlreadyHandled("This member is already banned.")
    sessions.end_all(member.id)
    return _record(moderator, Action.BAN, reason, target_user_id=member.id)


def unban(moderator: User, member: User, reason: str) -> ModerationAction:
    _require_over(moderator, member)
    reason = _require_reason(reason)
    unbanned = db.session.execute(
        update(User).where(User.id == member.id, User.banned_at.is_not(None)).values(banned_at=None)
    ).rowcount
    if not unbanned:
        raise AlreadyHandled("This member isn't banned.")
    return _record(moderator, Action.UNBAN, reason, target_user_id=member.id)


def set_role(admin: User | None, member: User, role: Role, reason: str) -> ModerationAction:
    """An admin changes a member's role; admin is None for the operator at the command line."""
    if admin is not None and not (admin.is_authenticated and admin.is_admin):
        raise NotAllowed("Only an admin can change roles.")
    if admin is not None and member.id == admin.id:
        raise NotAllowed("Nobody can change their own role. Ask another admin.")
    reason = _require_reason(reason)
    if member.role == role:
        raise AlreadyHandled(f"{member.username} is already {role}.")
    member.role = role
    return _record(admin, Action.SET_ROLE, reason, detail=str(role), target_user_id=member.id)


# Appeals


def appeal(member: User, action: ModerationAction, message: str) -> Appeal:
    """One appeal per decision, against a removal, warning or suspension of one's own."""
    if action.target_user_id != member.id or action.action not in APPEALABLE:
        raise NotAllowed("You can only appeal a decision about your own post or account.")
    message = message.strip()
    if not message:
        raise ServiceError("Please say in a few words why you're appealing.", "message")
    if len(message) > REASON_MAX:
        raise ServiceError(f"An appeal can be up to {REASON_MAX:,} characters.", "message")
    if db.session.scalar(select(Appeal.id).where(Appeal.action_id == action.id)):
        raise AlreadyHandled("You've already appealed this decision; a moderator will look at it.")
    entry = Appeal(action_id=action.id, user_id=member.id, message=message)
    db.session.add(entry)
    db.session.flush()
    return entry


def resolve_appeal(
    moderator: User, entry: Appeal, overturn: bool, response: str
) -> ModerationAction:
    """Uphold the decision or overturn it; overturning a removal or suspension undoes it."""
    _require_over(moderator, entry.user, entry.about_anonymous_post)
    response = _require_reason(response)
    status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    resolved = db.session.execute(
        update(Appeal)
        .where(Appeal.id == entry.id, Appeal.status == AppealStatus.OPEN)
        .values(status=status, response=response, resolved_by_id=moderator.id, resolved_at=utcnow())
    ).rowcount
    if not resolved:
        raise AlreadyHandled("This appeal was already answered.")
    decision = entry.action
    if overturn and decision.action == Action.REMOVE and decision.post is not None:
        if decision.post.status == PostStatus.REMOVED:
            _change_status(decision.post, (PostStatus.REMOVED,), PostStatus.VISIBLE, response)
    if overturn and decision.action == Action.SUSPEND:
        db.session.execute(
            update(User).where(User.id == entry.user_id).values(suspended_until=None)
        )
    return _record(
        moderator, Action.APPEAL, response, detail=str(status), target_user_id=entry.user_id,
        post_id=decision.post_id, thread_id=decision.thread_id,
    )  # fmt: skip


# Reading: the queue and the log


@dataclass
class QueueItem:
    post: Post
    reports: list[Report] = field(default_factory=list)
    history: list[ModerationAction] = field(default_factory=list)

    @property
    def at_risk(self) -> bool:
        return any(r.is_at_risk for r in self.reports)

    @property
    def reporter_count(self) -> int:
        """Members who reported it; Blossom's own at-risk flag is not a member."""
        return len({r.reporter_id for r in self.reports if r.reporter_id is not None})


def open_items_statement() -> Select:
    """Posts with open reports plus open appeals: the number in the moderators' header."""
    posts = select(func.count(func.distinct(Report.post_id))).where(
        Report.status == ReportStatus.OPEN
    )
    appeals = select(func.count(Appeal.id)).where(Appeal.status == AppealStatus.OPEN)
    return select(posts.scalar_subquery() + appeals.scalar_subquery())


def queue(limit: int = 25) -> list[QueueItem]:
    """Open reports grouped by post: someone at risk first, then most reporters, then oldest."""
    at_risk = func.max(case((Report.reason == ReportReason.AT_RISK, 1), else_=0))
    reporters = func.count(func.distinct(Report.reporter_id))
    oldest = func.min(Report.created_at)
    ranked = (
        select(
            Report.post_id,
            at_risk.label("at_risk"),
            reporters.label("reporters"),
            oldest.label("oldest"),
        )
        .where(Report.status == ReportStatus.OPEN)
        .group_by(Report.post_id)
        .order_by(at_risk.desc(), reporters.desc(), oldest, Report.post_id)
        .limit(limit)
        .subquery()
    )
    items: dict[int, QueueItem] = {}
    # Each post's open reports, with the post, in the queue's order: one query.
    for report in db.session.scalars(
        select(Report)
        .join(ranked, ranked.c.post_id == Report.post_id)
        .where(Report.status == ReportStatus.OPEN)
        .options(
            joinedload(Report.reporter),
            joinedload(Report.post).joinedload(Post.author),
            joinedload(Report.post).joinedload(Post.thread).joinedload(Thread.category),
        )
        .order_by(
            ranked.c.at_risk.desc(),
            ranked.c.reporters.desc(),
            ranked.c.oldest,
            ranked.c.post_id,
            Report.created_at,
            Report.id,
        )
    ):
        items.setdefault(report.post_id, QueueItem(report.post)).reports.append(report)
    if not items:
        return []
    history = histories({item.post.author_id for item in items.values() if not item.post.anonymous})
    for item in items.values():
        item.history = history[item.post.author_id]
    return list(items.values())


def histories(member_ids: set[int], each: int = 10) -> dict[int, list[ModerationAction]]:
    """The latest moderation actions about each of these members, in one query."""
    rank = func.row_number().over(
        partition_by=ModerationAction.target_user_id,
        order_by=(ModerationAction.created_at.desc(), ModerationAction.id.desc()),
    )
    latest = (
        select(ModerationAction.id, rank.label("rank"))
        .where(ModerationAction.target_user_id.in_(member_ids), _about_named_posts())
        .subquery()
    )
    found: dict[int, list[ModerationAction]] = defaultdict(list)
    for entry in db.session.scalars(
        select(ModerationAction)
        .join(latest, latest.c.id == ModerationAction.id)
        .where(latest.c.rank <= each)
        .options(joinedload(ModerationAction.moderator))
        .order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())
    ):
        found[entry.target_user_id].append(entry)
    return found


def revisions(post: Post) -> list[PostRevision]:
    """What a post said before each edit, newest first: what was reported stays readable after
    its author changes it."""
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .options(joinedload(PostRevision.editor))
            .order_by(PostRevision.created_at.desc(), PostRevision.id.desc())
        )
    )


def find_appeal(appeal_id: int) -> Appeal | None:
    """An appeal with what its page shows: who made it, and the decision and post it is about."""
    return db.session.scalar(
        select(Appeal)
        .where(Appeal.id == appeal_id)
        .options(
            joinedload(Appeal.user),
            joinedload(Appeal.action).joinedload(ModerationAction.post),
        )
    )


def open_appeals() -> list[Appeal]:
    return list(
        db.session.scalars(
            select(Appeal)
            .where(Appeal.status == AppealStatus.OPEN)
            .options(
                joinedload(Appeal.user),
                joinedload(Appeal.action).joinedload(ModerationAction.post),
                joinedload(Appeal.action).joinedload(ModerationAction.moderator),
            )
            .order_by(Appeal.created_at)
        )
    )


def log_statement(
    moderator: User | None = None, action: str | None = None, member: User | None = None
) -> Select:
    """The audit log, newest first, filtered by who acted, what they did, and about whom."""
    statement = select(ModerationAction).options(
        joinedload(ModerationAction.moderator),
        joinedload(ModerationAction.target_user),
        joinedload(ModerationAction.post),
        joinedload(ModerationAction.thread),
    )
    if moderator is not None:
        statement = statement.where(ModerationAction.moderator_id == moderator.id)
    if action:
        statement = statement.where(ModerationAction.action == action)
    if member is not None:
        statement = statement.where(
            ModerationAction.target_user_id == member.id, _about_named_posts()
        )
    return statement.order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())


def log_page(
    statement: Select, page: int, per_page: int = 50
) -> tuple[list[ModerationAction], bool]:
    """One page of the log, and whether there is an older one."""
    rows = list(db.session.scalars(statement.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page


def notices_for(
    member: User,
) -> tuple[list[MemberWarning], list[ModerationAction], dict[int, Appeal]]:
    """What moderators decided about a member: warnings, decisions, and their appeals."""
    warnings = list(
        db.session.scalars(
            select(MemberWarning)
            .where(MemberWarning.user_id == member.id)
            .order_by(MemberWarning.created_at.desc())
        )
    )
    decisions = list(
        db.session.scalars(
            select(ModerationAction)
            .where(
                ModerationAction.target_user_id == member.id,
                ModerationAction.action.in_(APPEALABLE),
            )
            .options(joinedload(ModerationAction.post))
            .order_by(ModerationAction.created_at.desc())
        )
    )
    appeals = {
        a.action_id: a
        for a in db.session.scalars(select(Appeal).where(Appeal.user_id == member.id))
    }
    return warnings, decisions, appeals
