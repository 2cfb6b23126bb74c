"""Nobody waits alone: helpers, the nudges that tell them someone is waiting, and soft claims.

A thread is waiting while nobody has replied, its opening post is shown and it isn't locked. Once
it has waited CARE_WAIT_MINUTES (CARE_FIRST_WAIT_MINUTES for its author's first thread) a periodic
task nudges a few helpers, chosen fairly: who was nudged longest ago first, helpers seen in the
last week before the others, never its author, nobody she blocked or who blocked her, nobody in
quiet hours or past her daily cap, each helper once per thread. While it still waits, a few more
are nudged every CARE_WAIT_MINUTES, up to CARE_MAX_NUDGES_PER_THREAD. A reply from anyone, a
lock or hiding the opening post ends it; so, for a while, does a helper's "I'll answer this".
Crisis first: a thread whose opening post read as a crisis waits no longer than a first thread.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import joinedload

from forum import queue
from forum.database import db, utcnow
from forum.models import (
    Block,
    Category,
    Claim,
    Delivery,
    Helper,
    Nudge,
    Post,
    Report,
    ReportReason,
    Thread,
    User,
)
from forum.models.care import MAX_DAILY_CAP
from forum.services import notify
from forum.services.errors import NotAllowed, ServiceError

ACTIVE_RECENTLY = timedelta(days=7)


@dataclass(frozen=True)
class Timing:
    wait: timedelta
    first_wait: timedelta
    helpers_per_round: int
    most_per_thread: int
    claim: timedelta
    zone: ZoneInfo


def timing() -> Timing:
    config = current_app.config
    return Timing(
        wait=timedelta(minutes=config["CARE_WAIT_MINUTES"]),
        first_wait=timedelta(minutes=config["CARE_FIRST_WAIT_MINUTES"]),
        helpers_per_round=config["CARE_HELPERS_PER_ROUND"],
        most_per_thread=config["CARE_MAX_NUDGES_PER_THREAD"],
        claim=timedelta(minutes=config["CARE_CLAIM_MINUTES"]),
        zone=ZoneInfo(config["HELPER_TIMEZONE"]),
    )


# Helpers' own settings


def helper_of(user: User) -> Helper | None:
    if not user.is_authenticated:
        return None
    return db.session.get(Helper, user.id)


def save_helper(
    user: User,
    *,
    category_ids: list[int],
    quiet_from: int | None,
    quiet_until: int | None,
    daily_cap: int,
    paused: bool,
    email: bool,
) -> Helper:
    """Start helping, or change how: the categories (none chosen: all), quiet hours, the cap."""
    if not 1 <= daily_cap <= MAX_DAILY_CAP:
        raise ServiceError(
            gettext("Choose between 1 and %(most)d a day.", most=MAX_DAILY_CAP), "daily_cap"
        )
    if (quiet_from is None) != (quiet_until is None):
        field = "quiet_until" if quiet_until is None else "quiet_from"
        raise ServiceError(
            gettext("Choose when quiet hours start and when they end, or neither."), field
        )
    for hour, field in ((quiet_from, "quiet_from"), (quiet_until, "quiet_until")):
        if hour is not None and not 0 <= hour <= 23:
            raise ServiceError(gettext("Choose an hour from the list."), field)
    known = set(db.session.scalars(select(Category.id).where(Category.id.in_(category_ids))))
    if set(category_ids) - known:
        raise ServiceError(gettext("Choose categories from the list."), "categories")
    helper = db.session.get(Helper, user.id) or Helper(user_id=user.id)
    helper.category_ids = ",".join(str(i) for i in sorted(known))
    helper.quiet_from, helper.quiet_until = quiet_from, quiet_until
    helper.daily_cap = daily_cap
    helper.paused = paused
    db.session.add(helper)
    user.email_helping = Delivery.IMMEDIATELY if email else Delivery.NEVER
    return helper


def stop_helping(user: User) -> None:
    """She stops: her settings and claims go; the nudges she was sent stay in her data."""
    db.session.execute(delete(Claim).where(Claim.helper_id == user.id))
    db.session.execute(delete(Helper).where(Helper.user_id == user.id))


# Which threads wait, and who is told


def waiting_conditions() -> tuple:
    """A thread still waiting: nobody has replied, it is open, and its opening post is shown."""
    return (Thread.reply_count == 0, Thread.locked.is_(False), Thread.opening_shown.is_(True))


def _due_threads(now: datetime, t: Timing) -> list[tuple[Thread, int, datetime | None]]:
    """Threads due a round of nudges, with how many were nudged for each and when last."""
    oldest = now - timedelta(days=current_app.config["WAITING_DAYS"])
    # Only the nudges of threads young enough to nudge: they were all sent since then.
    nudged = (
        select(Nudge.thread_id, func.count().label("sent"), func.max(Nudge.sent_at).label("last"))
        .where(Nudge.sent_at >= oldest)
        .group_by(Nudge.thread_id)
        .subquery()
    )
    claimed = select(Claim.thread_id).where(Claim.thread_id == Thread.id, Claim.until > now)
    # Crisis first: an opening post that read as a crisis is nudged as soon as a first thread.
    at_risk = (
        select(Report.id)
        .join(Post, Post.id == Report.post_id)
        .where(
            Post.thread_id == Thread.id, Post.position == 1, Report.reason == ReportReason.AT_RISK
        )
        .exists()
    )
    rows = db.session.execute(
        select(Thread, func.coalesce(nudged.c.sent, 0), nudged.c.last, at_risk)
        .outerjoin(nudged, nudged.c.thread_id == Thread.id)
        .where(
            *waiting_conditions(),
            Thread.created_at >= oldest,
            Thread.created_at <= now - min(t.wait, t.first_wait),
            ~claimed.exists(),
            func.coalesce(nudged.c.sent, 0) < t.most_per_thread,
        )
        .order_by(Thread.created_at, Thread.id)
    ).all()
    due = []
    for thread, sent, last, crisis in rows:
        wait = t.first_wait if thread.first_thread or crisis else t.wait
        if thread.created_at <= now - wait and (last is None or last <= now - t.wait):
            due.append((thread, sent, last))
    return due


def nudge_waiting(now: datetime | None = None) -> int:
    """Nudge helpers about the threads that have waited long enough; how many nudges were sent.

    The caller commits. Run again at once, it sends nothing more: each round waits its time."""
    now = now or utcnow()
    t = timing()
    due = _due_threads(now, t)
    if not due:
        return 0
    helpers = list(
        db.session.scalars(
            select(Helper)
            .join(User, User.id == Helper.user_id)
            .where(Helper.paused.is_(False), User.deleted_at.is_(None), User.banned_at.is_(None))
            .options(joinedload(Helper.user))
        )
    )
    if not helpers:
        return 0
    local = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(t.zone)
    helpers = [h for h in helpers if not h.in_quiet_hours(local.hour)]
    day_start = now - timedelta(hours=24)
    today = Counter(
        dict(
            db.session.execute(
                select(Nudge.helper_id, func.count())
                .where(Nudge.sent_at > day_start)
                .group_by(Nudge.helper_id)
            ).all()
        )
    )
    thread_ids = [thread.id for thread, _, _ in due]
    already = set(
        db.session.execute(
            select(Nudge.thread_id, Nudge.helper_id).where(Nudge.thread_id.in_(thread_ids))
        ).all()
    )
    authors = {thread.author_id for thread, _, _ in due}
    apart = set()
    for blocker, blocked in db.session.execute(
        select(Block.blocker_id, Block.blocked_id).where(
            or_(Block.blocker_id.in_(authors), Block.blocked_id.in_(authors))
        )
    ):
        apart |= {(blocker, blocked), (blocked, blocker)}
    sent = 0
    for thread, _, _ in due:
        chosen = _choose(thread, helpers, today, already, apart, now, t)
        for helper in chosen:
            db.session.add(Nudge(thread_id=thread.id, helper_id=helper.user_id, sent_at=now))
            helper.last_nudged_at = now
            today[helper.user_id] += 1
        db.session.flush()
        notify.helpers_nudged([helper.user for helper in chosen], thread)
        sent += len(chosen)
    return sent


def _choose(thread, helpers, today, already, apart, now, t) -> list[Helper]:
    """The few helpers to nudge about one thread, fairly: rotating through those who may be told."""
    recent = now - ACTIVE_RECENTLY
    may = [
        h
        for h in helpers
        if h.user_id != thread.author_id
        and (h.user_id, thread.author_id) not in apart
        and (thread.id, h.user_id) not in already
        and today[h.user_id] < h.daily_cap
        and (not h.categories or thread.category_id in h.categories)
    ]
    may.sort(
        key=lambda h: (
            not (h.user.last_seen_at and h.user.last_seen_at >= recent),
            h.last_nudged_at or datetime.min,
            h.user_id,
        )
    )
    return may[: t.helpers_per_round]


@queue.periodic_task(queue.crontab(minute="*"))
def nudge_helpers() -> None:
    """Every minute: the sweep is the work itself, so a lost run loses nothing."""
    nudge_waiting()
    db.session.commit()


# "I'll answer this"


def claim(user: User, thread: Thread, now: datetime | None = None) -> Claim:
    """A helper says she is writing a reply: nobody else is nudged about it for a while."""
    now = now or utcnow()
    if helper_of(user) is None:
        raise NotAllowed(
            gettext("Only helpers can say they'll answer. You can volunteer in Settings.")
        )
    if thread.reply_count or thread.locked or not thread.opening_shown:
        raise ServiceError(gettext("This thread isn't waiting for a reply any more."))
    if thread.author_id == user.id:
        raise NotAllowed(gettext("This is your own thread."))
    held = db.session.get(Claim, thread.id)
    until = now + timing().claim
    if held is None:
        held = Claim(thread_id=thread.id, helper_id=user.id, until=until)
        db.session.add(held)
    elif held.helper_id == user.id or held.until <= now:
        held.helper_id, held.until = user.id, until
    else:
        raise ServiceError(
            gettext("Someone is already writing a reply here. Yours is welcome too.")
        )
    return held


def claims_for(thread_ids: list[int], viewer: User, now: datetime | None = None) -> dict[int, bool]:
    """{thread id: whether the viewer herself claimed it} for the threads someone is answering."""
    if not thread_ids:
        return {}
    now = now or utcnow()
    rows = db.session.execute(
        select(Claim.thread_id, Claim.helper_id).where(
            Claim.thread_id.in_(thread_ids), Claim.until > now
        )
    )
    return {thread_id: helper_id == viewer.id for thread_id, helper_id in rows}


@dataclass(frozen=True)
class WaitingMarks:
    """What a helper or moderator sees on the waiting page beside each thread."""

    first: set[int]  # threads that are their author's first
    claimed: dict[int, bool]  # someone is writing a reply: {thread id: it is the viewer}
    may_claim: set[int]  # where the viewer may say "I'll answer this"


def waiting_marks(threads: list[Thread], viewer: User) -> WaitingMarks | None:
    """Marks for helpers and moderators; None for everyone else, who sees the plain list."""
    if not viewer.is_authenticated:
        return None
    helping = helper_of(viewer) is not None
    if not (helping or viewer.is_moderator):
        return None
    claimed = claims_for([t.id for t in threads], viewer)
    return WaitingMarks(
        first={
            t.id for t in threads if t.first_thread and (viewer.is_moderator or not t.anonymous)
        },
        claimed=claimed,
        may_claim={t.id for t in threads if helping and t.author_id != viewer.id} - set(claimed),
    )


def first_reply_subquery():
    """When a thread first had a reply (a visible post after the opening one), per thread."""
    return (
        select(func.min(Post.created_at))
        .where(Post.thread_id == Thread.id, Post.position > 1, Post.is_visible)
        .scalar_subquery()
    )


# Her data


def helping_data(user: User) -> dict | None:
    """What her download holds of her helping: her choices, the nudges she was sent, her claims."""
    helper = db.session.get(Helper, user.id)
    nudges = db.session.scalars(
        select(Nudge)
        .where(Nudge.helper_id == user.id)
        .options(joinedload(Nudge.thread))
        .order_by(Nudge.sent_at, Nudge.id)
    ).all()
    claims = db.session.scalars(select(Claim).where(Claim.helper_id == user.id)).all()
    if helper is None and not nudges and not claims:
        return None
    when = _iso
    return {
        "helper": None
        if helper is None
        else {
            "paused": helper.paused,
            "category_ids": sorted(helper.categories),
            "quiet_from_hour": helper.quiet_from,
            "quiet_until_hour": helper.quiet_until,
            "daily_cap": helper.daily_cap,
            "since": when(helper.created_at),
            "last_nudged_at": when(helper.last_nudged_at),
        },
        "nudges": [
            {
                "thread_id": n.thread_id,
                "thread_title": n.thread.public_title,
                "sent_at": when(n.sent_at),
            }  # fmt: skip
            for n in nudges
        ],
        "answering": [{"thread_id": c.thread_id, "until": when(c.until)} for c in claims],
    }


def forget(user: User) -> None:
    """Her account goes: nothing says she ever helped."""
    for model, column in ((Claim, Claim.helper_id), (Nudge, Nudge.helper_id),
                          (Helper, Helper.user_id)):  # fmt: skip
        db.session.execute(delete(model).where(column == user.id))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None
