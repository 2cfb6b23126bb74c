"""Personal access tokens: keys a member gives an app to use the API as her.

A token is `blossom_pat_` and 43 random characters, so a secret scanner can spot a leaked one.
It is shown once, when made; only its SHA-256 is kept (the secret is random, so no slow hash is
needed). It carries scopes, ends at its expiry, and is revoked by her, or with every sign-in when
she signs out everywhere, sets a new password, or is suspended or banned. Each token made or
revoked goes in her security record. No scope can change her email or password, download her
data, delete her account, or reveal anyone.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from babel.lists import format_list
from flask_babel import get_locale, gettext, ngettext
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from forum.database import db, utcnow
from forum.lazy_words import lazy_gettext
from forum.models import AccessToken, SecurityEvent, User
from forum.services.errors import NotAllowed, ServiceError

PREFIX = "blossom_pat_"
SCOPES = {
    "read": lazy_gettext("Read threads, posts, profiles, and what you follow"),
    "notifications": lazy_gettext("Read your notifications and mark them read"),
    "write:posts": lazy_gettext("Start threads, reply, and edit or delete your posts"),
    "write:reactions": lazy_gettext("React to posts and take reactions back"),
    "write:reports": lazy_gettext("Report posts to the moderators"),
}
# A scope in a word, where a token's scopes are listed: "reading, posting".
SCOPE_NAMES = {
    "read": lazy_gettext("reading"),
    "notifications": lazy_gettext("notifications"),
    "write:posts": lazy_gettext("posting"),
    "write:reactions": lazy_gettext("reacting"),
    "write:reports": lazy_gettext("reporting"),
}
EXPIRY_DAYS = (7, 30, 90, 365)
DEFAULT_DAYS = 90
NAME_MAX = 60
ACTIVE_MAX = 20  # tokens a member may have at once
TOUCH_EVERY = timedelta(minutes=1)

# Why every token of a member ended at once, as her security record says it.
SIGNED_OUT_EVERYWHERE = "you signed out everywhere"
NEW_PASSWORD = "your password changed"  # noqa: S105 -- a reason, not a secret
SUSPENDED = "your account was suspended"
BANNED = "your account was banned"


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _record(user_id: int, kind: str, detail: str) -> None:
    db.session.add(SecurityEvent(user_id=user_id, kind=kind, detail=detail[:200]))


def check(name: str, scopes: list[str], days: int) -> None:
    if not name.strip():
        raise ServiceError(gettext("Give the token a name, so you know which app has it."), "name")
    if len(name.strip()) > NAME_MAX:
        raise ServiceError(
            gettext("A name can be up to %(most)d characters.", most=NAME_MAX), "name"
        )
    if not scopes:
        raise ServiceError(gettext("Choose at least one thing the app may do."), "scopes")
    if set(scopes) - set(SCOPES):
        raise ServiceError(gettext("Choose from the list."), "scopes")
    if days not in EXPIRY_DAYS:
        raise ServiceError(gettext("Choose how long the token lasts from the list."), "days")


def create(
    member: User, name: str, scopes: list[str], days: int = DEFAULT_DAYS
) -> tuple[AccessToken, str]:
    """A new token, and its secret: the only time it exists outside the app that gets it."""
    if not member.can_write:  # a suspension or a ban revoked her tokens: none are made now
        raise NotAllowed(gettext("While your account is restricted you can't make tokens."))
    check(name, scopes, days)
    if len(active_of(member)) >= ACTIVE_MAX:
        raise ServiceError(
            ngettext(
                "You have %(num)d token already. Revoke it first if you no longer use it.",
                "You have %(num)d tokens already. Revoke one you no longer use first.",
                ACTIVE_MAX,
            ),
            "name",
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    chosen = [scope for scope in SCOPES if scope in scopes]  # in the list's order, once each
    token = AccessToken(
        user_id=member.id,
        name=name.strip(),
        token_hash=_hash(secret),
        hint=secret[: len(PREFIX) + 4],
        scopes=" ".join(chosen),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    _record(member.id, "token-created", f"Token “{token.name}” made ({', '.join(chosen)})")
    db.session.flush()
    return token, secret


def authenticate(secret: str, reading: bool = True) -> tuple[User, AccessToken] | None:
    """The member and token a secret names, if it is in force: one query. "Last used" is
    written apart for a request that only reads, and with the request's own writes otherwise
    (which hold the write lock already)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    row = (
        db.session.execute(
            select(User, AccessToken)
            .join(AccessToken, AccessToken.user_id == User.id)
            .where(
                AccessToken.token_hash == _hash(secret),
                AccessToken.revoked_at.is_(None),
                AccessToken.expires_at > utcnow(),
            )
            .options(joinedload(User.warnings_to_read))
        )
        .unique()
        .first()
    )
    if row is None:
        return None
    user, token = row
    if user.is_banned or user.is_deleted or user.is_suspended:
        return None
    if not reading:
        token.last_used_at = utcnow()
    elif token.last_used_at is None or token.last_used_at < utcnow() - TOUCH_EVERY:
        _touch(token.id)
    return user, token


def _touch(token_id: int) -> None:
    """Write "last used" in its own transaction, so a request that only reads stays a reader."""
    with db.engine.begin() as connection:
        connection.execute(
            update(AccessToken).where(AccessToken.id == token_id).values(last_used_at=utcnow())
        )


def active_of(member: User) -> list[AccessToken]:
    return list(
        db.session.scalars(
            select(AccessToken)
            .where(
                AccessToken.user_id == member.id,
                AccessToken.revoked_at.is_(None),
                AccessToken.expires_at > utcnow(),
            )
            .order_by(AccessToken.created_at.desc(), AccessToken.id.desc())
        )
    )


def events_of(member: User, limit: int = 20) -> list[SecurityEvent]:
    return list(
        db.session.scalars(
            select(SecurityEvent)
            .where(SecurityEvent.user_id == member.id)
            .order_by(SecurityEvent.created_at.desc(), SecurityEvent.id.desc())
            .limit(limit)
        )
    )


def revoke(member: User, token_id: int) -> bool:
    """Revoke one of her own tokens; False if she has none in force by that id."""
    token = db.session.scalar(
        select(AccessToken).where(
            AccessToken.id == token_id,
            AccessToken.user_id == member.id,
            AccessToken.revoked_at.is_(None),
        )
    )
    if token is None:
        return False
    token.revoked_at = utcnow()
    _record(member.id, "token-revoked", f"Token “{token.name}” revoked by you")
    return True


def scope_words(scopes: list[str]) -> str:
    """A token's scopes as the reader's language lists them: "reading, posting and reacting"."""
    names = [str(SCOPE_NAMES.get(scope, scope)) for scope in scopes]
    return format_list(names, locale=get_locale() or "en") if names else ""


_MADE = re.compile(r"Token “(?P<name>.*)” made \((?P<scopes>.*)\)", re.DOTALL)
_REVOKED = re.compile(r"Token “(?P<name>.*)” revoked by you", re.DOTALL)
_ALL_REVOKED = re.compile(r"Every token revoked \((?P<num>\d+)\): (?P<why>.*)", re.DOTALL)


def event_words(event: SecurityEvent) -> str:
    """A line of her security record in her language. The record keeps the English it was
    written in (as her data download shows it); each kind of line is said again here."""
    if found := _MADE.fullmatch(event.detail):
        scopes = scope_words(found["scopes"].split(", "))
        return gettext("Token “%(name)s” made (%(scopes)s)", name=found["name"], scopes=scopes)
    if found := _REVOKED.fullmatch(event.detail):
        return gettext("Token “%(name)s” revoked by you", name=found["name"])
    if found := _ALL_REVOKED.fullmatch(event.detail):
        num, why = int(found["num"]), found["why"]
        if why == SIGNED_OUT_EVERYWHERE:
            return gettext("Every token revoked (%(num)d): you signed out everywhere", num=num)
        if why == NEW_PASSWORD:
            return gettext("Every token revoked (%(num)d): your password changed", num=num)
        if why == SUSPENDED:
            return gettext("Every token revoked (%(num)d): your account was suspended", num=num)
        if why == BANNED:
            return gettext("Every token revoked (%(num)d): your account was banned", num=num)
    return event.detail


def revoke_all(user_id: int, why: str) -> int:
    """Revoke every token of a member in force; recorded with the reason when there were any."""
    revoked = db.session.execute(
        update(AccessToken)
        .where(AccessToken.user_id == user_id, AccessToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount
    if revoked:
        _record(user_id, "token-revoked", f"Every token revoked ({revoked}): {why}")
    return revoked
