"""What the views share in answering: the page of a list asked for, support first after words
that read as a crisis, and starting a sign-in."""

import csv
import io

from flask import abort, flash, redirect, request, session
from flask_babel import gettext
from flask_login import login_user
from werkzeug.wrappers import Response

from forum.database import db
from forum.models import Post, User
from forum.pagination import Page, post_url
from forum.services import sessions
from forum.urls import MAX_ID


def page_number() -> int:
    """The ?page= asked for: anything that is not a number means page 1. No list is longer than
    the largest id, so a number past that is a 404 before any query."""
    number = max(request.args.get("page", 1, type=int), 1)
    if number > MAX_ID:
        abort(404)
    return number


def requested_page(count: int) -> Page:
    """The ?page= of a list of `count` pages: past the end is a 404."""
    number = page_number()
    if number > count:
        abort(404)
    return Page(number, count)


def offer_support(reads_as_crisis: bool) -> None:
    """After posting: if the words read as a crisis, the next page shows the support panel."""
    if reads_as_crisis:
        flash(gettext("You're not alone."), "crisis")


def posted(post: Post, done: str) -> Response:
    """Keep a reply or an edit and go to the post, or first to the support panel on its page if
    its words read as a crisis: someone who may be at risk sees help before her own words."""
    crisis = post.reads_as_crisis
    there = post_url(post, "support" if crisis else None)  # before the commit expires the post
    db.session.commit()
    flash(done)
    offer_support(crisis)
    return redirect(there)


def sign_in(user: User, remember: bool) -> None:
    """Start a new sign-in, recorded on the server, with nothing kept from before it: whatever
    session the browser had (or was given by someone else) is not carried over."""
    session.clear()
    sessions.start(user, request.user_agent.string)
    db.session.commit()
    login_user(user, remember=remember)


def csv_download(rows: list[list[str]], filename: str) -> Response:
    """A table as a CSV file. A cell that a spreadsheet would read as a formula is quoted as
    text, so a category's name can't run anything on a moderator's computer."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@", "\t", "\r") else c for c in row])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def keep_choice(response: Response, cookie: str, value: str) -> Response:
    """A choice made on a page (her language, her country) kept in a cookie for a year, for the
    visitor she is when signed out: HttpOnly, SameSite=Lax, Secure over HTTPS."""
    response.set_cookie(cookie, value, max_age=365 * 24 * 3600, secure=request.is_secure,
                        httponly=True, samesite="Lax")  # fmt: skip
    return response


def signed_out(response: Response) -> Response:
    """This device keeps nothing of the site once she signs out here: its caches, its storage
    and the service worker go (with it the device's push subscription, which ending the sign-in
    deleted on our side)."""
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response
