"""Reactions: a heart, a hug, "me too", "you've got this", "thank you", one of each per member."""

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import gettext, ngettext
from sqlalchemy import case, delete, func, select
from sqlalchemy.exc import IntegrityError

from forum import page_cache
from forum.database import db
from forum.lazy_words import lazy_gettext
from forum.models import REACTIONS, Post, Reaction, ReactionKind, User
from forum.services import accounts, notify
from forum.services.errors import NotAllowed, ServiceError

# What each reaction's button says: the kinds are stored, these words are read.
ACTIONS = {
    ReactionKind.HEART: lazy_gettext("Send a heart"),
    ReactionKind.HUG: lazy_gettext("Send a hug"),
    ReactionKind.ME_TOO: lazy_gettext("Me too"),
    ReactionKind.GOT_THIS: lazy_gettext("You've got this"),
    ReactionKind.THANK_YOU: lazy_gettext("Thank you"),
}


def spoken(kind: ReactionKind, count: int) -> str:
    """How a reaction's count reads aloud: "3 hugs"."""
    if kind == ReactionKind.HEART:
        return ngettext("%(num)d heart", "%(num)d hearts", count)
    if kind == ReactionKind.HUG:
        return ngettext("%(num)d hug", "%(num)d hugs", count)
    if kind == ReactionKind.ME_TOO:
        return ngettext("%(num)d me too", "%(num)d me toos", count)
    if kind == ReactionKind.GOT_THIS:
        return ngettext("%(num)d you've got this", "%(num)d you've got this", count)
    return ngettext("%(num)d thank you", "%(num)d thank yous", count)


@dataclass(frozen=True)
class ReactionCount:
    kind: ReactionKind
    count: int
    mine: bool

    @property
    def emoji(self) -> str:
        return REACTIONS[self.kind][0]

    @property
    def action(self) -> str:
        return str(ACTIONS[self.kind])

    @property
    def spoken(self) -> str:
        """What a screen reader says: "3 hugs"."""
        return spoken(self.kind, self.count)


def toggle_reaction(member: User, post: Post, kind: str) -> bool:
    """Add the reaction, or take it back if it was there. True when it is there now."""
    if kind not in set(ReactionKind):
        raise ServiceError(gettext("That isn't a reaction we know."))
    accounts.ensure_can_write(member)
    if not post.can_react(member):
        if post.author_id == member.id:
            raise NotAllowed(gettext("You can't react to your own post, but others can."))
        raise ServiceError(gettext("This post can't take reactions just now."))
    removed = db.session.execute(
        delete(Reaction).where(
            Reaction.post_id == post.id, Reaction.user_id == member.id, Reaction.kind == kind
        )
    ).rowcount
    page_cache.changed(thread_id=post.thread_id)
    if removed:
        return False
    try:
        with db.session.begin_nested():  # a double tap: the second finds the first
            db.session.add(Reaction(post_id=post.id, user_id=member.id, kind=kind))
    except IntegrityError:
        return True
    notify.reacted(post, kind)
    return True


def reactions_for(posts: list[Post], viewer: User) -> dict[int, list[ReactionCount]]:
    """Every reaction count on a page of posts, and which are the viewer's, in one query."""
    viewer_id = viewer.id if viewer.is_authenticated else None
    counts: dict[int, dict[str, tuple[int, bool]]] = defaultdict(dict)
    if posts:
        rows = db.session.execute(
            select(
                Reaction.post_id,
                Reaction.kind,
                func.count(),
                func.max(case((Reaction.user_id == viewer_id, 1), else_=0)),
            )
            .where(Reaction.post_id.in_([p.id for p in posts]))
            .group_by(Reaction.post_id, Reaction.kind)
        )
        for post_id, kind, count, mine in rows:
            counts[post_id][kind] = (count, bool(mine))
    return {
        post.id: [
            ReactionCount(kind, *counts[post.id].get(kind, (0, False))) for kind in ReactionKind
        ]
        for post in posts
    }
