"""Drafts: what a member is writing, kept on the server as she types, so a lost signal, a closed
tab or another device loses nothing, and a shared tablet keeps nothing once she logs out.

One draft per member per place (a new thread in a category, a reply in a thread, changes to one
of her posts). Saving is one statement that writes over whatever was there (two tabs: the last
save wins, never an error).
Posting there, or choosing "Discard", removes it; so does deleting the account; drafts nobody
has touched for DRAFT_DAYS are never read again and are purged daily (their account's deletion
removes them too: forum/services/privacy.py). Only their member reads
them: every function here takes her and reads her rows alone.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask_babel import format_number, gettext, lazy_gettext
from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload

from forum import queue
from forum.database import db, utcnow
from forum.models import Category, Draft, DraftPlace, Post, Thread, User
from forum.services.errors import NotAllowed, ServiceError
from forum.services.posting_rules import BODY_MAX, TITLE_MAX

DRAFT_DAYS = 30
CONTENT_NOTE_MAX = 100


@dataclass(frozen=True)
class Words:
    """What a draft holds: the words, and the choices that go with them."""

    body: str = ""
    title: str = ""  # a new thread's
    content_note: str = ""
    anonymous: bool = False

    @property
    def empty(self) -> bool:
        return not (self.body.strip() or self.title.strip() or self.content_note.strip())


@dataclass(frozen=True)
class Kept:
    """A draft with where it belongs, for her list of drafts and her data download."""

    draft: Draft
    where: str  # the thread's title as she may read it, or the category's name
    thread: Thread | None  # a reply's (or an edited post's) thread, if it is still there
    category: Category | None  # a new thread's category, if it is still there
    post: Post | None = None  # the post an edit changes, while she may still change it

    @property
    def can_post(self) -> bool:
        """Whether her words can still go up where she was writing them."""
        if self.draft.place == DraftPlace.REPLY:
            return self.thread is not None and not self.thread.locked
        if self.draft.place == DraftPlace.EDIT:
            return self.post is not None
        return self.category is not None


def check(words: Words) -> None:
    """The same sizes as a post: a draft is what a post will be."""
    for value, maximum, field, too_long in (
        (
            words.body,
            BODY_MAX,
            "body",
            lazy_gettext(
                "Your draft is %(length)s characters; it can be up to %(maximum)s, so this draft "
                "isn't saved. Your text is all still here."
            ),
        ),
        (
            words.title,
            TITLE_MAX,
            "title",
            lazy_gettext(
                "The title is %(length)s characters; it can be up to %(maximum)s, so this draft "
                "isn't saved. Your text is all still here."
            ),
        ),
        (
            words.content_note,
            CONTENT_NOTE_MAX,
            "content_note",
            lazy_gettext(
                "A content note is %(length)s characters; it can be up to %(maximum)s, so this "
                "draft isn't saved. Your text is all still here."
            ),
        ),
    ):
        if len(value) > maximum:
            message = str(too_long) % {
                "length": format_number(len(value)),
                "maximum": format_number(maximum),
            }
            raise ServiceError(message, field)


def _fresh() -> ColumnElement[bool]:
    return Draft.updated_at > utcnow() - timedelta(days=DRAFT_DAYS)


def _mine(member: User, place: DraftPlace, place_id) -> ColumnElement[bool]:
    return (Draft.user_id == member.id) & (Draft.place == place) & (Draft.place_id == place_id)


def _save(member: User, place: DraftPlace, place_id: int, words: Words) -> bool:
    """Keep her words here, over any earlier draft; nothing at all to keep discards it.
    Whether a draft is kept."""
    check(words)
    if words.empty:
        _discard(member, place, place_id)
        return False
    now = utcnow()
    values = {
        "body": words.body,
        "title": words.title,
        "content_note": words.content_note,
        "anonymous": bool(words.anonymous),
        "updated_at": now,
    }
    insert = (
        postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    statement = insert(Draft).values(
        user_id=member.id, place=str(place), place_id=place_id, created_at=now, **values
    )
    # Two tabs saving at once: one inserts, the other writes over it. Neither fails.
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "place", "place_id"], set_=values
        )
    )
    return True


def _discard(member: User, place: DraftPlace, place_id: int) -> None:
    db.session.execute(delete(Draft).where(_mine(member, place, place_id)))


def _find(member: User, place: DraftPlace, place_id: int) -> Draft | None:
    if not member.is_authenticated:
        return None
    return db.session.scalar(select(Draft).where(_mine(member, place, place_id), _fresh()))


def save_reply(member: User, thread: Thread, words: Words) -> bool:
    """Her reply in this thread, as typed so far. Kept even if the thread was locked meanwhile:
    her words are hers, and the thread's page gives them back to her."""
    return _save(member, DraftPlace.REPLY, thread.id, replace(words, title=""))


def save_thread(
    member: User, category: Category, words: Words, moved_from: Category | None = None
) -> bool:
    """Her new thread in this category. `moved_from`: the category its draft was saved in
    before she chose another, which no longer holds it."""
    kept = _save(member, DraftPlace.THREAD, category.id, words)
    if moved_from is not None and moved_from.id != category.id:
        _discard(member, DraftPlace.THREAD, moved_from.id)
    return kept


def save_edit(member: User, post: Post, words: Words) -> bool:
    """Changes to one of her posts, as typed so far: only while she may still change it."""
    if not post.can_edit(member):
        raise NotAllowed(gettext("You can only change your own posts, and not in a locked thread."))
    title = words.title if post.is_opening else ""
    return _save(member, DraftPlace.EDIT, post.id, Words(words.body, title))


def edit_draft(member: User, post: Post) -> Draft | None:
    return _find(member, DraftPlace.EDIT, post.id)


def discard_edit(member: User, post: Post) -> None:
    _discard(member, DraftPlace.EDIT, post.id)


def reply_draft_of(member: User, thread_id: ColumnElement[int]) -> ColumnElement[bool]:
    """Her reply draft in the thread a statement reads, as the condition of an outer join, so
    the thread's page reads it in the thread's own query."""
    return _mine(member, DraftPlace.REPLY, thread_id) & _fresh()


def reply_draft(member: User, thread: Thread) -> Draft | None:
    return _find(member, DraftPlace.REPLY, thread.id)


def thread_draft(member: User, category: Category | None = None) -> Draft | None:
    """Her new thread in this category; with none named, the one she touched last."""
    if category is not None:
        return _find(member, DraftPlace.THREAD, category.id)
    if not member.is_authenticated:
        return None
    return db.session.scalars(
        select(Draft)
        .where(Draft.user_id == member.id, Draft.place == DraftPlace.THREAD, _fresh())
        .order_by(Draft.updated_at.desc(), Draft.id.desc())
        .limit(1)
    ).first()


def discard_reply(member: User, thread: Thread) -> None:
    _discard(member, DraftPlace.REPLY, thread.id)


def discard_thread(member: User, category: Category) -> None:
    _discard(member, DraftPlace.THREAD, category.id)


def discard(member: User, draft_id: int) -> bool:
    """From her list of drafts: one of hers, by id (anyone else's is never found). Whether
    there was one to discard."""
    done = db.session.execute(delete(Draft).where(Draft.id == draft_id, Draft.user_id == member.id))
    return bool(done.rowcount)


def drafts_of(member: User, *, all_kept: bool = False) -> list[Kept]:
    """Her drafts, the latest first, each with where it belongs, in four queries at most. `all_kept`
    includes those past DRAFT_DAYS not yet purged (her data download lists everything held)."""
    query = select(Draft).where(Draft.user_id == member.id)
    if not all_kept:
        query = query.where(_fresh())
    drafts = list(db.session.scalars(query.order_by(Draft.updated_at.desc(), Draft.id.desc())))
    thread_ids = {d.place_id for d in drafts if d.place == DraftPlace.REPLY}
    threads = (
        {t.id: t for t in db.session.scalars(select(Thread).where(Thread.id.in_(thread_ids)))}
        if thread_ids
        else {}
    )
    post_ids = {d.place_id for d in drafts if d.place == DraftPlace.EDIT}
    posts = (
        {
            p.id: p
            for p in db.session.scalars(
                select(Post).where(Post.id.in_(post_ids)).options(joinedload(Post.thread))
            )
        }
        if post_ids
        else {}
    )
    categories = {c.id: c for c in db.session.scalars(select(Category))} if drafts else {}
    kept = []
    for draft in drafts:
        if draft.place == DraftPlace.REPLY:
            thread = threads.get(draft.place_id)
            where = (
                thread.title_for(member) if thread else gettext("A thread that is no longer here")
            )
            kept.append(Kept(draft, where, thread, None))
        elif draft.place == DraftPlace.EDIT:
            post = posts.get(draft.place_id)
            thread = post.thread if post else None
            where = thread.title_for(member) if thread else gettext("A post that is no longer here")
            editable = post if post is not None and post.can_edit(member) else None
            kept.append(Kept(draft, where, thread, None, editable))
        else:
            category = categories.get(draft.place_id)
            where = category.name if category else gettext("A category that is no longer here")
            kept.append(Kept(draft, where, None, category))
    return kept


def purge_expired(now: datetime | None = None) -> int:
    """Delete drafts nobody has touched for DRAFT_DAYS; how many."""
    cutoff = (now or utcnow()) - timedelta(days=DRAFT_DAYS)
    return db.session.execute(delete(Draft).where(Draft.updated_at <= cutoff)).rowcount


@queue.periodic_task(queue.crontab(minute="23", hour="3"))
def purge_old_drafts() -> None:
    """Daily. Run twice, the second finds nothing; missed, the next run catches up (and an old
    draft is never read meanwhile)."""
    purge_expired()
    db.session.commit()
