"""Whole pages for visitors, kept until what they show changes.

Every visitor sees the same home, category, thread, search, waiting and profile pages, so one
request renders a page and the next ones are served from the cache: Redis when REDIS_URL is set,
else files in the instance folder that every worker and command shares.

A page is filed under the generations of what it shows: a thread page under its thread's; the
home, category, search, waiting and profile pages under the listings' (renewed by every post
written, edited, hidden or deleted, every thread locked or moved, a new bio and a reply marked
as helping); and every page under the whole forum's (names, avatars and categories appear
everywhere). A service that changes what visitors see says so with `changed()`; when its
transaction commits, each generation it named gets a new random value, so the next visitor
request renders afresh and the old copies are never read again. Copies expire after
CACHE_DEFAULT_TIMEOUT seconds anyway, which also keeps "5 minutes ago" from ageing further.

Never cached: anything for a signed-in member, a page with a message waiting for this visitor,
a page that wrote to the session, and anything but a 200.
"""

import logging
import secrets
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, current_app, has_app_context, make_response, request, session
from flask_caching import Cache
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from forum import i18n
from forum.database import db

log = logging.getLogger(__name__)
cache = Cache()

EVERYTHING = "all"
LISTINGS = "listings"
_CHANGED = "changed_pages"  # in Session.info: the generations the transaction will renew


def thread_scope(thread_id: int) -> str:
    return f"thread:{thread_id}"


def init_page_cache(app: Flask) -> None:
    if app.config["CACHE_TYPE"] == "FileSystemCache" and not app.config.get("CACHE_DIR"):
        app.config["CACHE_DIR"] = str(Path(app.instance_path) / "page-cache")
    cache.init_app(app)


def changed(*, thread_id: int | None = None, listings: bool = False, everything: bool = False):
    """What the current transaction changes on visitors' pages; it takes effect at commit."""
    scopes = db.session.info.setdefault(_CHANGED, set())
    if thread_id is not None:
        scopes.add(thread_scope(thread_id))
    if listings:
        scopes.add(LISTINGS)
    if everything:
        scopes.add(EVERYTHING)


def forget_everything() -> None:
    """For changes made outside the session, such as a restore: no page kept so far is served."""
    _renew({EVERYTHING})


@event.listens_for(Session, "after_commit")
def _renew_generations(session: Session) -> None:
    if scopes := session.info.pop(_CHANGED, None):
        _renew(scopes)


def _renew(scopes: set[str]) -> None:
    if not has_app_context() or not current_app.config["PAGE_CACHE"]:
        return
    try:
        cache.set_many({_generation_key(s): secrets.token_hex(8) for s in scopes}, timeout=0)
    except Exception:  # an unreachable cache: copies expire within CACHE_DEFAULT_TIMEOUT
        log.exception("Could not renew page generations %s", sorted(scopes))


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def _generation_key(scope: str) -> str:
    return f"generation:{scope}"


def _generations(scopes: list[str]) -> list[str] | None:
    """The current generation of each scope, given one if it had none (first use, or evicted:
    a new random value, so no copy kept earlier can match it)."""
    keys = [_generation_key(s) for s in scopes]
    values = cache.get_many(*keys)
    if all(values):
        return values
    for key, value in zip(keys, values, strict=True):
        if not value:
            cache.add(key, secrets.token_hex(8), timeout=0)  # another worker's may win
    values = cache.get_many(*keys)
    return values if all(values) else None


def _for_a_visitor() -> bool:
    return (
        current_app.config["PAGE_CACHE"]
        and request.method in ("GET", "HEAD")
        and not current_user.is_authenticated
        and "_flashes" not in session
    )


def _varying(response: Response) -> Response:
    """The same address reads differently by the language asked for, and the footer's cookie."""
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def for_visitors(scopes: Callable[..., list[str]], varies_on: tuple[str, ...] = ("page",)):
    """Serve this view's page to visitors from the cache, filed under the scopes of what it
    shows (from the view's arguments) and the query arguments in `varies_on`."""

    def decorate(view):
        @wraps(view)
        def cached_view(**kwargs):
            if not _for_a_visitor():
                return view(**kwargs)
            try:
                generations = _generations([EVERYTHING, *scopes(**kwargs)])
                args = urlencode([(name, request.args.get(name, "")) for name in varies_on])
                language = i18n.page_language()  # one visitor's language is not served to all
                key = f"page:{language}:{request.path}?{args}:{'.'.join(generations or [])}"
                page = cache.get(key) if generations else None
            except Exception:
                log.exception("The page cache is unreachable; rendering %s", request.path)
                return view(**kwargs)
            if page is not None:
                return _varying(Response(page, mimetype="text/html"))
            response = _varying(make_response(view(**kwargs)))
            if generations and response.status_code == 200 and not session.modified:
                try:
                    cache.set(key, response.get_data())
                except Exception:
                    log.exception("Could not keep %s in the page cache", request.path)
            return response

        return cached_view

    return decorate
