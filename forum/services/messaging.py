"""Private conversations: requests with consent, messages, blocking, leaving, and what a member
reads of them.

A first message is a request; nothing more goes until its recipient accepts. A request to
someone who blocked its sender is kept for the sender exactly like any other (same answer, same
work), but its recipient never sees it. Every lookup is by a conversation's random key and
answers None to anyone who is not a party, as for a key that doesn't exist.
"""

import secrets
from dataclasses import dataclass

from flask_babel import gettext, lazy_gettext
from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from forum import queue
from forum.database import db, utcnow
from forum.models import (
    REPLIER_ALIAS,
    Block,
    Conversation,
    ConversationState,
    Message,
    MessageBlock,
    MessageReport,
    MessagesFrom,
    Party,
    Post,
    ReportReason,
    User,
)
from forum.services import (
    accounts,
    blocking,
    mentions,
    message_checks,
    message_delivery,
    notify,
    safety,
    unsent,
)
from forum.services.errors import NotAllowed, ServiceError
from forum.services.text import render_markdown

WAITING = lazy_gettext(
    "Your request is waiting for an answer: nothing more can be sent until it's accepted."
)
UNAVAILABLE = lazy_gettext(
    "This post can't take private replies now: it may have been deleted or hidden, or its "
    "author turned them off."
)


# Who may reach whom


def _any_block(models, one_id: int, other_id: int, either_way: bool = True) -> bool:
    pairs = [(one_id, other_id), (other_id, one_id)] if either_way else [(one_id, other_id)]
    found = [
        exists().where(or_(*(and_(m.blocker_id == a, m.blocked_id == b) for a, b in pairs)))
        for m in models
    ]
    return bool(db.session.scalar(select(or_(*found))))  # one statement, whatever it finds


def blocked_between(one_id: int, other_id: int) -> bool:
    """A block either way, from a profile or from a private reply."""
    return _any_block((Block, MessageBlock), one_id, other_id)


def _named_block_between(one_id: int, other_id: int) -> bool:
    return _any_block((Block,), one_id, other_id)


def _has_blocked(member: User, other_id: int) -> bool:
    """A block she made by name. One made from a private reply is never named back to her (it
    would say who the alias was): a request across it is silenced instead (blocked_between)."""
    return _any_block((Block,), member.id, other_id, either_way=False)


def _has_blocked_privately(member: User, other_id: int) -> bool:
    return _any_block((MessageBlock,), member.id, other_id, either_way=False)


def talked_with(one: User, other: User) -> bool:
    """Both have posted by name in one thread, or they have had a conversation by name."""
    mine, theirs = aliased(Post), aliased(Post)
    in_a_thread = (
        select(mine.id)
        .join(theirs, theirs.thread_id == mine.thread_id)
        .where(
            mine.author_id == one.id,
            ~mine.anonymous,
            theirs.author_id == other.id,
            ~theirs.anonymous,
        )
        .exists()
    )
    me, them = aliased(Party), aliased(Party)
    conversed = (
        select(me.id)
        .join(them, them.conversation_id == me.conversation_id)
        .join(Conversation, Conversation.id == me.conversation_id)
        .where(
            me.user_id == one.id,
            them.user_id == other.id,
            me.alias.is_(None),
            them.alias.is_(None),
            Conversation.post_id.is_(None),
            ~Conversation.from_moderators,
            Conversation.state.in_([ConversationState.OPEN, ConversationState.CLOSED]),
        )
        .exists()
    )
    return bool(db.session.scalar(select(in_a_thread | conversed)))


def _earlier(sender: User, recipient: User, post: Post | None) -> Conversation | None:
    """Their latest conversation between the two (about this post, for a private reply)."""
    me, them = aliased(Party), aliased(Party)
    return db.session.scalar(
        select(Conversation)
        .join(me, me.conversation_id == Conversation.id)
        .join(them, them.conversation_id == Conversation.id)
        .where(me.user_id == sender.id, them.user_id == recipient.id)
        .where(
            Conversation.post_id == post.id if post is not None else Conversation.post_id.is_(None)
        )
        .where(~Conversation.from_moderators)
        .order_by(Conversation.id.desc())
        .limit(1)
    )


def _check_pair(sender: User, recipient: User, post: Post | None) -> Conversation | None:
    if recipient.id == sender.id:
        raise ServiceError(gettext("You can't send a message request to yourself."), "body")
    if post is not None and recipient.is_deleted:
        raise ServiceError(str(UNAVAILABLE), "body")
    # To an alias, nothing may say who is behind it: her standing, or a block the sender made
    # of her by name, silences the request (see request) rather than being named.
    if post is None and (recipient.is_deleted or recipient.is_banned):
        raise ServiceError(gettext("This member isn't taking message requests."), "body")
    if post is None and _has_blocked(sender, recipient.id):
        raise ServiceError(
            gettext(
                "You've blocked this member, so you can't write to them. Unblock them first if "
                "you'd like to."
            ),
            "body",
        )
    earlier = _earlier(sender, recipient, post)
    if earlier is not None and earlier.state == ConversationState.DECLINED:
        raise ServiceError(
            gettext("An earlier request wasn't accepted, so another can't be sent."), "body"
        )
    if earlier is not None and earlier.state in (
        ConversationState.REQUESTED,
        ConversationState.OPEN,
    ):
        raise ServiceError(
            gettext("You already have a conversation here: it's in your Messages."), "body"
        )
    if post is None:
        choice = recipient.messages_from
        if choice == MessagesFrom.NOBODY or (
            choice == MessagesFrom.TALKED and not talked_with(sender, recipient)
        ):
            raise NotAllowed(
                gettext(
                    "This member takes message requests only from members they've talked with "
                    "in threads."
                )
                if choice == MessagesFrom.TALKED
                else gettext("This member isn't taking message requests."),
                "body",
            )
    return earlier


@dataclass
class Sent:
    conversation: Conversation
    reads_as_crisis: bool


def new_key() -> str:
    return secrets.token_urlsafe(12)


def request(
    sender: User,
    recipient: User | None,
    body: str,
    *,
    post: Post | None = None,
    kind_ok: bool = False,
    contact_ok: bool = False,
) -> Sent:
    """A first message: text only, up to 500 characters. `post`: a private reply to that
    anonymous post, whose author is the recipient (the caller never needs to know who)."""
    message_checks.check_body(body, message_checks.REQUEST_MAX)
    with unsent.crisis_first(sender, body, REPLIER_ALIAS if post is not None else None):
        if post is not None:
            if not (post.is_visible and not post.is_deleted and post.anonymous):
                raise ServiceError(str(UNAVAILABLE), "body")
            if not post.private_replies:
                raise ServiceError(str(UNAVAILABLE), "body")
            recipient = post.author
        assert recipient is not None  # noqa: S101 -- a recipient or a post always
        message_checks.check_sender(sender)
        _check_pair(sender, recipient, post)
        html = render_markdown(body)
        message_checks.check_request_html(html)
    html = mentions.link(html)[0]  # linked only: nobody else can read it to be told
    crisis = message_checks.pause(body, kind_ok, contact_ok)
    now = utcnow()
    conversation = Conversation(
        key=new_key(),
        post_id=post.id if post is not None else None,
        silenced=blocked_between(sender.id, recipient.id) or recipient.is_banned,
        created_at=now,
        last_message_at=now,
        last_sender_id=sender.id,
    )
    conversation.parties = [
        Party(user_id=sender.id, starter=True, read_at=now,
              alias=REPLIER_ALIAS if post is not None else None),
        Party(user_id=recipient.id, alias=post.anonymous_label if post is not None else None),
    ]  # fmt: skip
    db.session.add(conversation)
    db.session.flush()
    _write(conversation, sender, body, html, now, crisis)
    # Heard of after the response, silenced or not, so a request to someone who blocked its
    # sender takes the same time and the same statements as any other.
    queue.after_commit(message_delivery.tell_of_request, conversation.id)
    return Sent(conversation, crisis)


def _write(
    conversation: Conversation, sender: User, body: str, html: str, now, crisis: bool
) -> Message:
    message = Message(
        conversation_id=conversation.id,
        sender_id=sender.id,
        body_markdown=body,
        body_html=html,
        created_at=now,
    )
    db.session.add(message)
    db.session.flush()
    if crisis:
        # Crisis first: the moderators hear at once, and the writer is shown support, even
        # when the request is silenced and never reaches its recipient.
        db.session.add(
            MessageReport(
                message_id=message.id,
                reporter_id=None,
                reason=ReportReason.AT_RISK,
                details=safety.SYSTEM_REPORT_DETAILS,
            )
        )
        db.session.flush()
    return message


def send(
    sender: User,
    conversation: Conversation,
    body: str,
    kind_ok: bool = False,
    contact_ok: bool = False,
) -> Sent:
    """A message in an open conversation (Markdown, rendered and sanitised as posts are)."""
    party = conversation.party_of(sender)
    other = conversation.other_party(sender)
    if party is None or other is None:
        raise NotAllowed()
    message_checks.check_body(body, message_checks.MESSAGE_MAX)
    with unsent.crisis_first(sender, body, party.alias):
        accounts.ensure_can_post(sender)
        if conversation.state == ConversationState.REQUESTED:
            raise ServiceError(str(WAITING), "body")
        # A block ends the conversations of its own kind (blocking.end_conversations); one of
        # the other kind must not stop this one, which would link an alias to a name.
        if conversation.state != ConversationState.OPEN or (
            not conversation.hides_someone and _named_block_between(sender.id, other.user_id)
        ):
            raise ServiceError(
                gettext("This conversation is closed, so nothing more can be sent."), "body"
            )
    crisis = message_checks.pause(body, kind_ok, contact_ok)
    now = utcnow()
    # Only the conversation as it was read: a second sender meanwhile doesn't move it back.
    db.session.execute(
        update(Conversation)
        .where(Conversation.id == conversation.id)
        .values(last_message_at=now, last_sender_id=sender.id)
    )
    party.read_at = now
    html = mentions.link(render_markdown(body))[0]
    _write(conversation, sender, body, html, now, crisis)
    if other.left_at is None:
        notify.message_sent(other.user, conversation)
    db.session.expire(conversation, ["last_message_at", "last_sender_id"])
    return Sent(conversation, crisis)


# Answering a request, leaving, blocking


def _pending_for(member: User, conversation: Conversation) -> Party:
    party = conversation.party_of(member)
    if party is None or party.starter or conversation.state != ConversationState.REQUESTED:
        raise ServiceError(gettext("This request has already been answered."))
    return party


def accept(member: User, conversation: Conversation) -> None:
    _pending_for(member, conversation)
    conversation.state = ConversationState.OPEN


def decline(member: User, conversation: Conversation) -> None:
    """Declined for good: the same request can't be sent again."""
    _pending_for(member, conversation)
    conversation.state = ConversationState.DECLINED


def leave(member: User, conversation: Conversation) -> None:
    """She leaves; nothing more can be sent. The other reads only that it is closed."""
    party = conversation.party_of(member)
    if party is None:
        raise NotAllowed()
    party.left_at = utcnow()
    if conversation.state in (ConversationState.OPEN, ConversationState.REQUESTED):
        conversation.state = ConversationState.CLOSED


def block(member: User, conversation: Conversation) -> None:
    """Block the other side. In a private reply this acts on the hidden account without naming
    it, and folds none of her posts (that would tell who she is)."""
    other = conversation.other_party(member)
    if other is None or conversation.from_moderators:
        raise ServiceError(
            gettext("You can't block the moderators, but you can leave the conversation.")
        )
    if conversation.hides_someone:
        # Only this conversation ends: closing her named ones too would say who the alias is.
        if not _has_blocked_privately(member, other.user_id):
            db.session.add(MessageBlock(blocker_id=member.id, blocked_id=other.user_id))
        if conversation.state in (ConversationState.OPEN, ConversationState.REQUESTED):
            conversation.state = ConversationState.CLOSED
    else:
        blocking.block(member, other.user)
        blocking.end_conversations(member.id, other.user_id)  # by name, even if blocked before
    party = conversation.party_of(member)
    party.left_at = utcnow()


def show_name(member: User, conversation: Conversation, show: bool) -> None:
    party = conversation.party_of(member)
    if party is None or party.alias is None or conversation.from_moderators:
        raise ServiceError(gettext("Names are only hidden in private replies to anonymous posts."))
    party.shows_name = show


def allow_private_replies(member: User, post: Post, allow: bool) -> None:
    if not post.can_allow_private_replies(member):
        raise NotAllowed()
    post.private_replies = allow
