"""Drafts: saved as she types (static/js/drafts.js answers quietly with JSON) or with the
"Save draft" button (without JavaScript: the page again, with a message), and her list of them.
Nothing here renders the page she is typing in: a save answers with a line of JSON."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required

from forum.database import db
from forum.drafts.forms import EditDraftForm, ReplyDraftForm, ThreadDraftForm
from forum.forms import Form, category_choices, render_form, show_error
from forum.limits import limited
from forum.models import Post, Thread
from forum.pagination import page_count, post_url
from forum.services import browsing, drafts
from forum.services.errors import ServiceError

bp = Blueprint("drafts", __name__)

# What the page's script says under the form (str() them: they go out as JSON).
SAVED = lazy_gettext("Draft saved")
CLEARED = lazy_gettext("Draft cleared")
DISCARDED = lazy_gettext("Draft discarded")
LOCKED = lazy_gettext(
    "Draft saved. This thread is locked now, so it can't take your reply: your words are "
    "kept in your drafts for you to copy."
)
KEPT = lazy_gettext("Your draft is saved. It's here when you come back, on this device or another.")
GONE = lazy_gettext("Your draft is discarded.")


def _quietly() -> bool:
    """Asked by the page's script, which wants a line of JSON rather than a page."""
    return request.accept_mimetypes.best_match(("text/html", "application/json")) == (
        "application/json"
    )


def _refused(form: Form, error: ServiceError | None, template: str, **context):
    """Too long, or not a place: said at the field, the text kept, nothing saved."""
    db.session.rollback()
    if error is not None:
        show_error(form, error)
    if _quietly():
        field, message = next(
            ((name, messages[0]) for name, messages in form.errors.items() if messages),
            (None, gettext("This draft couldn't be saved.")),
        )
        return {"saved": False, "status": str(message), "field": field}, 400
    return render_form(template, form, 400, **context)


def _thread_page(thread: Thread) -> str:
    """The thread's last page, where its reply box is."""
    last = page_count(thread.post_count, current_app.config["POSTS_PER_PAGE"])
    return url_for(
        "threads.show", thread_id=thread.id, page=last if last > 1 else None, _anchor="reply"
    )


def _words(form) -> drafts.Words:
    """What the form holds, whichever of the fields it has (an edit has no note or choice)."""

    def text(name: str) -> str:
        field = getattr(form, name, None)
        return (field.data or "") if field is not None else ""

    anonymous = getattr(form, "anonymous", None)
    return drafts.Words(
        body=text("body"),
        title=text("title"),
        content_note=text("content_note"),
        anonymous=bool(anonymous.data) if anonymous is not None else False,
    )


@bp.post("/t/<id:thread_id>/draft")
@login_required
@limited("drafts")
def save_reply(thread_id: int):
    thread = db.get_or_404(Thread, thread_id)
    form = ReplyDraftForm()
    if not form.validate_on_submit():
        return _refused(form, None, "replies/reply.html", thread=thread)
    try:
        kept = drafts.save_reply(current_user, thread, _words(form))
    except ServiceError as error:
        return _refused(form, error, "replies/reply.html", thread=thread)
    locked = thread.locked
    there = _thread_page(thread)
    db.session.commit()
    status = (LOCKED if locked else SAVED) if kept else CLEARED
    if _quietly():
        return {"saved": kept, "status": str(status)}
    flash(str(KEPT if kept and not locked else status))
    return redirect(there)


@bp.post("/t/<id:thread_id>/draft/discard")
@login_required
@limited("drafts")
def discard_reply(thread_id: int):
    thread = db.get_or_404(Thread, thread_id)
    drafts.discard_reply(current_user, thread)
    there = _thread_page(thread)
    db.session.commit()
    if _quietly():
        return {"saved": False, "status": str(DISCARDED)}
    flash(str(GONE))
    return redirect(there)


def _thread_form() -> tuple[ThreadDraftForm, list]:
    categories = browsing.categories()
    form = ThreadDraftForm()
    form.category.choices = category_choices(categories)
    return form, categories


@bp.post("/new/draft")
@login_required
@limited("drafts")
def save_thread():
    form, categories = _thread_form()
    if not form.validate_on_submit():
        return _refused(
            form,
            None,
            "threads/new.html",
            similar=None,
            draft_from=request.form.get("draft_from", ""),
        )
    by_slug = {c.slug: c for c in categories}
    category = by_slug[form.category.data]
    try:
        kept = drafts.save_thread(
            current_user,
            category,
            _words(form),
            moved_from=by_slug.get(request.form.get("draft_from", "")),
        )
    except ServiceError as error:
        return _refused(
            form,
            error,
            "threads/new.html",
            similar=None,
            draft_from=request.form.get("draft_from", ""),
        )
    db.session.commit()
    if _quietly():
        return {
            "saved": kept,
            "status": str(SAVED if kept else CLEARED),
            "draft_from": category.slug if kept else "",
        }
    flash(str(KEPT))
    return redirect(url_for("threads.new", category=category.slug))


@bp.post("/new/draft/discard")
@login_required
@limited("drafts")
def discard_thread():
    form, categories = _thread_form()
    for category in categories:
        if category.slug in (form.category.data, request.form.get("draft_from", "")):
            drafts.discard_thread(current_user, category)
    db.session.commit()
    if _quietly():
        return {"saved": False, "status": str(DISCARDED), "draft_from": ""}
    flash(str(GONE))
    return redirect(url_for("threads.new"))


def _own_post(post_id: int) -> Post:
    """A post she may change; anyone else's reads as not there."""
    post = browsing.post_with_thread(post_id)
    if post is None or not post.can_edit(current_user):
        abort(404)
    return post


@bp.post("/p/<id:post_id>/draft")
@login_required
@limited("drafts")
def save_edit(post_id: int):
    post = _own_post(post_id)
    form = EditDraftForm()
    if not post.is_opening:
        del form.title
    if not form.validate_on_submit():
        return _refused(form, None, "replies/edit.html", post=post)
    try:
        kept = drafts.save_edit(current_user, post, _words(form))
    except ServiceError as error:
        return _refused(form, error, "replies/edit.html", post=post)
    there = url_for("replies.edit", post_id=post.id)
    db.session.commit()
    if _quietly():
        return {"saved": kept, "status": str(SAVED if kept else CLEARED)}
    flash(str(KEPT))
    return redirect(there)


@bp.post("/p/<id:post_id>/draft/discard")
@login_required
@limited("drafts")
def discard_edit(post_id: int):
    post = browsing.post_with_thread(post_id) or abort(404)
    drafts.discard_edit(current_user, post)  # only ever hers: by member and post
    there = post_url(post)
    db.session.commit()
    if _quietly():
        return {"saved": False, "status": str(DISCARDED)}
    flash(str(GONE))
    return redirect(there)


@bp.get("/drafts")
@login_required
def index():
    return render_template("drafts/index.html", kept=drafts.drafts_of(current_user))


@bp.post("/drafts/<id:draft_id>/discard")
@login_required
@limited("drafts")
def discard(draft_id: int):
    # Another member's is never found, and reads as one already gone (a second tab, a double tap).
    found = drafts.discard(current_user, draft_id)
    db.session.commit()
    flash(str(GONE) if found else gettext("That draft is already gone."))
    return redirect(url_for("drafts.index"))
