"""Crisis first, even for words that are never sent: a request or message refused for any
reason (too new, the day's requests used, a link, a closed conversation, a member not taking
requests) whose words read as a crisis still shows its writer the support resources and still
reaches the moderators, as an at-risk report on a copy that only she and they can ever read.
Its intended recipient is never a party to the copy, so nothing of it reaches her."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from forum.database import db, utcnow
from forum.models import (
    Conversation,
    ConversationState,
    Message,
    MessageReport,
    Party,
    ReportReason,
    User,
)
from forum.services import safety
from forum.services.errors import ServiceError
from forum.services.text import render_markdown


@contextmanager
def crisis_first(sender: User, body: str, alias: str | None) -> Iterator[None]:
    """Around a message's checks: a refusal of words that read as a crisis says so
    (`reads_as_crisis`, for the support resources) and files the report after its rollback.
    `alias`: how the sender appears where she wrote, so the moderators learn no more."""
    try:
        yield
    except ServiceError as error:
        if safety.mentions_crisis(body):
            error.reads_as_crisis = True
            earlier = error.keep

            def keep() -> None:
                if earlier is not None:
                    earlier()
                _file(sender.id, body, alias)

            error.keep = keep
        raise


def _file(sender_id: int, body: str, alias: str | None) -> None:
    now = utcnow()
    conversation = Conversation(
        key=secrets.token_urlsafe(12), state=ConversationState.CLOSED, silenced=True,
        created_at=now, last_message_at=now, last_sender_id=sender_id,
    )  # fmt: skip
    # She alone is a party, and has left it: it is in nobody's Messages.
    conversation.parties = [
        Party(user_id=sender_id, starter=True, alias=alias, read_at=now, left_at=now)
    ]
    db.session.add(conversation)
    db.session.flush()
    message = Message(
        conversation_id=conversation.id, sender_id=sender_id, body_markdown=body,
        body_html=render_markdown(body), created_at=now,
    )  # fmt: skip
    db.session.add(message)
    db.session.flush()
    db.session.add(
        MessageReport(
            message_id=message.id, reporter_id=None, reason=ReportReason.AT_RISK,
            details=safety.SYSTEM_REPORT_DETAILS,
        )
    )  # fmt: skip
