"""Reading: categories, a category's threads, a thread's posts, search and profiles. Open to
visitors; what a member reads is what her pages show her (blocked members folded, hidden posts
in placeholder only)."""

import base64
import binascii
import json
from datetime import datetime

from flask import abort, url_for
from flask_babel import gettext
from spectree import Response as Doc

from forum.api import schemas, serialise
from forum.api.base import ApiError, answer, bp, member, query, readable, spec
from forum.limits import limited
from forum.services import blocking, browsing, profiles, search
from forum.services.shapes import shape_posts, thread_byline
from forum.urls import MAX_ID

READ = ("reading",)


@bp.get("/categories")
@limited("api")
@spec.validate(resp=Doc(HTTP_200=schemas.CategoryList), tags=READ, skip_validation=True)
@readable
def categories():
    """The categories, in the forum's order."""
    found = [serialise.category(c) for c in browsing.categories()]
    return answer(schemas.CategoryList(categories=found))


def _cursor(raw: str | None) -> tuple[bool, datetime, int] | None:
    if not raw:
        return None
    try:
        pinned, moment, thread_id = json.loads(base64.urlsafe_b64decode(raw.encode() + b"=="))
        if not (isinstance(pinned, bool) and isinstance(moment, str)):
            raise TypeError
        if isinstance(thread_id, bool) or not isinstance(thread_id, int):
            raise TypeError
        found = (pinned, datetime.fromisoformat(moment), thread_id)
    except (
        ValueError, TypeError, OverflowError, binascii.Error, UnicodeError, json.JSONDecodeError,
    ):  # fmt: skip
        raise _not_our_cursor() from None
    if not 1 <= found[2] <= MAX_ID or found[1].tzinfo is not None:
        raise _not_our_cursor()
    return found


def _not_our_cursor() -> ApiError:
    return ApiError(
        400, "invalid", gettext("That cursor isn't one we gave."), {"cursor": gettext("Not ours.")}
    )


def _next_cursor(thread) -> str:
    raw = json.dumps([thread.pinned, thread.last_post_at.isoformat(), thread.id])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@bp.get("/categories/<slug>/threads")
@limited("api")
@spec.validate(
    query=schemas.Cursor, resp=Doc(HTTP_200=schemas.ThreadList, HTTP_404=schemas.Error),
    tags=READ, skip_validation=True,
)  # fmt: skip
@readable
def category_threads(slug: str):
    """A category's threads, pinned first, then by latest activity, paged by cursor."""
    asked = query(schemas.Cursor)
    category = browsing.category_by_slug(slug) or abort(404)
    after = _cursor(asked.cursor)
    rows = browsing.threads_after(category, after, asked.limit + 1, member())
    more = len(rows) > asked.limit
    rows = rows[: asked.limit]
    return answer(
        schemas.ThreadList(
            threads=[serialise.thread_summary(row, member()) for row in rows],
            next_cursor=_next_cursor(rows[-1].thread) if more else None,
        )
    )


@bp.get("/threads/<id:thread_id>")
@limited("api")
@spec.validate(
    query=schemas.Positions, resp=Doc(HTTP_200=schemas.ThreadOut, HTTP_404=schemas.Error),
    tags=READ, skip_validation=True,
)  # fmt: skip
@readable
def thread(thread_id: int):
    """A thread and its posts by position: ?from=1&limit=20, then ?from=next_position."""
    asked = query(schemas.Positions)
    viewer = member()
    found = browsing.thread_for_viewer(thread_id, viewer) or abort(404)
    thread, following, _draft = found
    last = min(asked.from_ + asked.limit - 1, thread.post_count)
    posts = []
    if asked.from_ <= thread.post_count:
        shown = browsing.posts_between(thread, asked.from_, last, viewer)
        posts = [serialise.post(s) for s in shape_posts(shown.posts, viewer, shown.folded)]
    return answer(
        schemas.ThreadOut(
            id=thread.id,
            title=thread.title_for(viewer),
            url=url_for("threads.show", thread_id=thread.id),
            category=serialise.category(thread.category),
            author=serialise.author(thread_byline(thread)),
            reply_count=thread.reply_count,
            post_count=thread.post_count,
            locked=thread.locked,
            pinned=thread.pinned,
            following=str(following),
            posts=posts,
            next_position=last + 1 if last < thread.post_count else None,
        )
    )


@bp.get("/search")
@limited("search")
@limited("api")
@spec.validate(
    query=schemas.SearchQuery, resp=Doc(HTTP_200=schemas.SearchOut), tags=READ,
    skip_validation=True,
)  # fmt: skip
@readable
def search_posts():
    """Posts that match the words, best first; as the search page finds them."""
    asked = query(schemas.SearchQuery)
    viewer = member()
    chosen = browsing.category_by_slug(asked.category) if asked.category else None
    if asked.category and chosen is None:
        raise ApiError(
            400,
            "invalid",
            gettext("There is no such category."),
            {"category": gettext("Not found.")},
        )
    results = search.search(search.parse(asked.q), search.Filters(chosen), asked.page)
    found = [r.post for r in results.items]
    shapes = shape_posts(found, viewer, blocking.blocked_among(viewer, found))
    return answer(
        schemas.SearchOut(
            results=[
                schemas.SearchHit(
                    post=serialise.post(shape),
                    thread_id=r.post.thread_id,
                    thread_title=r.post.thread.title_for(viewer),
                    snippet=str(r.snippet) if not shape.folded else "",
                )
                for r, shape in zip(results.items, shapes, strict=True)
            ],
            total=min(results.total, search.COUNT_MAX),
            page=results.page,
            pages=results.pages,
        )
    )


@bp.get("/members/<username>")
@limited("api")
@spec.validate(
    resp=Doc(HTTP_200=schemas.MemberOut, HTTP_404=schemas.Error), tags=READ, skip_validation=True
)
@readable
def profile(username: str):
    """A member's public profile: what her profile page shows."""
    found = profiles.profile(username, member()) or abort(404)
    return answer(serialise.member(found.member, found.parents_helped, found.blocked))
