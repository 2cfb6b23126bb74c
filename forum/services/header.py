"""The numbers in every page's header, read in one query whatever the page."""

from sqlalchemy import select

from forum.database import db
from forum.models import User
from forum.services import conversations, moderation_queue, notifications, unanswered


def header_counts(viewer: User, waiting_days: int) -> dict[str, int]:
    """Threads waiting for a reply; the viewer's unread notifications; open moderation items.

    Visitors get none: they can't reply yet, and without numbers of the moment their pages are
    the same for everyone, so they can be served from the page cache.
    """
    if not viewer.is_authenticated:
        return {}
    counts = {
        "waiting_count": unanswered.waiting_statement(waiting_days),
        "unread_notifications": notifications.unread_statement(viewer),
        "unread_messages": conversations.unread_statement(viewer),
    }
    if viewer.is_moderator:
        counts["open_moderation_items"] = moderation_queue.open_items_statement()
    columns = [statement.scalar_subquery().label(name) for name, statement in counts.items()]
    return dict(db.session.execute(select(*columns)).one()._mapping)
