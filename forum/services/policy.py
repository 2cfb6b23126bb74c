"""Who may do what: each permission and allowed change written once.

Services call these before they act; templates read the same answers from the models' predicates.
Moderation powers come with the role and go while its holder is suspended or banned
(`User.is_moderator`).
"""

from flask_babel import gettext, lazy_gettext

from forum.models import Post, Role, User
from forum.services.audit import refusal
from forum.services.errors import NotAllowed

OWN = lazy_gettext("You can't take moderation action on your own account or posts.")
# Every refusal on an anonymous post: a reason ("that's an admin's post") would say who wrote it.
ANONYMOUS_REFUSAL = lazy_gettext("You can't act on this post. Please ask an admin.")


def require_moderator(user: User) -> None:
    if not (user.is_authenticated and user.is_moderator):
        raise NotAllowed(gettext("Only moderators can do that."))


def require_over(moderator: User, member: User) -> None:
    """Warnings, suspensions and bans (and lifting them): never about oneself, and about staff
    only by an admin."""
    require_moderator(moderator)
    if moderator.may_act_on(member):
        return
    if member.id == moderator.id:
        raise NotAllowed(OWN)
    raise NotAllowed(gettext("Only an admin can take action about a member of staff."))


def require_may_decide(
    moderator: User, post: Post, attempt: str, reason: str, over_admins: bool = True
) -> None:
    """A moderator decides about posts, never their own, and takes down, edits or judges appeals
    about an admin's only as an admin (`over_admins`; bringing one back is for anyone).

    On an anonymous post every refusal is the same, and it is logged: the answer says nothing of
    who wrote it, and trying post after post to find out leaves a trace admins can read."""
    require_moderator(moderator)
    own = post.author_id == moderator.id
    admins = over_admins and post.author.role == Role.ADMIN and not moderator.is_admin
    if not (own or admins):
        return
    if post.anonymous:
        keep = refusal(
            moderator, attempt, reason,
            post_id=post.id, thread_id=post.thread_id, target_user_id=post.author_id,
        )  # fmt: skip
        raise NotAllowed(ANONYMOUS_REFUSAL, keep=keep)
    raise NotAllowed(OWN if own else gettext("Moderators can't act against an admin."))
