from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.database import db
from forum.forms import category_choices, render_form, show_error
from forum.limits import limited
from forum.page_cache import LISTINGS, for_visitors, thread_scope
from forum.replies.forms import ReplyForm
from forum.services import browsing, posting, search, support
from forum.services.browsing import Page, page_count
from forum.services.errors import ServiceError
from forum.support.views import offer_support
from forum.threads.forms import ThreadForm

bp = Blueprint("threads", __name__)


def requested_page(count: int) -> Page:
    """The ?page= asked for: anything that is not a number means page 1; past the end is a 404."""
    number = max(request.args.get("page", 1, type=int), 1)
    if number > count:
        abort(404)
    return Page(number, count)


@bp.get("/")
@for_visitors(lambda: [LISTINGS], varies_on=())
def home():
    return render_template(
        "threads/home.html",
        categories=browsing.categories(),
        latest=browsing.latest_threads(),
        waiting=support.waiting_threads(current_app.config["WAITING_DAYS"], limit=5),
    )


@bp.get("/c/<slug>")
@for_visitors(lambda slug: [LISTINGS])
def category(slug: str):
    category = browsing.category_by_slug(slug) or abort(404)
    per_page = current_app.config["THREADS_PER_PAGE"]
    page = requested_page(page_count(category.thread_count, per_page))
    threads = browsing.threads_in_category(category, page.number, per_page)
    return render_template("threads/category.html", category=category, threads=threads, page=page)


@bp.get("/t/<id:thread_id>")
@for_visitors(lambda thread_id: [thread_scope(thread_id)])
def show(thread_id: int):
    thread, following = browsing.thread_for_viewer(thread_id, current_user) or abort(404)
    per_page = current_app.config["POSTS_PER_PAGE"]
    page = requested_page(page_count(thread.post_count, per_page))
    shown = browsing.posts_on_page(thread, page.number, per_page, current_user)
    return render_template(
        "threads/show.html",
        thread=thread,
        posts=shown.posts,
        page=page,
        # Not for visitors: the form would start a session, and their page could not be shared.
        form=ReplyForm(formdata=None) if current_user.is_authenticated else None,
        reactions=support.reactions_for(shown.posts, current_user),
        folded=shown.folded,
        helped=shown.helped,
        following=following,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
@limited("posting")
def new():
    categories = browsing.categories()
    form = ThreadForm()
    form.category.choices = category_choices(categories)
    if request.method == "GET" and request.args.get("category"):
        form.category.data = request.args["category"]
    if request.method == "POST" and request.form.get("similar"):
        # "Check for similar threads", without JavaScript: the form comes back as it was typed.
        similar = search.similar_threads(form.title.data)
        return render_form("threads/new.html", form, 200, similar=similar)
    if form.validate_on_submit():
        chosen = next(c for c in categories if c.slug == form.category.data)
        try:
            thread = posting.start_thread(
                current_user,
                chosen,
                form.title.data,
                form.body.data,
                anonymous=form.anonymous.data,
                content_note=form.content_note.data,
            )
        except ServiceError as error:
            db.session.rollback()
            show_error(form, error)
            return render_form("threads/new.html", form, error.status_code)
        db.session.commit()
        flash("Your thread is up. Other parents will see it now.")
        offer_support(form.title.data, form.body.data)
        return redirect(url_for("threads.show", thread_id=thread.id))
    return render_form("threads/new.html", form, similar=None)
