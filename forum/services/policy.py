"""Who may do what: each permission and allowed change written once.

Services call these before they act; templates read the same answers from the models' predicates.
"""

from forum.models import Post, User
from forum.services.errors import NotAllowed


def require_moderator(user: User) -> None:
    if not (user.is_authenticated and user.is_moderator):
        raise NotAllowed("Only moderators can do that.")


def require_over(moderator: User, member: User, anonymous: bool = False) -> None:
    """A moderator may act on members, never on themselves, and only admins on admins.

    On an anonymous post the refusal names no reason: "that's an admin's post" would say who.
    """
    require_moderator(moderator)
    refused = member.id == moderator.id or (member.is_admin and not moderator.is_admin)
    if refused and anonymous:
        raise NotAllowed("You can't act on this post. Please ask an admin.")
    if member.id == moderator.id:
        raise NotAllowed("You can't take moderation action on your own account or posts.")
    if member.is_admin and not moderator.is_admin:
        raise NotAllowed("Moderators can't act against an admin.")


def require_not_own(moderator: User, post: Post) -> None:
    """Leaving a post up or bringing it back is for moderators, but never on their own post:
    reports about a moderator are decided by someone else."""
    require_moderator(moderator)
    if post.author_id == moderator.id:
        raise NotAllowed("You can't take moderation action on your own account or posts.")
