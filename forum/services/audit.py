"""The audit log: every staff action written once, never changed, and read back with filters.

An entry about anonymous content (an anonymous post, or a thread whose opening post is anonymous)
names its author only to the audited reveal: the log shows "the anonymous author", and the log
filtered by member and member histories leave such entries out.
"""

from collections import defaultdict
from collections.abc import Callable

from flask_babel import format_number, gettext
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from forum.database import db
from forum.models import Action, ModerationAction, User
from forum.models.moderation import PRESET_REASONS
from forum.services import notify
from forum.services.errors import ServiceError

REASON_MAX = 1_000

# Entries that may be read by member: none ties a member to her anonymous content.
NAMES_NOBODY_ANONYMOUS = ~ModerationAction.about_anonymous


def compose_reason(preset: str, note: str) -> str:
    """The reason the log keeps: the common reason chosen, then the moderator's own words."""
    preset, note = preset.strip(), note.strip()
    if preset not in PRESET_REASONS:
        preset = ""
    return f"{preset}. {note}" if preset and note else preset or note


def require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ServiceError(
            gettext("Please write a reason: it goes in the log, and often to the member."),
            "reason",
        )
    if len(reason) > REASON_MAX:
        raise ServiceError(
            gettext("The reason can be up to %(most)s characters.", most=format_number(REASON_MAX)),
            "reason",
        )
    return reason


def record(moderator: User | None, action: Action, reason: str, **targets) -> ModerationAction:
    entry = ModerationAction(
        moderator_id=moderator.id if moderator else None, action=action, reason=reason, **targets
    )
    db.session.add(entry)
    db.session.flush()
    notify.moderation_recorded(entry)
    return entry


def refusal(moderator: User, attempt: str, reason: str, **targets) -> Callable[[], None]:
    """What a refused attempt leaves in the log, written after the attempt is rolled back."""
    moderator_id = moderator.id

    def keep() -> None:
        db.session.add(
            ModerationAction(
                moderator_id=moderator_id, action=Action.REFUSED, reason=reason, detail=attempt,
                **targets,
            )
        )  # fmt: skip
        db.session.flush()

    return keep


def histories(member_ids: set[int], each: int = 10) -> dict[int, list[ModerationAction]]:
    """The latest moderation actions about each of these members, in one query."""
    rank = func.row_number().over(
        partition_by=ModerationAction.target_user_id,
        order_by=(ModerationAction.created_at.desc(), ModerationAction.id.desc()),
    )
    latest = (
        select(ModerationAction.id, rank.label("rank"))
        .where(ModerationAction.target_user_id.in_(member_ids), NAMES_NOBODY_ANONYMOUS)
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


def log_statement(
    moderator: User | None = None,
    action: str | None = None,
    member: User | None = None,
    reader: User | None = None,
) -> Select:
    """The audit log, newest first, filtered by who acted, what they did, and about whom.

    A refused attempt on an anonymous post says that the post is the refused moderator's own or
    an admin's: only admins read those entries."""
    statement = select(ModerationAction).options(
        joinedload(ModerationAction.moderator),
        joinedload(ModerationAction.target_user),
        joinedload(ModerationAction.post),
        joinedload(ModerationAction.thread),
    )
    if reader is None or not reader.is_admin:
        statement = statement.where(ModerationAction.action != Action.REFUSED)
    if moderator is not None:
        statement = statement.where(ModerationAction.moderator_id == moderator.id)
    if action:
        statement = statement.where(ModerationAction.action == action)
    if member is not None:
        statement = statement.where(
            ModerationAction.target_user_id == member.id, NAMES_NOBODY_ANONYMOUS
        )
    return statement.order_by(ModerationAction.created_at.desc(), ModerationAction.id.desc())


def log_page(
    statement: Select, page: int, per_page: int = 50
) -> tuple[list[ModerationAction], bool]:
    """One page of the log, and whether there is an older one."""
    rows = list(db.session.scalars(statement.offset((page - 1) * per_page).limit(per_page + 1)))
    return rows[:per_page], len(rows) > per_page
