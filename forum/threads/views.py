from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy.exc import DBAPIError

from forum.database import db
from forum.forms import category_choices, refused, render_form
from forum.limits import limited
from forum.models import Draft
from forum.page_cache import LISTINGS, for_visitors, thread_scope
from forum.pagination import page_count
from forum.photo_fields import crisis_first, take_photos
from forum.replies.forms import ReplyForm, reply_defaults
from forum.responses import offer_support, requested_page
from forum.services import (
    browsing,
    care_dashboard,
    drafts,
    listing,
    notify,
    posting,
    reactions,
    search,
    unanswered,
)
from forum.services.care_figures import wait_in_words
from forum.services.errors import ServiceError
from forum.threads.forms import ThreadForm

bp = Blueprint("threads", __name__)


@bp.get("/")
@for_visitors(lambda: [LISTINGS], varies_on=())
def home():
    return render_template(
        "threads/home.html",
        categories=browsing.categories(),
        latest=browsing.latest_threads(current_user),
        waiting=unanswered.waiting_threads(
            current_app.config["WAITING_DAYS"], current_user, limit=5
        ),
    )


@bp.get("/c/<slug>")
@for_visitors(lambda slug: [LISTINGS])
def category(slug: str):
    category = browsing.category_by_slug(slug) or abort(404)
    per_page = current_app.config["THREADS_PER_PAGE"]
    page = requested_page(page_count(category.thread_count, per_page))
    threads = browsing.threads_in_category(category, page.number, per_page, current_user)
    return render_template("threads/category.html", category=category, threads=threads, page=page)


@bp.get("/t/<id:thread_id>")
@for_visitors(lambda thread_id: [thread_scope(thread_id)])
def show(thread_id: int):
    thread, following, draft = browsing.thread_for_viewer(thread_id, current_user) or abort(404)
    per_page = current_app.config["POSTS_PER_PAGE"]
    page = requested_page(page_count(thread.post_count, per_page))
    shown = browsing.posts_on_page(thread, page.number, per_page, current_user)
    html = render_template(
        "threads/show.html",
        thread=thread,
        posts=shown.posts,
        page=page,
        # Not for visitors: the form would start a session, and their page could not be shared.
        form=ReplyForm(formdata=None, data=reply_defaults(thread, current_user, draft))
        if current_user.is_authenticated
        else None,
        draft=draft,
        reactions=reactions.reactions_for(shown.posts, current_user),
        folded=shown.folded,
        flagged=shown.flagged,
        helped=shown.helped,
        following=following,
    )
    if current_user.is_authenticated:
        _seen(thread, min(page.number * per_page, thread.post_count))
    return html


def _seen(thread, last_position: int) -> None:
    """Her list rows count new replies from here. Written once the page is rendered; should it
    fail (the database busy or read-only), the page stands, and the next visit records it."""
    thread_id = thread.id
    try:
        listing.record_visit(current_user, thread, last_position)
        db.session.commit()
    except DBAPIError:
        db.session.rollback()
        current_app.logger.warning("Could not record a visit to thread %s", thread_id)


def _thread_form(categories) -> tuple[ThreadForm, Draft | None]:
    """The start-a-thread form; ?category= (from a category's page) chooses where it goes. It
    opens with her draft there (with none named, her latest), as she left it."""
    form = ThreadForm()
    form.category.choices = category_choices(categories)
    if request.method != "GET":
        return form, None
    chosen = next((c for c in categories if c.slug == request.args.get("category")), None)
    draft = drafts.thread_draft(current_user, chosen)
    if draft is not None:
        form.category.data = next((c.slug for c in categories if c.id == draft.place_id), None)
        form.title.data, form.body.data = draft.title, draft.body
        form.content_note.data, form.anonymous.data = draft.content_note, draft.anonymous
    elif request.args.get("category"):
        form.category.data = request.args["category"]
    return form, draft


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limited("posting")
def new():
    categories = browsing.categories()
    form, draft = _thread_form(categories)
    if request.method == "POST" and request.form.get("similar"):
        # "Check for similar threads", without JavaScript: the form comes back as it was typed.
        similar = listing.plain_rows(search.similar_threads(form.title.data))
        return render_form(
            "threads/new.html",
            form,
            200,
            similar=similar,
            draft_from=request.form.get("draft_from"),
        )
    photos = take_photos(form, current_user) if request.method == "POST" else []
    valid = form.validate_on_submit()
    if valid:
        photos = crisis_first(form, photos, f"{form.title.data}\n{form.body.data}")
    if not valid or photos is None:
        draft_from = form.category.data if draft else request.form.get("draft_from", "")
        return render_form(
            "threads/new.html",
            form,
            400 if photos is None else None,
            similar=None,
            draft=draft,
            draft_from=draft_from,
        )
    chosen = next(c for c in categories if c.slug == form.category.data)
    try:
        thread = posting.start_thread(
            current_user, chosen, form.title.data, form.body.data,
            anonymous=form.anonymous.data, content_note=form.content_note.data, photos=photos,
        )  # fmt: skip
    except ServiceError as error:
        return refused(form, error, "threads/new.html")
    moved_from = next((c for c in categories if c.slug == request.form.get("draft_from")), None)
    if moved_from is not None:  # its draft was kept in the category she first chose
        drafts.discard_thread(current_user, moved_from)
    db.session.commit()
    flash(
        gettext(
            "Your thread is up. Other parents will see it now. %(how_you_will_hear)s",
            how_you_will_hear=notify.how_you_will_hear(current_user),
        )
    )
    usual = care_dashboard.usual_answer_minutes(chosen.id)
    if usual is not None:  # the real median of the last 30 days, or nothing when too few
        flash(gettext("Parents here usually answer within %(wait)s.", wait=wait_in_words(usual)))
    offer_support(thread.reads_as_crisis)
    return redirect(url_for("threads.show", thread_id=thread.id))
