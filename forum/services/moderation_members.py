"""Finding a member and reading what she wrote by name: for moderators only.

Neither ever ties a member to anonymous content: a search matches names and says nothing of
posts, and her recent posts are the named ones outside any thread she started anonymously (a
named reply there would say whose the opening post is). Only the audited reveal names the author
of an anonymous post.
"""

from sqlalchemy import and_, func, not_, or_, select
from sqlalchemy.orm import joinedload

from forum.database import db
from forum.models import Post, Thread, User
from forum.services.accounts import username_key
from forum.services.policy import require_moderator

SEARCH_MAX = 50  # characters of a search
RESULTS = 20


def search_members(moderator: User, query: str, limit: int = RESULTS) -> list[User]:
    """Members whose username or display name contains the words, exact usernames first."""
    require_moderator(moderator)
    words = " ".join(query.split())[:SEARCH_MAX]
    if not words:
        return []
    key = username_key(words)
    exact = User.username_key == key
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.deleted_at.is_(None),
                or_(
                    User.username_key.contains(key, autoescape=True),
                    func.lower(User.display_name).contains(words.lower(), autoescape=True),
                ),
            )
            .order_by(exact.desc(), User.username_key)
            .limit(limit)
        )
    )


def recent_named_posts(moderator: User, member: User, limit: int = 10) -> list[Post]:
    """Her latest posts by name, taken down ones too (deleted ones are gone), newest first."""
    require_moderator(moderator)
    in_her_anonymous_thread = and_(Thread.anonymous, Thread.author_id == member.id)
    return list(
        db.session.scalars(
            select(Post)
            .join(Thread, Thread.id == Post.thread_id)
            .where(
                Post.author_id == member.id,
                Post.anonymous.is_(False),
                Post.deleted_at.is_(None),
                not_(in_her_anonymous_thread),
            )
            .options(joinedload(Post.thread))
            .order_by(Post.created_at.desc(), Post.id.desc())
            .limit(limit)
        )
    )
