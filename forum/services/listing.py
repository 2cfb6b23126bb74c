"""What a row of a thread list shows besides the thread: the opening post's first words, and how
many posts came since the member last looked (which opening a thread page records).

Both come in the list's own statement, so a list costs the same number of queries with them.
Visitors get no count, so every visitor's copy of a list is the same and can be shared.
"""

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import ColumnElement, Select, and_, case, func, null, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from forum.database import db, utcnow
from forum.models import Post, Thread, ThreadVisit, User
from forum.services.blocking import folded_for

PREVIEW_CHARS = 140  # about a line on a desktop; a phone's line ends sooner, in CSS
_READ_CHARS = PREVIEW_CHARS + 60  # enough of the text to end the preview at a word


@dataclass(frozen=True)
class ThreadRow:
    thread: Thread
    # The opening post's first words as plain text, or its content note alone when it has one;
    # "" when the post isn't shown to everyone (waiting for a moderator, hidden, deleted) or
    # the viewer blocked its (named) author.
    preview: str = ""
    new_replies: int = 0  # posts since the member last opened the thread; 0 if she never did


def with_row_columns(statement: Select, viewer: User) -> Select:
    """A select of Thread, with what its rows show added: the opening post joined and read."""
    opening = aliased(Post)
    return statement.outerjoin(
        opening, and_(opening.thread_id == Thread.id, opening.position == 1)
    ).add_columns(
        func.substr(opening.body_text, 1, _READ_CHARS),
        and_(opening.is_visible, ~folded_for(viewer, opening)),
        _last_seen(viewer),
    )


def _last_seen(viewer: User) -> ColumnElement:
    if not viewer.is_authenticated:
        return null()
    return (
        select(ThreadVisit.last_seen_position)
        .where(ThreadVisit.thread_id == Thread.id, ThreadVisit.user_id == viewer.id)
        .scalar_subquery()
    )


def row(thread: Thread, text: str | None, shown: bool | None, last_seen: int | None) -> ThreadRow:
    """The row, from the thread and the columns `with_row_columns` added (in that order)."""
    new = max(thread.post_count - last_seen, 0) if last_seen else 0
    return ThreadRow(thread, preview_of(thread, text or "") if shown else "", new)


def thread_rows(statement: Select, viewer: User) -> list[ThreadRow]:
    """The rows of a list, from a select of Thread, in one query."""
    return [row(*found) for found in db.session.execute(with_row_columns(statement, viewer))]


def plain_rows(threads: list[Thread]) -> list[ThreadRow]:
    """Rows with the thread alone, for a short list under a form (threads like the one typed)."""
    return [ThreadRow(thread) for thread in threads]


def preview_of(thread: Thread, text: str) -> str:
    """One line of the opening post: behind a content note, only the note."""
    if thread.content_note:
        return gettext("Content note: %(note)s", note=thread.content_note)
    words = " ".join(text.split())
    if len(words) <= PREVIEW_CHARS:
        return words
    cut = words[:PREVIEW_CHARS].rsplit(" ", 1)[0] or words[:PREVIEW_CHARS]
    return cut.rstrip(" ,.;:-") + "…"


def record_visit(member: User, thread: Thread, last_position: int) -> None:
    """She has seen the thread up to this position: kept if it is further than before, in one
    statement, so two tabs at once store the furthest."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ThreadVisit).values(
        user_id=member.id, thread_id=thread.id, last_seen_position=last_position, seen_at=utcnow()
    )
    kept = ThreadVisit.__table__.c.last_seen_position
    further = statement.excluded.last_seen_position
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "thread_id"],
            set_={
                "last_seen_position": case((further > kept, further), else_=kept),
                "seen_at": statement.excluded.seen_at,
            },
        )
    )
