"""The care dashboard's figures: how fast parents are answered, who still waits, how at-risk
reports are handled, what helpers' nudges do, and whether first-time posters come back.

Three statements, whatever the period (and on PostgreSQL one that turns JIT off): the threads
of both periods (with each one's first reply and, for first threads, when their author next
posted), the reports, and the nudges. Medians and percentiles are worked out here, over those
rows, so both databases give the same figures. A figure resting on fewer than 5 threads, reports
or nudges reads "fewer than 5", so nothing small points at a person; no row carries an author.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext, ngettext
from sqlalchemy import and_, case, func, or_, select, text

from forum.database import db, utcnow
from forum.models import (
    REASON_LABELS,
    Category,
    ModerationAction,
    Nudge,
    Post,
    Report,
    ReportReason,
    ReportStatus,
    Thread,
)
from forum.models.category import shown
from forum.services.care import first_reply_subquery, waiting_conditions
from forum.services.care_figures import SMALL, Cell, Table, median

PERIODS = (7, 30, 90)
CAME_BACK = timedelta(days=7)
WAITED = (1, 4, 24)  # hours
AT_RISK_AGES = ((0, 1), (1, 4), (4, 24), (24, None))  # hours


def _age_label(low: int, high: int | None) -> str:
    if high is None:
        return gettext("Over a day")
    if low == 0:
        return gettext("Under an hour")
    return gettext("%(low)d to %(high)d hours", low=low, high=high)


OUTCOMES = (ReportStatus.OPEN, ReportStatus.ACTIONED, ReportStatus.DISMISSED)


@dataclass
class Dashboard:
    days: int
    start: datetime
    previous_start: datetime
    now: datetime
    tables: list[Table]

    def table(self, slug: str) -> Table | None:
        return next((t for t in self.tables if t.slug == slug), None)


def _thread_rows(since: datetime, now: datetime) -> list:
    next_post = (
        select(func.min(Post.created_at))
        .where(Post.author_id == Thread.author_id, Post.created_at > Thread.created_at)
        .scalar_subquery()
    )
    return db.session.execute(
        select(
            Thread.id,
            Thread.title,
            Category.name,
            Thread.created_at,
            Thread.first_thread,
            first_reply_subquery(),
            case((Thread.first_thread, next_post)),
            and_(*waiting_conditions()),
        )
        .join(Category, Category.id == Thread.category_id)
        .where(Thread.created_at >= since, Thread.created_at <= now)
        .order_by(Thread.created_at, Thread.id)
    ).all()


def _report_rows(since: datetime, now: datetime) -> list:
    first_action = (
        select(func.min(ModerationAction.created_at))
        .where(
            ModerationAction.post_id == Report.post_id,
            ModerationAction.moderator_id.is_not(None),
            ModerationAction.created_at >= Report.created_at,
        )
        .scalar_subquery()
    )
    at_risk_open = and_(Report.status == ReportStatus.OPEN, Report.reason == ReportReason.AT_RISK)
    return db.session.execute(
        select(Report.reason, Report.status, Report.created_at, first_action)
        .where(or_(Report.created_at >= since, at_risk_open), Report.created_at <= now)
        .order_by(Report.id)
    ).all()


def _nudge_rows(since: datetime, now: datetime) -> list:
    answered = (
        select(Post.id)
        .where(
            Post.thread_id == Nudge.thread_id,
            Post.author_id == Nudge.helper_id,
            Post.position > 1,
            Post.created_at >= Nudge.sent_at,
        )
        .exists()
    )
    return db.session.execute(
        select(Nudge.sent_at, answered).where(Nudge.sent_at >= since, Nudge.sent_at <= now)
    ).all()


def dashboard(days: int, now: datetime | None = None) -> Dashboard:
    """The figures for the last `days` days, each with the period before beside it."""
    now = now or utcnow()
    start, previous_start = now - timedelta(days=days), now - timedelta(days=2 * days)
    if db.session.get_bind().dialect.name == "postgresql":
        # The threads' statement runs a small subquery per thread, which PostgreSQL's planner
        # costs high enough to compile it first: a second of JIT for 100 ms of work at 1,000,000
        # posts. For this transaction only.
        db.session.execute(text("SET LOCAL jit = off"))
    threads = _thread_rows(previous_start - CAME_BACK, now)
    reports = _report_rows(previous_start, now)
    nudges = _nudge_rows(previous_start, now)

    def period(moment: datetime, shift: timedelta = timedelta()) -> int | None:
        """0: this period, 1: the one before; None: neither."""
        if start - shift <= moment <= now - shift:
            return 0
        if previous_start - shift <= moment < start - shift:
            return 1
        return None

    tables = [
        _reply_times(threads, period),
        _waited(threads, period, now),
        _at_risk(reports, now),
        _report_handling(reports, period),
        _reasons(reports, period),
        _nudges(nudges, period),
        _came_back(threads, period),
    ]
    return Dashboard(days, start, previous_start, now, tables)


def _gap(later: datetime, earlier: datetime) -> float:
    return (later - earlier).total_seconds() / 60


def _both(values: tuple[list, list], p: int | None = None) -> list[Cell]:
    return [Cell.duration(values[0], p), Cell.duration(values[1], p)]


ALL, FIRST = ("all", ""), ("first", "")  # the rows before the categories' own


def _reply_times(threads, period) -> Table:
    groups: dict[tuple[str, str], tuple[list, list]] = {}
    for _, _, category, created, first, replied, _, _ in threads:
        when = period(created)
        if when is None or replied is None:
            continue
        waited = _gap(replied, created)
        for key in (ALL, FIRST, ("category", shown(category))):  # in the reader's words
            if key == FIRST and not first:
                continue
            groups.setdefault(key, ([], []))[when].append(waited)
    order = [ALL, FIRST] + sorted(k for k in groups if k not in (ALL, FIRST))
    table = Table(
        "reply-times",
        gettext("Time to first reply"),
        gettext(
            "How long threads waited for their first reply: the median, then the 90th percentile"
            " (nine in ten were answered sooner), this period and the one before."
        ),
        [
            gettext("Threads"),
            gettext("Median"),
            gettext("Median before"),
            gettext("90th percentile"),
            gettext("90th percentile before"),
            gettext("Answered"),
            gettext("Answered before"),
        ],  # fmt: skip
        unit=gettext("minutes, median"),
    )
    labels = {ALL: gettext("All threads"), FIRST: gettext("First threads")}
    for key in order:
        values = groups.get(key, ([], []))
        table.rows.append((labels.get(key) or key[1], [*_both(values), *_both(values, 90),
                                 Cell.count(len(values[0])), Cell.count(len(values[1]))]))  # fmt: skip
    return table


def _waited(threads, period, now) -> Table:
    counts = {hours: [0, 0] for hours in WAITED}
    links = []
    for thread_id, title, _, created, _, replied, _, waiting in threads:
        when = period(created)
        if when is None:
            continue
        waited = _gap(replied or now, created)
        for hours in WAITED:
            counts[hours][when] += waited > hours * 60
        if when == 0 and waiting and replied is None and waited > 60:
            links.append((title, thread_id))
    table = Table(
        "waited",
        gettext("Threads that waited"),
        gettext(
            "Threads started in the period that waited more than 1, 4 and 24 hours for a first"
            " reply (or are waiting still), this period and the one before."
        ),
        [gettext("Waited more than"), gettext("Threads"), gettext("Threads before")],
        unit=gettext("threads"),
        links=links[:50],
    )
    for hours in WAITED:
        label = ngettext("%(num)d hour", "%(num)d hours", hours)
        table.rows.append((label, [Cell.count(n) for n in counts[hours]]))
    return table


def _at_risk(reports, now) -> Table:
    ages = [0] * len(AT_RISK_AGES)
    for reason, status, created, _ in reports:
        if reason != ReportReason.AT_RISK or status != ReportStatus.OPEN:
            continue
        hours = _gap(now, created) / 60
        for index, (low, high) in enumerate(AT_RISK_AGES):
            if hours >= low and (high is None or hours < high):
                ages[index] += 1
    table = Table(
        "at-risk",
        gettext("At-risk reports still open"),
        gettext("Open reports that someone may be at risk, by how long they have been open, now."),
        [gettext("Open for"), gettext("Reports")],
        unit=gettext("reports"),
        series=1,
    )
    for (low, high), n in zip(AT_RISK_AGES, ages, strict=True):
        table.rows.append((_age_label(low, high), [Cell.count(n)]))
    return table


def _report_handling(reports, period) -> Table:
    groups = {gettext("All reports"): ([], []), gettext("At-risk reports"): ([], [])}
    every, at_risk = groups.values()
    for reason, _, created, acted in reports:
        when = period(created)
        if when is None or acted is None:
            continue
        every[when].append(_gap(acted, created))
        if reason == ReportReason.AT_RISK:
            at_risk[when].append(_gap(acted, created))
    table = Table(
        "report-handling",
        gettext("Time from report to a moderator's first action"),
        gettext("How long reports made in the period waited for a moderator to act on the post."),
        [
            gettext("Reports"),
            gettext("Median"),
            gettext("Median before"),
            gettext("90th percentile"),
            gettext("90th percentile before"),
        ],
        unit=gettext("minutes, median"),
    )
    for key, values in groups.items():
        table.rows.append((key, [*_both(values), *_both(values, 90)]))
    return table


def _reasons(reports, period) -> Table:
    counts = {reason: [0, 0] for reason in ReportReason}
    ended = {reason: dict.fromkeys(OUTCOMES, 0) for reason in ReportReason}
    for reason, status, created, _ in reports:
        when = period(created)
        if when is None or reason not in counts:
            continue
        counts[reason][when] += 1
        if when == 0 and status in ended[reason]:
            ended[reason][status] += 1
    table = Table(
        "reasons",
        gettext("Reports by reason, and how they ended"),
        gettext(
            "Reports made in the period by reason, this period and the one before, and how this"
            " period's ended."
        ),
        [
            gettext("Reason"),
            gettext("Reports"),
            gettext("Reports before"),
            gettext("Still open"),
            gettext("Acted on"),
            gettext("Left up"),
        ],
        unit=gettext("reports"),
    )
    for reason in ReportReason:
        cells = [Cell.count(n) for n in counts[reason]]
        cells += [Cell.count(ended[reason][status]) for status in OUTCOMES]
        table.rows.append((str(REASON_LABELS[reason]), cells))
    return table


def _nudges(nudges, period) -> Table:
    sent, answered = [0, 0], [0, 0]
    for sent_at, did in nudges:
        when = period(sent_at)
        if when is not None:
            sent[when] += 1
            answered[when] += bool(did)
    table = Table(
        "nudges",
        gettext("Helper nudges"),
        gettext("Nudges sent to helpers, and those after which the helper replied in the thread."),
        [gettext("Nudges"), gettext("This period"), gettext("Before")],
        unit=gettext("nudges"),
    )
    table.rows.append((gettext("Sent"), [Cell.count(n) for n in sent]))
    table.rows.append((gettext("Answered by the helper"), [Cell.count(n) for n in answered]))
    return table


def _came_back(threads, period) -> Table:
    cohort = {True: [[0, 0], [0, 0]], False: [[0, 0], [0, 0]]}  # replied: [when][came, all]
    for _, _, _, created, first, replied, next_post, _ in threads:
        # Threads whose seven days are over: those started a week before each period.
        when = period(created, CAME_BACK)
        if not first or when is None:
            continue
        answered = replied is not None and replied - created <= CAME_BACK
        came = next_post is not None and next_post - created <= CAME_BACK
        cohort[answered][when][0] += came
        cohort[answered][when][1] += 1
    table = Table(
        "came-back",
        gettext("First-time posters who came back"),
        gettext(
            "Of members whose first thread was started in the period (a week earlier, so each has"
            " had her seven days), the share who posted again within 7 days, with and without a"
            " reply in those days."
        ),
        [gettext("First threads"), gettext("Came back"), gettext("Came back before")],
        unit=gettext("percent"),
    )
    for answered, label in ((True, gettext("With a reply")), (False, gettext("Without a reply"))):
        table.rows.append((label, [Cell.share(*cohort[answered][w]) for w in (0, 1)]))
    return table


def usual_answer_minutes(category_id: int, now: datetime | None = None) -> int | None:
    """The median wait for a first reply in a category over the last 30 days, in whole minutes
    (at least 1); None with fewer than 5 answered threads to say it from."""
    now = now or utcnow()
    rows = db.session.execute(
        select(Thread.created_at, first_reply_subquery()).where(
            Thread.category_id == category_id, Thread.created_at >= now - timedelta(days=30)
        )
    ).all()
    waits = [_gap(replied, created) for created, replied in rows if replied is not None]
    found = median(waits) if len(waits) >= SMALL else None
    return None if found is None else max(round(found), 1)
