"""The peer-support pages and actions: support resources, waiting threads, reactions, "this
helped me", and blocking."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required

from forum import i18n
from forum.database import db
from forum.extensions import csrf
from forum.forms import render_form
from forum.limits import limited
from forum.page_cache import LISTINGS, for_visitors
from forum.pagination import post_url
from forum.responses import keep_choice
from forum.services import (
    accounts,
    blocking,
    browsing,
    care,
    helpful,
    profiles,
    reactions,
    safety,
    unanswered,
)
from forum.services.errors import ServiceError
from forum.support.forms import RegionForm
from forum.support.region import COOKIE as COUNTRY_COOKIE
from forum.support.region import current_country
from forum.urls import came_from

bp = Blueprint("support", __name__)


@bp.app_context_processor
def support_context() -> dict:
    """The support resources for the reader's country, in her language, on every page that
    shows them (the support page, the crisis panel, the offline page)."""
    return {"safety": safety.settings(current_country())}


@bp.get("/support")
def resources():
    return render_template("support/resources.html", countries=safety.countries())


@bp.post("/support/country")
@csrf.exempt  # like the footer's language: a visitor's choice is a cookie, and needs no token
def choose_country():
    """The support page's choice of country: a cookie for a visitor, her setting for a member."""
    if current_user.is_authenticated:
        csrf.protect()
    back = redirect(url_for("support.resources"))
    country = safety.shipped(request.form.get("country"))
    if country is None:
        return back
    if current_user.is_authenticated:
        safety.choose_region(current_user, country)
        db.session.commit()
    return keep_choice(back, COUNTRY_COOKIE, country)


@bp.route("/settings/language", methods=["GET", "POST"])
@login_required
def region_settings():
    """Her language, her country (for the support resources) and her time zone."""
    form = RegionForm(
        data={
            "language": i18n.supported(current_user.locale) or i18n.page_language(),
            "country": safety.shipped(current_user.country) or "",
            "timezone": current_user.timezone or "",
        }
        if request.method == "GET"
        else None
    ).offer()
    if not form.validate_on_submit():
        return render_form("support/region.html", form, 422 if form.errors else 200)
    profiles.choose_language(current_user, form.language.data)
    safety.choose_region(current_user, form.country.data, form.timezone.data)
    db.session.commit()
    with i18n.written_for(current_user):  # in the language she has just chosen
        flash(gettext("Your language and region are saved."))
    # The footer's cookie follows, so signing out keeps the language she chose.
    return keep_choice(
        redirect(url_for("support.region_settings")), i18n.COOKIE, form.language.data
    )


@bp.post("/language")
@csrf.exempt  # a visitor's pages are cached for everyone, so carry no token: a cookie is all
def choose_language():
    """The footer's choice: kept in a cookie for a visitor, and on her account for a member."""
    if current_user.is_authenticated:
        csrf.protect()  # her account changes: the token her pages carry is asked for
    language = i18n.supported(request.form.get("language"))
    # Back to the page she chose on: from the Referer, so no page carries its own address.
    back = redirect(came_from() or url_for("threads.home"))
    if language is None:
        return back
    if current_user.is_authenticated:
        profiles.choose_language(current_user, language)
        db.session.commit()
    return keep_choice(back, i18n.COOKIE, language)


@bp.get("/waiting")
@for_visitors(lambda: [LISTINGS], varies_on=())
def waiting():
    days = current_app.config["WAITING_DAYS"]
    threads = unanswered.waiting_threads(days, current_user)
    marks = care.waiting_marks([row.thread for row in threads], current_user)
    return render_template("support/waiting.html", threads=threads, days=days, marks=marks)


@bp.post("/p/<id:post_id>/react")
@bp.post("/p/<id:post_id>/react/<kind>")
@login_required
@limited("reactions")
def react(post_id: int, kind: str | None = None):
    """The reaction named in the address, or by the button pressed. Without JavaScript: back to
    the same post. With htmx: just the reactions, updated."""
    post = browsing.post_with_thread(post_id) or abort(404)
    try:
        reactions.toggle_reaction(current_user, post, kind or request.form.get("kind", ""))
    except ServiceError as error:
        db.session.rollback()
        if request.headers.get("HX-Request"):
            # htmx swaps nothing on a 4xx: send the browser to the post, where the reason
            # (a suspension says until when) waits at the top of the page. The body is plain
            # text: the message may quote a moderator's words, which are never markup.
            flash(error.message)
            return Response(
                error.message,
                error.status_code,
                {"HX-Redirect": post_url(post)},
                mimetype="text/plain",
            )
        raise
    db.session.commit()
    if request.headers.get("HX-Request"):
        counts = reactions.reactions_for([post], current_user)[post.id]
        # Still open: she may want to send another.
        return render_template("support/_reactions.html", post=post, counts=counts, opened=True)
    return redirect(post_url(post))


@bp.post("/p/<id:post_id>/helped")
@login_required
def helped(post_id: int):
    post = browsing.post_with_thread(post_id) or abort(404)
    marked = request.form.get("helped") == "1"
    helpful.mark_helped(current_user, post, marked)
    db.session.commit()
    if marked:
        flash(gettext("Marked as helping you. Thank you for letting them know."))
    else:
        flash(gettext("Unmarked."))
    return redirect(post_url(post))


@bp.post("/u/<username>/block")
@login_required
def block(username: str):
    other = accounts.find_by_username(username) or abort(404)
    blocking.block(current_user, other)
    db.session.commit()
    flash(
        gettext(
            "You won't see %(name)s's posts unless you choose to. They aren't told.",
            name=other.display_name,
        )
    )
    return redirect(url_for("profiles.show", username=other.username))


@bp.post("/u/<username>/unblock")
@login_required
def unblock(username: str):
    other = accounts.find_by_username(username) or abort(404)
    blocking.unblock(current_user, other)
    db.session.commit()
    flash(gettext("You'll see %(name)s's posts again.", name=other.display_name))
    if request.form.get("from") == "settings":
        return redirect(url_for("profiles.blocked"))
    return redirect(url_for("profiles.show", username=other.username))
