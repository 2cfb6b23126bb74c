"""What addresses may hold: a huge id or a control character is a 404, never a database error."""

from urllib.parse import urlsplit

from flask import request
from werkzeug.routing import IntegerConverter, UnicodeConverter

MAX_ID = 2**31 - 1  # the largest INTEGER primary key on PostgreSQL


def record_id(value: str) -> int:
    """Parse an id from a query string; ValueError (so None from request.args.get) otherwise."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


class IdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, min=1, max=MAX_ID)
        self.regex = "[0-9]+"  # ASCII digits only: "١" is not an id


class TextConverter(UnicodeConverter):
    """The default for <name> parts: any text but a slash or a control character (NUL breaks PostgreSQL)."""

    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = "[^/\x00-\x1f\x7f]+"


def local_path(target: str | None) -> str | None:
    """A `next` address only if it stays on this site: a path, never another host."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return None
    return target


def came_from() -> str | None:
    """The page of this site the request was sent from (the Referer, which our
    Referrer-Policy, same-origin, sends only to us), to go back to."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:
        return None
    return local_path(parts.path + (f"?{parts.query}" if parts.query else ""))
