from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import DBAPIError

from forum.database import db
from forum.forms import category_choices, refused, render_form
from forum.limits import limited
from forum.page_cache import LISTINGS, for_visitors, thread_scope
from forum.pagination import page_count
from forum.replies.forms import ReplyForm, reply_defaults
from forum.responses import offer_support, requested_page
from forum.services import browsing, listing, notify, posting, reactions, search, unanswered
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
    thread, following = browsing.thread_for_viewer(thread_id, current_user) or abort(404)
    per_page = current_app.config["POSTS_PER_PAGE"]
    page = requested_page(page_count(thread.post_count, per_page))
    shown = browsing.posts_on_page(thread, page.number, per_page, current_user)
    html = render_template(
        "threads/show.html",
        thread=thread,
        posts=shown.posts,
        page=page,
        # Not for visitors: the form would start a session, and their page could not be shared.
        form=ReplyForm(formdata=None, data=reply_defaults(thread, current_user))
        if current_user.is_authenticated
        else None,
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


def _thread_form(categories) -> ThreadForm:
    """The start-a-thread form; ?category= (from a category's page) chooses where it goes."""
    form = ThreadForm()
    form.category.choices = category_choices(categories)
    if request.method == "GET" and request.args.get("category"):
        form.category.data = request.args["category"]
    return form


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limited("posting")
def new():
    categories = browsing.categories()
    form = _thread_form(categories)
    if request.method == "POST" and request.form.get("similar"):
        # "Check for similar threads", without JavaScript: the form comes back as it was typed.
        similar = listing.plain_rows(search.similar_threads(form.title.data))
        return render_form("threads/new.html", form, 200, similar=similar)
    if not form.validate_on_submit():
        return render_form("threads/new.html", form, similar=None)
    chosen = next(c for c in categories if c.slug == form.category.data)
    try:
        thread = posting.start_thread(
            current_user, chosen, form.title.data, form.body.data,
            anonymous=form.anonymous.data, content_note=form.content_note.data,
        )  # fmt: skip
    except ServiceError as error:
        return refused(form, error, "threads/new.html")
    db.session.commit()
    flash(
        f"Your thread is up. Other parents will see it now. {notify.how_you_will_hear(current_user)}"
    )
    offer_support(thread.reads_as_crisis)
    return redirect(url_for("threads.show", thread_id=thread.id))
