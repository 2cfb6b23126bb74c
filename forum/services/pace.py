"""How many posts a member may publish in a while: the numbers behind the "posting" limit.

Only published posts are counted (forum/limits.py): a second look before posting, "Check for
similar threads" and a refused form cost nothing. Stricter for an account less than a day old,
as most spam comes from new accounts. Gentler where being cut off would hurt: a member answering
in her own thread (thanking the parents who answered her), and anyone replying in a thread where
someone may be at risk. Those replies are counted on their own, with more room, so they neither
use up her ordinary posts nor wait on them.
"""

from sqlalchemy import select

from forum.database import db
from forum.models import Thread, User
from forum.models.user import NEW_ACCOUNT as NEW_ACCOUNT  # tests read it here
from forum.services import reporting

ORDINARY = "10 per 10 minutes; 100 per day"
ORDINARY_NEW = "3 per 10 minutes; 10 per day"
GENTLER = "30 per 10 minutes; 300 per day"
GENTLER_NEW = "10 per 10 minutes; 50 per day"


def is_new_account(member: User | None) -> bool:
    return member is not None and member.is_new_account


def allowance(member: User | None, gentler: bool) -> str:
    """The posts `member` may publish (None: someone not signed in), in the limits' notation."""
    if is_new_account(member):
        return GENTLER_NEW if gentler else ORDINARY_NEW
    return GENTLER if gentler else ORDINARY


def is_gentler(member: User, thread_id: int | None) -> bool:
    """Whether her reply in this thread takes the gentler count: it is her own thread (named or
    anonymous: only she is told), or a post in it was reported "someone may be at risk". Starting
    a thread (no thread yet) never does."""
    if thread_id is None:
        return False
    author_id = db.session.scalar(select(Thread.author_id).where(Thread.id == thread_id))
    if author_id is None:
        return False
    return author_id == member.id or reporting.thread_flagged_at_risk(thread_id)
