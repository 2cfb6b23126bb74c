"""What a member reads of her conversations: one by its key (None to anyone who is not a party,
as for a key that doesn't exist), a page of them, the header's unread count, and how each side
is named to the other."""

from datetime import timedelta

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import selectinload

from forum.database import db, utcnow
from forum.models import MODERATORS, Conversation, ConversationState, Message, Party, User
from forum.services.labels import FORMER_MEMBER
from forum.services.shapes import label_in_words

EXPIRES_AFTER = timedelta(days=365)  # a conversation silent this long goes
PER_PAGE = 25


def _visible_to(party: type[Party]):
    """The conversations a party sees: not ones she left, not a silenced or declined request
    sent to her, not one silent past its expiry."""
    return and_(
        party.left_at.is_(None),
        Conversation.last_message_at > utcnow() - EXPIRES_AFTER,
        or_(
            party.starter,
            and_(~Conversation.silenced, Conversation.state != ConversationState.DECLINED),
        ),
    )


def find(member: User, key: str) -> Conversation | None:
    """The member's conversation by key; None for anyone else's, as for one that doesn't exist."""
    if len(key) > 24:
        return None
    conversation = db.session.scalar(
        select(Conversation)
        .join(Party, Party.conversation_id == Conversation.id)
        .where(Conversation.key == key, Party.user_id == member.id, _visible_to(Party))
        .options(selectinload(Conversation.parties).joinedload(Party.user))
    )
    return conversation


def unread_statement(member: User) -> Select:
    """The header's count of conversations with something new, read with its other counts."""
    return (
        select(func.count(Party.id))
        .join(Conversation, Conversation.id == Party.conversation_id)
        .where(Party.user_id == member.id, _visible_to(Party))
        .where(Conversation.last_sender_id != member.id)
        .where(or_(Party.read_at.is_(None), Conversation.last_message_at > Party.read_at))
    )


def page_of(member: User, page: int) -> tuple[list[Conversation], int]:
    """A page of her conversations, newest first, and how many there are."""
    total = db.session.scalar(
        select(func.count(Party.id))
        .join(Conversation, Conversation.id == Party.conversation_id)
        .where(Party.user_id == member.id, _visible_to(Party))
    )
    rows = db.session.scalars(
        select(Conversation)
        .join(Party, Party.conversation_id == Conversation.id)
        .where(Party.user_id == member.id, _visible_to(Party))
        .options(selectinload(Conversation.parties).joinedload(Party.user))
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return list(rows), total or 0


def messages_of(conversation: Conversation) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation.id)
            .order_by(Message.created_at, Message.id)
        )
    )


def mark_read(member: User, conversation: Conversation) -> None:
    party = conversation.party_of(member)
    if party is not None:
        party.read_at = utcnow()


def shown_as(party: Party, conversation: Conversation) -> str:
    """How a party appears to the other side, in the reader's language: an alias in a private
    reply (names only when both choose), "the Blossom moderators" for a check-in, else her
    display name."""
    if party.alias is not None:
        if party.alias != MODERATORS and all(p.shows_name for p in conversation.parties):
            return _name_of(party.user)
        return label_in_words(party.alias)
    return _name_of(party.user)


def _name_of(member: User) -> str:
    return label_in_words(FORMER_MEMBER) if member.is_deleted else member.display_name
