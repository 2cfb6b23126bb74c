"""What moderators do about members: warnings, suspensions, bans, and (for admins) roles."""

from datetime import timedelta

from flask_babel import gettext
from sqlalchemy import update

from forum.database import db, utcnow
from forum.models import Action, MemberWarning, ModerationAction, Role, User
from forum.models.moderation import ROLE_NAMES
from forum.services import sessions, tokens
from forum.services.audit import record, require_reason
from forum.services.errors import AlreadyHandled, NotAllowed, ServiceError
from forum.services.policy import require_over

SUSPENSION_DAYS = (1, 3, 7, 30)


def warn(moderator: User, member: User, reason: str) -> ModerationAction:
    """The warning is shown to the member on every page until they acknowledge it."""
    require_over(moderator, member)
    reason = require_reason(reason)
    entry = record(moderator, Action.WARN, reason, target_user_id=member.id)
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
        raise NotAllowed(gettext("That message isn't yours."))
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
    require_over(moderator, member)
    reason = require_reason(reason)
    if days not in SUSPENSION_DAYS:
        raise ServiceError(gettext("Choose 1, 3, 7 or 30 days."), "days")
    until = utcnow() + timedelta(days=days)
    db.session.execute(
        update(User)
        .where(User.id == member.id)
        .values(suspended_until=until, restriction_reason=reason)
    )
    sessions.end_all(member.id)
    tokens.revoke_all(member.id, tokens.SUSPENDED)
    return record(
        moderator, Action.SUSPEND, reason, detail=f"{days} day{'s' if days > 1 else ''}",
        target_user_id=member.id,
    )  # fmt: skip


def lift_suspension(moderator: User, member: User, reason: str) -> ModerationAction:
    require_over(moderator, member)
    reason = require_reason(reason)
    lifted = db.session.execute(
        update(User)
        .where(User.id == member.id, User.suspended_until > utcnow())
        .values(suspended_until=None)
    ).rowcount
    if not lifted:
        raise AlreadyHandled(gettext("This member isn't suspended."))
    return record(moderator, Action.UNSUSPEND, reason, target_user_id=member.id)


def ban(moderator: User, member: User, reason: str) -> ModerationAction:
    """A banned member can't sign in, and every sign-in they have is ended."""
    require_over(moderator, member)
    reason = require_reason(reason)
    banned = db.session.execute(
        update(User)
        .where(User.id == member.id, User.banned_at.is_(None))
        .values(banned_at=utcnow(), restriction_reason=reason)
    ).rowcount
    if not banned:
        raise AlreadyHandled(gettext("This member is already banned."))
    sessions.end_all(member.id)
    tokens.revoke_all(member.id, tokens.BANNED)
    return record(moderator, Action.BAN, reason, target_user_id=member.id)


def unban(moderator: User, member: User, reason: str) -> ModerationAction:
    require_over(moderator, member)
    reason = require_reason(reason)
    unbanned = db.session.execute(
        update(User).where(User.id == member.id, User.banned_at.is_not(None)).values(banned_at=None)
    ).rowcount
    if not unbanned:
        raise AlreadyHandled(gettext("This member isn't banned."))
    return record(moderator, Action.UNBAN, reason, target_user_id=member.id)


def set_role(admin: User | None, member: User, role: Role, reason: str) -> ModerationAction:
    """An admin changes a member's role; admin is None for the operator at the command line."""
    if admin is not None and not (admin.is_authenticated and admin.is_admin):
        raise NotAllowed(gettext("Only an admin can change roles."))
    if admin is not None and member.id == admin.id:
        raise NotAllowed(gettext("Nobody can change their own role. Ask another admin."))
    reason = require_reason(reason)
    if member.role == role:
        raise AlreadyHandled(
            gettext(
                "%(username)s is already %(role)s.",
                username=member.username,
                role=ROLE_NAMES[role.value],
            )
        )
    member.role = role
    return record(admin, Action.SET_ROLE, reason, detail=str(role), target_user_id=member.id)
