"""Appeals: a member asks once for a removal, warning or suspension to be looked at again."""

from flask_babel import format_number, gettext
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.database import db, utcnow
from forum.lazy_words import lazy_gettext
from forum.models import (
    Action,
    Appeal,
    AppealStatus,
    MemberWarning,
    ModerationAction,
    PostStatus,
    User,
)
from forum.services.audit import REASON_MAX, record, require_reason
from forum.services.errors import AlreadyHandled, NotAllowed, ServiceError
from forum.services.moderation_actions import change_status
from forum.services.policy import require_may_decide, require_moderator, require_over

APPEALABLE = (Action.REMOVE, Action.WARN, Action.SUSPEND)
ALREADY_APPEALED = lazy_gettext(
    "You've already appealed this decision; a moderator will look at it."
)


def appeal(member: User, action: ModerationAction, message: str) -> Appeal:
    """One appeal per decision, against a removal, warning or suspension of one's own."""
    if action.target_user_id != member.id or action.action not in APPEALABLE:
        raise NotAllowed(gettext("You can only appeal a decision about your own post or account."))
    message = message.strip()
    if not message:
        raise ServiceError(gettext("Please say in a few words why you're appealing."), "message")
    if len(message) > REASON_MAX:
        raise ServiceError(
            gettext("An appeal can be up to %(most)s characters.", most=format_number(REASON_MAX)),
            "message",
        )
    if db.session.scalar(select(Appeal.id).where(Appeal.action_id == action.id)):
        raise AlreadyHandled(str(ALREADY_APPEALED))
    try:
        with db.session.begin_nested():
            entry = Appeal(action_id=action.id, user_id=member.id, message=message)
            db.session.add(entry)
    except IntegrityError:  # the same appeal, sent twice at the same moment: one is kept
        raise AlreadyHandled(str(ALREADY_APPEALED)) from None
    return entry


def resolve_appeal(
    moderator: User, entry: Appeal, overturn: bool, response: str
) -> ModerationAction:
    """Uphold the decision or overturn it; overturning a removal or suspension undoes it.

    An appeal about a post is judged under the rules for deciding about that post; one about a
    warning or suspension under the rules for acting about that member."""
    require_moderator(moderator)
    response = require_reason(response)
    if entry.action.post is not None:
        require_may_decide(moderator, entry.action.post, "answer an appeal", response)
    else:
        require_over(moderator, entry.user)
    status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    resolved = db.session.execute(
        update(Appeal)
        .where(Appeal.id == entry.id, Appeal.status == AppealStatus.OPEN)
        .values(status=status, response=response, resolved_by_id=moderator.id, resolved_at=utcnow())
    ).rowcount
    if not resolved:
        raise AlreadyHandled(gettext("This appeal was already answered."))
    decision = entry.action
    if overturn and decision.action == Action.REMOVE and decision.post is not None:
        if decision.post.status == PostStatus.REMOVED:
            change_status(decision.post, (PostStatus.REMOVED,), PostStatus.VISIBLE, response)
    if overturn and decision.action == Action.SUSPEND:
        db.session.execute(
            update(User).where(User.id == entry.user_id).values(suspended_until=None)
        )
    return record(
        moderator, Action.APPEAL, response, detail=str(status), target_user_id=entry.user_id,
        post_id=decision.post_id, thread_id=decision.thread_id,
    )  # fmt: skip


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
