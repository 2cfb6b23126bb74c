"""Sign-ins kept on the server, so each can be ended: on logout, from "Signed-in devices", and
all at once when the password changes or a moderator bans or suspends the member.

The session and remember-me cookies carry "<member id>:<secret>"; the database keeps a hash of the
secret. Loading the member and the sign-in is one query, the same as loading the member alone;
"last seen" is written at most once every TOUCH_EVERY, in a short transaction of its own. A
sign-in nobody has used for IDLE_LIMIT ends by itself: a cookie left on a lost phone or a shared
computer stops working, and the list of devices stays short.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import joinedload

from forum.database import db, utcnow, writing_request
from forum.models import LoginSession, User

TOUCH_EVERY = timedelta(minutes=5)
IDLE_LIMIT = timedelta(days=90)

# Checked in order: the first browser and the first system that match name the device.
_BROWSERS = (
    ("SamsungBrowser", "Samsung Internet"),
    ("Edg", "Edge"),
    ("OPR", "Opera"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
_SYSTEMS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def device_name(user_agent: str | None) -> str:
    """A plain name for the device a sign-in came from, such as "Safari on iPhone". It is stored,
    so it stays in English (is_phone reads it); the devices page words it in the reader's
    language."""
    agent = user_agent or ""
    browser = next((name for key, name in _BROWSERS if re.search(rf"\b{key}/", agent)), None)
    system = next((name for key, name in _SYSTEMS if key in agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "An unknown browser"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, user_agent: str | None) -> LoginSession:
    """A new sign-in with a new secret, attached to `user` so the cookie names it. The member's
    sign-ins that ended by being left unused are cleared away."""
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id, ~_in_use()))
    token = secrets.token_urlsafe(32)
    record = LoginSession(user_id=user.id, token_hash=_hash(token), device=device_name(user_agent))
    db.session.add(record)
    db.session.flush()
    user.session_token = token
    return record


def load(cookie_id: str) -> User | None:
    """The member a cookie names, if its sign-in has not been ended, with any warnings they
    have yet to read: one query."""
    user_id, _, token = cookie_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    row = (
        db.session.execute(
            select(User, LoginSession)
            .join(LoginSession, LoginSession.user_id == User.id)
            .where(User.id == int(user_id), LoginSession.token_hash == _hash(token), _in_use())
            .options(joinedload(User.warnings_to_read))
        )
        .unique()
        .first()
    )
    if row is None:
        return None
    user, record = row
    if user.is_banned or user.is_deleted:
        return None
    user.session_token = token
    if record.last_seen_at < utcnow() - TOUCH_EVERY:
        _touch(record.id)
    return user


def _in_use() -> ColumnElement[bool]:
    """A sign-in used within IDLE_LIMIT: one left longer has ended."""
    return LoginSession.last_seen_at >= utcnow() - IDLE_LIMIT


def _touch(record_id: int) -> None:
    """Write "last seen" in its own transaction, so a page that only reads stays a reader; a
    request that writes already holds the lock (SQLite), so it is written in that one."""
    if writing_request():
        statement = update(LoginSession).where(LoginSession.id == record_id)
        db.session.execute(statement.values(last_seen_at=utcnow()))
        return
    with db.engine.begin() as connection:
        connection.execute(
            update(LoginSession).where(LoginSession.id == record_id).values(last_seen_at=utcnow())
        )


def current(user: User) -> LoginSession | None:
    if user.session_token is None:
        return None
    return db.session.scalar(
        select(LoginSession).where(LoginSession.token_hash == _hash(user.session_token))
    )


def of_member(user: User) -> list[LoginSession]:
    """A member's sign-ins, the most recently used first."""
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, _in_use())
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def end(user: User, session_id: int) -> bool:
    """End one of the member's own sign-ins; False if there was none by that id."""
    ended = db.session.execute(
        delete(LoginSession).where(LoginSession.id == session_id, LoginSession.user_id == user.id)
    ).rowcount
    return bool(ended)


def end_current(user: User) -> None:
    if user.session_token is not None:
        db.session.execute(
            delete(LoginSession).where(LoginSession.token_hash == _hash(user.session_token))
        )


def end_all(user_id: int, keep: LoginSession | None = None) -> int:
    """End every sign-in of a member (but `keep`, if given); how many were ended."""
    statement = delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep is not None:
        statement = statement.where(LoginSession.id != keep.id)
    return db.session.execute(statement).rowcount
