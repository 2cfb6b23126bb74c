"""Signing up, signing in, and what a member may change about their account."""

import re
import unicodedata
from functools import cache
from importlib import resources

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from forum import page_cache
from forum.database import db, utcnow
from forum.formatting import exact_time
from forum.models import Role, User
from forum.services import labels, sessions, text, tokens
from forum.services.errors import NotAllowed, ServiceError

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_-]{3,30}")
MIN_PASSWORD_LENGTH = 10
RESERVED_USERNAMES = frozenset(
    {
        "admin", "administrator", "anonymous", "anon", "blossom", "deleted", "help", "mod",
        "moderator", "moderators", "null", "none", "owner", "root", "staff", "support",
        "system", "team", "undefined", "guest", "everyone", "official",
    }
)  # fmt: skip


@cache
def _common_passwords() -> frozenset[str]:
    text = resources.files("forum").joinpath("data/common-passwords.txt").read_text()
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def normalize_username(username: str) -> str:
    """Compatibility-normalised (NFKC): a fullwidth "ａｌｉｃｅ" is the "alice" it looks like."""
    return unicodedata.normalize("NFKC", username.strip())


def username_key(username: str) -> str:
    """What uniqueness compares: NFKC, then case-folded, so "ALICE" and "ａｌｉｃｅ" are "alice"."""
    return unicodedata.normalize("NFKC", normalize_username(username).casefold())


def email_key(email: str) -> str:
    """One key per inbox: the address as email-validator normalises it, then lower-cased."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError:
        pass
    return email.strip().lower()


@cache
def _dummy_hash(method: str) -> str:
    """Checked when nobody has that name, so a miss takes as long as a wrong password."""
    return generate_password_hash("not-a-real-password", method=method)


def check_username(username: str) -> None:
    if text.has_invisible(username):
        raise ServiceError(
            gettext(
                "Usernames can't hold invisible characters or ones that change the direction "
                "of text. Try typing it again."
            ),
            "username",
        )
    username = normalize_username(username)
    if not USERNAME_PATTERN.fullmatch(username):
        raise ServiceError(
            gettext("Usernames are 3 to 30 characters: letters, digits, _ and - only."),
            "username",
        )
    if username_key(username) in RESERVED_USERNAMES or labels.passes_for_anonymous(username):
        raise ServiceError(
            gettext("That username is kept for the forum itself. Try another."), "username"
        )


def check_display_name(display_name: str) -> None:
    """A member can't go by a name that reads like one of the labels Blossom writes in place
    of a person, however it is spelled: in a thread it would pass for the anonymous parent
    who started it, or for someone who has left."""
    if text.has_bidi_controls(display_name):
        raise ServiceError(
            gettext(
                "Names can't hold characters that change the direction of text. "
                "Try typing it again."
            ),
            "display_name",
        )
    if labels.passes_for_anonymous(display_name):
        raise ServiceError(
            gettext("Names starting with “Anonymous” are kept for anonymous posts. Try another."),
            "display_name",
        )
    if labels.is_label(display_name):
        raise ServiceError(
            gettext("That name is kept for members who have left. Try another."), "display_name"
        )


def check_password(password: str, *names: str) -> None:
    """Refuse passwords that are short, common, or just the member's own name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            gettext(
                "Passwords need at least %(num)d characters. A short phrase works well.",
                num=MIN_PASSWORD_LENGTH,
            ),
            "password",
        )
    lowered = password.lower()
    if lowered in _common_passwords() or any(len(n) >= 4 and n.lower() in lowered for n in names):
        raise ServiceError(
            gettext("That password is too easy to guess. Try a phrase only you would think of."),
            "password",
        )


def find_by_username(username: str) -> User | None:
    """The member with this name, ignoring case. Text that could be nobody's username (a NUL,
    which PostgreSQL refuses, or a 5,000-character filter) is not looked up at all."""
    statement = by_username(username)
    return None if statement is None else db.session.scalar(statement)


def by_username(username: str, *columns: ColumnElement) -> Select | None:
    """The statement for the member with this name (and any columns to read with them), or None
    for text that could be nobody's username."""
    if not USERNAME_PATTERN.fullmatch(normalize_username(username)):
        return None
    return select(User, *columns).where(User.username_key == username_key(username))


def register(username: str, email: str, password: str, *, locale: str | None = None) -> User:
    """A new member; `locale` is the language she signed up in, so her emails come in it."""
    check_username(username)
    username = normalize_username(username)
    check_password(password, username, email.split("@")[0])
    _check_free(username_key(username))  # said plainly, and at once: a username is public anyway
    # Hashed before the address is looked up, so a taken address answers in the same time.
    password_hash = _hash(password)
    _check_free(username_key(username), email_key(email))
    user = User(
        username=username,
        username_key=username_key(username),
        email=email.strip(),
        email_key=email_key(email),
        password_hash=password_hash,
        display_name=username,
        bio="",
        role=Role.MEMBER,
        locale=locale,
        last_seen_at=utcnow(),
    )
    try:
        with db.session.begin_nested():  # two sign-ups at the same moment: one wins, cleanly
            db.session.add(user)
    except IntegrityError:
        _check_free(username_key(username), email_key(email))
        raise EmailTaken() from None
    return user


def _check_free(name_key: str, address_key: str | None = None) -> None:
    """Refuse a username someone has, or else an address that has an account. The username is
    asked about first at every step, so a sign-up that races another gets the answer it would
    have got a moment later."""
    keys = [User.username_key == name_key]
    if address_key is not None:
        keys.append(User.email_key == address_key)
    taken = db.session.scalars(select(User.username_key).where(or_(*keys))).all()
    if name_key in taken:
        raise ServiceError(gettext("Someone already has that username. Try another."), "username")
    if taken:
        raise EmailTaken()


class EmailTaken(ServiceError):
    """Never shown to whoever signed up: the address's owner is emailed instead."""

    def __init__(self) -> None:
        super().__init__(gettext("That email address already has an account."), "email")


def login_key(login: str) -> str:
    """What a sign-in form's "username or email" names: an email's key, or a username's."""
    return email_key(login) if "@" in login else username_key(login)


def _by_login(key: str):
    return or_(User.username_key == key, User.email_key == key)


def authenticate(login: str, password: str) -> User | None:
    """The member with this username or email and password, or None."""
    user = db.session.scalar(select(User).where(_by_login(login_key(login))))
    if user is None:
        check_password_hash(_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"]), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    if user.is_banned:  # said only to someone who knows the password
        raise ServiceError(
            gettext(
                "This account has been banned, so it can't sign in. "
                "The moderators' reason: %(reason)s",
                reason=user.restriction_reason,
            ),
            "login",
        )
    user.last_seen_at = utcnow()
    return user


def ensure_can_write(user: User) -> None:
    """Suspended and banned members can read, but not post, reply, edit or report."""
    if user.is_banned:
        raise NotAllowed(
            gettext("This account has been banned, so it can't post or change anything.")
        )
    if user.is_suspended:
        raise NotAllowed(
            gettext(
                "Your account is suspended until %(until)s, so you can read but not post, "
                "reply, edit or report until then. The moderators' reason: %(reason)s",
                until=exact_time(user.suspended_until),
                reason=user.restriction_reason,
            )
        )


def ensure_can_post(user: User) -> None:
    """Writing threads and replies may also wait for a confirmed email (REQUIRE_VERIFIED_EMAIL).

    Reporting and reacting don't: a worried member must always be able to reach the moderators.
    """
    ensure_can_write(user)
    if current_app.config["REQUIRE_VERIFIED_EMAIL"] and user.email_verified_at is None:
        raise NotAllowed(
            gettext(
                "Please confirm your email address before posting: we sent you a link. You can "
                "send a new one from Settings › Email address."
            )
        )


def update_profile(user: User, display_name: str, bio: str) -> None:
    """A suspended or banned member keeps the name and bio she had: both are public words."""
    ensure_can_write(user)
    check_display_name(display_name)
    if display_name != user.display_name:  # shown beside every post they signed
        page_cache.changed(everything=True)
    elif bio != user.bio:  # shown on their profile
        page_cache.changed(listings=True)
    user.display_name = display_name
    user.bio = bio


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current):
        raise ServiceError(gettext("That isn't your current password."), "current_password")
    try:
        check_password(new, user.username, user.email.split("@")[0])
    except ServiceError as error:
        raise ServiceError(error.message, "new_password") from None
    set_password(user, new)


def set_password(user: User, password: str) -> None:
    """A new password ends every sign-in: a stolen cookie dies with the old password."""
    user.password_hash = _hash(password)
    sessions.end_all(user.id)
    tokens.revoke_all(user.id, tokens.NEW_PASSWORD)
