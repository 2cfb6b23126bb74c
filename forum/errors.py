"""Kind error pages: what happened, in plain words, and where to go next."""

from flask import (
    Flask,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from flask_login import login_url
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from forum import i18n, limits
from forum.api import errors as api_errors
from forum.database import SAFE_METHODS, db, roll_back
from forum.extensions import login_manager
from forum.formatting import wait_in_words
from forum.oversized import register_oversized
from forum.services.errors import ServiceError
from forum.urls import came_from

MESSAGES = {
    401: (lazy_gettext("Please log in again"), lazy_gettext("You were logged out before this could be sent. Log in, then paste your text back in.")),
    400: (lazy_gettext("Something didn't come through right"), lazy_gettext("Your browser sent something we couldn't read. Please go back and try again.")),
    403: (lazy_gettext("That's not open to you"), lazy_gettext("You don't have permission to do that. If you think you should, please contact the moderators.")),
    404: (lazy_gettext("We couldn't find that page"), lazy_gettext("It may have been moved or deleted, or the link may have a typo.")),
    409: (lazy_gettext("Someone got there first"), lazy_gettext("This was already handled, so nothing was changed. Please reload the page to see where things stand.")),
    405: (lazy_gettext("That didn't work that way"), lazy_gettext("That page can't be used like that. Please go back and use the buttons on the page.")),
    413: (lazy_gettext("That was too much to send at once"), lazy_gettext("What you sent is larger than we can take. A post can be up to 20,000 characters.")),
    429: (lazy_gettext("Let's take a breath"), lazy_gettext("That was a lot in a short time, so we've paused here for a moment.")),
    500: (lazy_gettext("Something went wrong on our side"), lazy_gettext("It isn't anything you did. Please try again in a moment.")),
}  # fmt: skip

# Fields whose text is shown back when a form can't be accepted, so nothing typed is lost, with
# what the page calls them.
KEPT_FIELDS = {
    "title": lazy_gettext("Title"),
    "body": lazy_gettext("What you wrote"),
    "content_note": lazy_gettext("Content note"),
    "display_name": lazy_gettext("Display name"),
    "bio": lazy_gettext("About you"),
    "details": lazy_gettext("Details"),
    "message": lazy_gettext("Message"),
    "reason": lazy_gettext("Reason"),
}
# Choices sent with that text, carried in the form that sends it again, so nothing she chose
# changes: above all "Post anonymously".
CARRIED_FIELDS = ("category", "anonymous", "quote")


def _page(status: int, message: str | None = None, **context):
    title, default = (
        str(words) for words in MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    )
    message = str(message) if message else default
    if api_errors.is_api():  # the API answers in JSON, whatever went wrong
        return api_errors.json_error(status, message)
    kept = _kept_text() if status in (400, 401, 403, 409, 413, 429) else {}
    context = {"status": status, "title": title, "message": message, "kept": kept,
               "labels": KEPT_FIELDS, "resend": None, "carried": {}, "back": None} | context  # fmt: skip
    return render_template("errors/error.html", **context), status


def too_many(error: HTTPException):
    """A rate limit was reached: how long until she can go on, in words; her text in a form
    that sends it again, once the wait is over, with what she chose; the way back."""
    wait = limits.wait_seconds()
    when = (
        gettext("You can try again %(wait)s.", wait=wait_in_words(wait))
        if wait
        else gettext("You can try again in a little while.")
    )
    # Whole sentences, each translated as one, side by side.
    sentences = [str(MESSAGES[429][1]), when]
    if api_errors.is_api():
        return api_errors.json_error(429, " ".join(sentences), retry_after=wait or 60)
    kept = _kept_text()
    resend = None
    if kept and request.endpoint:
        sentences.append(
            gettext(
                "Your words are below, just as you wrote them: send them from here once the wait "
                "is over, or copy them to keep them safe."
            )
        )
        resend = url_for(request.endpoint, **(request.view_args or {}))
    carried = _carried() if resend else {}
    return _page(429, " ".join(sentences), resend=resend, carried=carried, back=_way_back())


def _carried() -> dict[str, str]:
    try:
        return {name: request.form[name] for name in CARRIED_FIELDS if request.form.get(name)}
    except Exception:  # the body itself may be what was wrong
        return {}


def _way_back() -> tuple[str, str] | None:
    """Where she was: the thread (or the post) the request was about, else the page it came from."""
    args = request.view_args or {}
    if "thread_id" in args:
        return url_for("threads.show", thread_id=args["thread_id"]), gettext("Back to the thread")
    if "post_id" in args:
        return url_for("replies.permalink", post_id=args["post_id"]), gettext("Back to the post")
    back = came_from()
    return (back, gettext("Back to where you were")) if back else None


def unauthorized():
    """Not logged in: a page that was asked for goes to the login page, which asks her to join
    or log in to do what she came for and brings her back to it after either; text that was
    sent is shown back, so a session that ended mid-reply loses nothing."""
    if request.method in SAFE_METHODS:
        return redirect(login_url(login_manager.login_view, next_url=request.url))
    response = make_response(_page(401))
    if request.headers.get("HX-Request"):  # htmx shows nothing of a 401: go and log in
        flash(login_manager.login_message, login_manager.login_message_category)
        response.headers["HX-Redirect"] = login_url(login_manager.login_view, next_url=came_from())
    return response


def _kept_text() -> dict[str, str]:
    if request.method != "POST":
        return {}
    try:
        return {name: request.form[name] for name in KEPT_FIELDS if request.form.get(name)}
    except Exception:  # the body itself may be what was wrong (too large, malformed)
        return {}


def database_unavailable(error: DBAPIError):
    """The database is down or unreachable: a quick, kind 503, the text that was sent shown back.

    Rendered without the context processors, which would ask the database for the header's counts.
    """
    try:
        db.session.rollback()
    except DBAPIError:
        pass  # the connection is gone; the pool replaces it (pool_pre_ping checks each one)
    finally:
        db.session.remove()
    language = _language_without_database()
    with i18n.written_for(_Reader(language)):  # the member's own choice would ask the database
        if api_errors.is_api():
            response = api_errors.json_error(
                503, gettext("Blossom can't reach its database just now."), retry_after=10
            )
            response.headers["Cache-Control"] = "no-store"
            return response
        body = current_app.jinja_env.get_template("errors/unavailable.html").render(
            kept=_kept_text(), url_for=url_for, lang=language, labels=KEPT_FIELDS
        )
    return body, 503, {"Retry-After": "10", "Cache-Control": "no-store"}


class _Reader:
    """Whoever asked, as far as the page's language goes, when her account can't be read."""

    timezone = None

    def __init__(self, language: str) -> None:
        self.locale = language


def _language_without_database() -> str:
    """The footer's cookie (a member's choice sets it too), else what the browser asks for,
    else the site's default: never the account, which is in the database."""
    chosen = None if api_errors.is_api() else request.cookies.get(i18n.COOKIE)  # the API: none
    if chosen := i18n.supported(chosen):
        return chosen
    if asked := request.accept_languages.best_match(i18n.LANGUAGES):
        return asked
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _database_error(error: DBAPIError):
    """Lost connections and an unreachable server are a 503; any other database error a 500."""
    if error.connection_invalidated or isinstance(error, OperationalError | InterfaceError):
        current_app.logger.warning("Database unavailable: %s", error.orig)
        return database_unavailable(error)
    current_app.logger.error("Database error", exc_info=error)
    db.session.rollback()
    return _page(500)


def register_error_pages(app: Flask) -> None:
    login_manager.unauthorized_handler(unauthorized)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _page(
            400,
            gettext(
                "This form had been open a long time or your session changed, so we couldn't be "
                "sure it came from you. Your text is below: copy it, go back, reload the page and "
                "paste it in."
            ),
        )

    @app.errorhandler(ServiceError)
    def service_error(error: ServiceError):
        roll_back(error.keep)
        return _page(error.status_code, error.message)

    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(429, too_many)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _page(error.code or 500)

    register_oversized(app, http_error)  # a post form with too many photo bytes: its own page

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        return _page(500)
