"""What a reader is shown of a post, a thread and its author, computed once for every channel.

The pages and the API read these same objects, so a post's author label ("Anonymous parent 2"),
what stands in for a post the reader may not see, its reaction counts and whether it is folded
can't be right in one channel and wrong in another. For an anonymous post the byline holds the
label and nothing else: no member, so no id, username, avatar or profile link to leak.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext

from forum.models import MODERATORS, REPLIER_ALIAS, Post, Thread, User
from forum.services import labels
from forum.services.reactions import ReactionCount, reactions_for

# What a reader sees in place of a post she may not read.
PLACEHOLDERS = {
    "deleted": lazy_gettext("This post was deleted by its author."),
    "pending": lazy_gettext("This post is waiting for a moderator."),
    "hidden": lazy_gettext("This post was hidden by a moderator."),
    "removed": lazy_gettext("This post was removed by a moderator."),
}


def label_in_words(label: str) -> str:
    """A label Blossom writes in place of a person, in the reader's language: an author's
    ("Anonymous parent 2", "A former member") or a private reply's ("A parent from the thread",
    "the Blossom moderators"). Labels are stored and compared in English, so only what is shown
    is translated. Anything else (a member's name) comes back as it is."""
    if label == REPLIER_ALIAS:
        return labels.replier_alias()
    if label == MODERATORS:
        return labels.moderators()
    return labels.shown(label)


@dataclass(frozen=True)
class Byline:
    """Who a post or thread shows as written by."""

    label: str  # the display name, or "Anonymous parent 2", or "A former member" (translated)
    member: User | None  # None when anonymous or a former member: nothing more of them is shown
    former: bool = False  # a former member's

    @property
    def anonymous(self) -> bool:
        return self.member is None and not self.former


def post_byline(post: Post) -> Byline:
    if post.anonymous:
        return Byline(labels.anonymous_parent(post.anonymous_number), None)
    return _named(post.author)


def thread_byline(thread: Thread) -> Byline:
    if thread.anonymous:
        return Byline(labels.anonymous_parent(), None)
    return _named(thread.author)


def _named(member: User) -> Byline:
    if member.is_deleted:
        return Byline(labels.former_member(), None, former=True)
    return Byline(member.display_name, member)


@dataclass(frozen=True)
class PostShape:
    post: Post
    placeholder: str | None  # set when the reader may not read it: then nothing else is shown
    byline: Byline | None  # None with a placeholder
    folded: bool  # by a member the reader blocked: shown folded away
    reactions: list[ReactionCount]
    mine: bool
    can_edit: bool
    can_react: bool
    can_report: bool

    @property
    def shown(self) -> bool:
        return self.placeholder is None


def placeholder_for(post: Post, viewer: User) -> str | None:
    if post.is_deleted:
        return str(PLACEHOLDERS["deleted"])
    if not post.can_see_body(viewer):
        return str(PLACEHOLDERS[post.status])
    return None


def shape_posts(posts: list[Post], viewer: User, folded: set[int]) -> list[PostShape]:
    """The posts as the reader is shown them, reactions counted for all of them in one query."""
    counts = reactions_for(posts, viewer)
    shapes = []
    for post in posts:
        placeholder = placeholder_for(post, viewer)
        shown = placeholder is None
        shapes.append(
            PostShape(
                post=post,
                placeholder=placeholder,
                byline=post_byline(post) if shown else None,
                folded=shown and post.id in folded,
                reactions=counts[post.id] if shown else [],
                mine=viewer.is_authenticated and viewer.id == post.author_id,
                can_edit=post.can_edit(viewer),
                can_react=post.can_react(viewer),
                can_report=post.can_report(viewer),
            )
        )
    return shapes
