"""What a private message must pass: its size, no links or images in a first message, and the
second looks (kind words; contact details, since off-site contact is where harm happens).

Crisis first: words that read as a crisis are never held back by a second look."""

import re

from flask_babel import format_decimal, gettext

from forum.services import safety
from forum.services.errors import ServiceError
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
