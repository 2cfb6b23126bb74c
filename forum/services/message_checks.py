"""What a private message must pass: who may start a request, its size, no links or images in a
first message, and the second looks (kind words; contact details, since off-site contact is where
harm happens).

Crisis first: words that read as a crisis are never held back by a second look."""

import re
from datetime import timedelta

from flask import current_app
from flask_babel import format_decimal, gettext, ngettext
from sqlalchemy import exists, func, select

from forum.database import db, utcnow
from forum.models import Conversation, Party, Post, User
from forum.services import accounts, safety
from forum.services.errors import NotAllowed, ServiceError
from forum.services.posting_rules import KindnessCheck, Pause

REQUEST_MAX = 500
MESSAGE_MAX = 5_000

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]*[a-z]", re.IGNORECASE)
# Seven digits or more, with the spaces, dots, dashes and brackets phone numbers are written with.
_PHONE = re.compile(r"(?<![\w])\+?\d(?:[\s().-]{0,2}\d){6,}")
_SOCIAL = re.compile(
    r"(?<!\w)(?:insta(?:gram)?|ig|snap(?:chat)?|whats ?app|telegram|signal|facebook|fb|tik ?tok|"
    r"twitter|x\.com|discord|messenger|wechat|kik|my (?:handle|number|email|username))(?!\w)",
    re.IGNORECASE,
)


class TooSoon(NotAllowed):
    status_code = 429


class ContactCheck(Pause):
    """Contact details in a message: a pause to think before moving off Blossom."""

    kind = "contact"

    def __init__(self) -> None:
        super().__init__(
            gettext(
                "Sharing contact details? It looks like this message holds a phone number, an "
                "email address or a social-media handle. Off Blossom, nobody can help if things "
                "go wrong. If you're sure, you can send it anyway."
            ),
            "body",
        )


def has_contact_details(text: str) -> bool:
    return any(p.search(text) for p in (_EMAIL, _PHONE, _SOCIAL))


def check_body(text: str, limit: int) -> None:
    if not text.strip():
        raise ServiceError(gettext("Write a few words first."), "body")
    if len(text) > limit:
        raise ServiceError(
            gettext(
                "Your message is %(length)s characters; it can be up to %(limit)s. Your text is "
                "all still here, so you can trim it.",
                length=format_decimal(len(text)),
                limit=format_decimal(limit),
            ),
            "body",
        )


def check_request_html(html: str) -> None:
    """A first message is text only: no links or images."""
    if "<a " in html or "<img" in html:
        raise ServiceError(
            gettext(
                "A first message can't hold links or images. Your text is still here, so you can "
                "take them out."
            ),
            "body",
        )


def pause(text: str, kind_ok: bool, contact_ok: bool) -> bool:
    """The second looks, each asked once; True when the words read as a crisis (then none is)."""
    if safety.mentions_crisis(text):
        return True
    if not kind_ok and (words := safety.unkind_words(text)):
        raise KindnessCheck(words)
    if not contact_ok and has_contact_details(text):
        raise ContactCheck()
    return False


def check_sender(sender: User) -> None:
    """Who may start a request: in good standing, old enough, has posted (as configured), and
    within the day's requests."""
    accounts.ensure_can_post(sender)
    config = current_app.config
    age = timedelta(days=config["MESSAGE_REQUEST_MIN_AGE_DAYS"])
    if sender.created_at > utcnow() - age:
        raise NotAllowed(
            ngettext(
                "Message requests open once your account is %(num)d day old. Until then, "
                "replies in threads are the way to reach other parents.",
                "Message requests open once your account is %(num)d days old. Until then, "
                "replies in threads are the way to reach other parents.",
                age.days,
            ),
            "body",
        )
    if config["MESSAGE_REQUEST_NEEDS_POST"] and not db.session.scalar(
        select(exists().where(Post.author_id == sender.id))
    ):
        raise NotAllowed(
            gettext(
                "Message requests open once you've posted in a thread. Say hello in one first?"
            ),
            "body",
        )
    since = utcnow() - timedelta(days=1)
    started = db.session.scalar(
        select(func.count(Party.id))
        .join(Conversation, Conversation.id == Party.conversation_id)
        .where(Party.user_id == sender.id, Party.starter, ~Conversation.from_moderators)
        .where(Conversation.created_at >= since)
    )
    cap = config["MESSAGE_REQUEST_DAILY_CAP"]
    if started >= cap:
        raise TooSoon(
            ngettext(
                "You can send %(num)d message request a day, and you've sent it. Your text is "
                "still here: try again tomorrow.",
                "You can send %(num)d message requests a day, and you've sent them all. Your text "
                "is still here: try again tomorrow.",
                cap,
            ),
            "body",
        )
