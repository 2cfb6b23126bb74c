"""Moderation without surveillance: moderators read a conversation only where a party reported a
message (with the context she chose), every reading is written to the audit log, and a
private reply's parties are named only through the audited reveal. Moderators can also open a
check-in, a conversation from "the Blossom moderators" that needs no accepting."""

from dataclasses import dataclass

from flask_babel import gettext
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import joinedload

from forum.database import db, utcnow
from forum.models import (
    MODERATORS,
    Action,
    Conversation,
    ConversationState,
    Message,
    MessageReport,
    ModerationAction,
    Party,
    Post,
    ReportReason,
    ReportStatus,
    User,
)
from forum.services import message_checks, messaging, notify
from forum.services.audit import record, require_reason
from forum.services.errors import AlreadyHandled, NotAllowed, ServiceError
from forum.services.labels import FORMER_MEMBER
from forum.services.policy import require_moderator
from forum.services.shapes import label_in_words
from forum.services.text import render_markdown

CONTEXT_MAX = 10


def report(
    reporter: User, conversation: Conversation, message: Message, reason: str, details: str,
    context: int,
) -> MessageReport:  # fmt: skip
    """A party reports a message, with up to 10 messages before it for the moderators to read."""
    if conversation.party_of(reporter) is None or message.conversation_id != conversation.id:
        raise NotAllowed()
    if reason not in set(ReportReason):
        raise ServiceError(gettext("Choose a reason."), "reason")
    context = min(max(context, 0), CONTEXT_MAX)
    open_report = db.session.scalar(
        select(MessageReport).where(
            MessageReport.message_id == message.id,
            MessageReport.reporter_id == reporter.id,
            MessageReport.status == ReportStatus.OPEN,
        )
    )
    if open_report is not None:  # reporting again updates it
        open_report.reason, open_report.details, open_report.context = reason, details, context
        return open_report
    entry = MessageReport(
        message_id=message.id, reporter_id=reporter.id, reason=reason, details=details,
        context=context,
    )  # fmt: skip
    db.session.add(entry)
    db.session.flush()
    return entry


def open_reports() -> list[MessageReport]:
    """Open message reports: someone at risk first, then the oldest."""
    at_risk = case((MessageReport.reason == ReportReason.AT_RISK, 0), else_=1)
    return list(
        db.session.scalars(
            select(MessageReport)
            .where(MessageReport.status == ReportStatus.OPEN)
            .order_by(at_risk, MessageReport.created_at, MessageReport.id)
            .limit(25)
        )
    )


def open_count_statement():
    return select(func.count(MessageReport.id)).where(MessageReport.status == ReportStatus.OPEN)


@dataclass
class Reading:
    report: MessageReport
    conversation: Conversation
    messages: list[Message]  # the reported message and the context before it, oldest first
    names: dict[int, str]  # sender id -> how the page names them (aliases stay aliases)


def read(moderator: User, report_id: int) -> Reading | None:
    """A moderator reads one reported message and its chosen context: logged every time."""
    require_moderator(moderator)
    entry = db.session.get(MessageReport, report_id)
    if entry is None:
        return None
    message = entry.message
    conversation = db.session.scalar(
        select(Conversation)
        .where(Conversation.id == message.conversation_id)
        .options(joinedload(Conversation.parties).joinedload(Party.user))
    )
    before = list(
        db.session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation.id, Message.id < message.id)
            .order_by(Message.id.desc())
            .limit(entry.context)
        )
    )
    names = {p.user_id: _moderators_name(p, conversation) for p in conversation.parties}
    record(
        moderator, Action.READ_MESSAGES, "Read a reported message", detail=f"report {entry.id}",
        target_user_id=None if conversation.hides_someone else message.sender_id,
    )  # fmt: skip
    return Reading(entry, conversation, [*reversed(before), message], names)


def _moderators_name(party: Party, conversation: Conversation) -> str:
    if party.alias is not None:
        return label_in_words(party.alias)  # only the reveal says who
    if party.user.is_deleted:
        return label_in_words(FORMER_MEMBER)
    return party.user.display_name


def _open(moderator: User, report_id: int) -> MessageReport:
    require_moderator(moderator)
    entry = db.session.get(MessageReport, report_id)
    if entry is None or entry.status != ReportStatus.OPEN:
        raise AlreadyHandled(gettext("This report was already handled, so nothing was changed."))
    return entry


def close(moderator: User, report_id: int, reason: str, caring: bool = False) -> ModerationAction:
    reason = require_reason(reason)
    entry = _open(moderator, report_id)
    changed = db.session.execute(
        update(MessageReport)
        .where(MessageReport.id == entry.id, MessageReport.status == ReportStatus.OPEN)
        .values(
            status=ReportStatus.DISMISSED,
            resolved_by_id=moderator.id,
            resolved_at=utcnow(),
            resolution="A moderator checked in" if caring else "Reviewed",
        )  # fmt: skip
    ).rowcount
    if not changed:
        raise AlreadyHandled(gettext("This report was already handled, so nothing was changed."))
    return record(
        moderator, Action.CHECK_IN if caring else Action.DISMISS, reason,
        detail=f"message report {entry.id}",
    )  # fmt: skip


def reveal(moderator: User, report_id: int, reason: str) -> User:
    """Who wrote a reported message in a private reply: shown to this moderator, and logged."""
    require_moderator(moderator)
    reason = require_reason(reason)
    entry = db.session.get(MessageReport, report_id)
    if entry is None:
        raise AlreadyHandled(gettext("This report is no longer here."))
    record(moderator, Action.REVEAL, reason, detail=f"message report {entry.id}")
    return db.session.get(User, entry.message.sender_id)


def check_in_with(
    moderator: User, member: User, words: str, post: Post | None = None
) -> Conversation:
    """A conversation from "the Blossom moderators", open at once: not a request. She can reply,
    or not. About an anonymous post, she appears to the moderator only by its label."""
    require_moderator(moderator)
    message_checks.check_body(words, message_checks.MESSAGE_MAX)
    now = utcnow()
    conversation = Conversation(
        key=messaging.new_key(), state=ConversationState.OPEN, from_moderators=True,
        created_at=now, last_message_at=now, last_sender_id=moderator.id,
    )  # fmt: skip
    label = post.anonymous_label if post is not None and post.anonymous else None
    conversation.parties = [
        Party(user_id=moderator.id, starter=True, alias=MODERATORS, read_at=now),
        Party(user_id=member.id, alias=label),
    ]
    db.session.add(conversation)
    db.session.flush()
    db.session.add(
        Message(
            conversation_id=conversation.id, sender_id=moderator.id, body_markdown=words,
            body_html=render_markdown(words), created_at=now,
        )
    )  # fmt: skip
    notify.message_sent(member, conversation)
    return conversation


def check_in_about(moderator: User, report_id: int, words: str) -> Conversation | None:
    """The caring answer to a message that reads as a crisis: a check-in with its writer."""
    if not words.strip():
        return None
    entry = db.session.get(MessageReport, report_id)
    conversation = db.session.get(Conversation, entry.message.conversation_id)
    writer = db.session.get(User, entry.message.sender_id)
    party = conversation.party_of(writer)
    check_in = check_in_with(moderator, writer, words)
    if party is not None and party.alias is not None:
        check_in.parties[1].alias = party.alias  # the moderators still don't learn who
    return check_in
