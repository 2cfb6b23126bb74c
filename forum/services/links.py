"""Links that leave the site in emails: addresses built on PUBLIC_URL, and signed tokens.

Emails never use the Host header a request came with: a forged one must not be able to send a
member a password-reset link to somebody else's server.
"""

from contextlib import contextmanager

from flask import current_app, url_for
from flask_babel import gettext
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from forum.database import db
from forum.models import User
from forum.services.errors import ServiceError


class BadLink(ServiceError):
    status_code = 400


@contextmanager
def public_request():
    """Build addresses as the public site has them, from a request or the command line."""
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        yield


def external(endpoint: str, **values) -> str:
    with public_request():
        return url_for(endpoint, _external=True, **values)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"blossom-{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age: int | None = None) -> dict:
    """What a signed link carries; a kind BadLink if it was changed, is too old, or is garbage."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise BadLink(
            gettext(
                "This link has expired. That's only to keep your account safe: ask for a new one."
            )
        ) from None
    except (BadSignature, UnicodeError, ValueError):
        raise BadLink(
            gettext(
                "This link isn't complete or isn't right. Try copying the whole link from the email."
            )
        ) from None
    if not isinstance(payload, dict):
        raise BadLink(gettext("This link isn't right. Try copying the whole link from the email."))
    return payload


def member_in(payload: dict) -> User | None:
    """The member a link's payload names, if there is one."""
    user_id = payload.get("u")
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


def unsubscribe_url(user: User, topic: str) -> str:
    token = make_token("unsubscribe", {"u": user.id, "t": str(topic)})
    return external("notifications.unsubscribe", token=token)
