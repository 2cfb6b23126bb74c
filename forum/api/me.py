"""The token's own member: her profile, notifications (with mark-read) and what she follows."""

from flask import current_app, g
from flask_babel import ngettext
from spectree import Response as Doc
from sqlalchemy import select

from forum.api import schemas, serialise
from forum.api.base import answer, body, bp, member, needs, query, spec
from forum.database import db
from forum.limits import limited
from forum.models import Notification
from forum.services import following, notifications, profiles

ME = ("me",)
TOKEN_REFUSED = {"HTTP_401": schemas.Error, "HTTP_403": schemas.Error}


def _pages(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


@bp.get("/me")
@limited("api")
@spec.validate(resp=Doc(HTTP_200=schemas.Me, **TOKEN_REFUSED), tags=ME, skip_validation=True)
@needs("read")
def me():
    """The member the token belongs to, and what the token may do."""
    me = member()
    found = profiles.profile(me.username, me)
    unread = db.session.scalar(notifications.unread_statement(me)) or 0
    shown = serialise.member(me, found.parents_helped if found else 0, False)
    return answer(
        schemas.Me(**shown.model_dump(), scopes=g.api_token.scope_list, unread_notifications=unread)
    )


@bp.get("/me/notifications")
@limited("api")
@spec.validate(
    query=schemas.Paging, resp=Doc(HTTP_200=schemas.NotificationList, **TOKEN_REFUSED),
    tags=ME, skip_validation=True,
)  # fmt: skip
@needs("notifications")
def my_notifications():
    """Your notifications, newest first, worded as the notifications page words them."""
    asked = query(schemas.Paging)
    per_page = current_app.config["NOTIFICATIONS_PER_PAGE"]
    shown, total = notifications.page_of(member(), asked.page, per_page)
    return answer(
        schemas.NotificationList(
            notifications=[
                schemas.NotificationOut(
                    id=s.notification.id,
                    kind=s.notification.kind,
                    text=s.text,
                    url=s.url,
                    unread=s.unread,
                    created_at=s.notification.updated_at,
                )
                for s in shown
            ],
            page=asked.page,
            pages=_pages(total, per_page),
        )
    )


@bp.post("/me/notifications/read")
@limited("api")
@spec.validate(
    json=schemas.MarkRead, resp=Doc(HTTP_200=schemas.Done, HTTP_400=schemas.Error, **TOKEN_REFUSED),
    tags=ME, skip_validation=True,
)  # fmt: skip
@needs("notifications")
def mark_read():
    """Mark the notifications named by `ids` read, or all of them when `ids` is left out."""
    sent = body(schemas.MarkRead)
    me = member()
    if sent.ids is None:
        count = notifications.mark_all_read(me)
    else:
        rows = db.session.scalars(
            select(Notification).where(Notification.user_id == me.id, Notification.id.in_(sent.ids))
        )
        count = 0
        for row in rows:
            count += row.read_at is None
            notifications.mark_read(row)
    db.session.commit()
    return answer(
        schemas.Done(
            ok=True, message=ngettext("%(num)d marked read.", "%(num)d marked read.", count)
        )
    )


@bp.get("/me/following")
@limited("api")
@spec.validate(
    query=schemas.Paging, resp=Doc(HTTP_200=schemas.FollowList, **TOKEN_REFUSED), tags=ME,
    skip_validation=True,
)  # fmt: skip
@needs("read")
def my_following():
    """The threads you follow or muted, latest activity first."""
    asked = query(schemas.Paging)
    per_page = current_app.config["THREADS_PER_PAGE"]
    found, total = following.followed_threads(member(), asked.page, per_page)
    return answer(
        schemas.FollowList(
            following=[
                schemas.FollowOut(thread=serialise.thread_summary(row, member()), muted=sub.muted)
                for sub, row in found
            ],
            page=asked.page,
            pages=_pages(total, per_page),
        )
    )
