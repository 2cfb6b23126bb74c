"""The moderators' queue: reported posts grouped, at risk first, with what moderators need
beside each (the author's history, earlier versions)."""

from dataclasses import dataclass, field

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import joinedload

from forum.database import db
from forum.models import (
    Appeal,
    AppealStatus,
    MessageReport,
    ModerationAction,
    Post,
    PostRevision,
    Report,
    ReportReason,
    ReportStatus,
    Thread,
)
from forum.services.audit import histories


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
    messages = select(func.count(MessageReport.id)).where(MessageReport.status == ReportStatus.OPEN)
    return select(posts.scalar_subquery() + appeals.scalar_subquery() + messages.scalar_subquery())


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
