"""Personal access tokens: keys a member gives an app to use the API as her.

A token is `blossom_pat_` and 43 random characters, so a secret scanner can spot a leaked one.
It is shown once, when made; only its SHA-256 is kept (the secret is random, so no slow hash is
needed). It carries scopes, ends at its expiry, and is revoked by her, or with every sign-in when
she signs out everywhere, sets a new password, or is suspended or banned. Each token made or
revoked goes in her security record. No scope can change her email or password, download her
data, delete her account, or reveal anyone.
"""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from forum.database import db, utcnow
from forum.models import AccessToken, SecurityEvent, User
from forum.services.errors import NotAllowed, ServiceError

PREFIX = "blossom_pat_"
SCOPES = {
    "read": "Read threads, posts, profiles, and what you follow",
    "notifications": "Read your notifications and mark them read",
    "write:posts": "Start threads, reply, and edit or delete your posts",
    "write:reactions": "React to posts and take reactions back",
    "write:reports": "Report posts to the moderators",
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
        raise ServiceError("Give the token a name, so you know which app has it.", "name")
    if len(name.strip()) > NAME_MAX:
        raise ServiceError(f"A name can be up to {NAME_MAX} characters.", "name")
    if not scopes:
        raise ServiceError("Choose at least one thing the app may do.", "scopes")
    if set(scopes) - set(SCOPES):
        raise ServiceError("Choose from the list.", "scopes")
    if days not in EXPIRY_DAYS:
        raise ServiceError("Choose how long the token lasts from the list.", "days")


def create(
    member: User, name: str, scopes: list[str], days: int = DEFAULT_DAYS
) -> tuple[AccessToken, str]:
    """A new token, and its secret: the only time it exists outside the app that gets it."""
    if not member.can_write:  # a suspension or a ban revoked her tokens: none are made now
        raise NotAllowed("While your account is restricted you can't make tokens.")
    check(name, scopes, days)
    if len(active_of(member)) >= ACTIVE_MAX:
        raise ServiceError(
            f"You have {ACTIVE_MAX} tokens already. Revoke one you no longer use first.", "name"
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
