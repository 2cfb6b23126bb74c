from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_login import current_user, login_required

from forum.database import db
from forum.forms import render_form, show_error
from forum.limits import limited
from forum.models import Post, Thread
from forum.replies.forms import EditForm, ReplyForm
from forum.services import accounts, browsing, posting
from forum.services.errors import NotAllowed, ServiceError
from forum.support.views import offer_support
from forum.urls import post_url, record_id

bp = Blueprint("replies", __name__)


def _editable_post(post_id: int) -> Post:
    post = browsing.post_with_thread(post_id) or abort(404)
    accounts.ensure_can_write(current_user)  # a suspension says why and until when
    if not post.can_edit(current_user):
        raise NotAllowed("You can only change your own posts, and not in a locked thread.")
    return post


def _quoted(value: str | None, thread: Thread) -> Post | None:
    """The post a reply quotes, if the form names one in this thread; anything else is ignored."""
    try:
        post = browsing.post_with_thread(record_id(value or ""))
    except ValueError:
        return None
    return post if post is not None and post.thread_id == thread.id else None


@bp.route("/t/<id:thread_id>/reply", methods=["GET", "POST"])
@login_required
@limited("posting")
def reply(thread_id: int):
    """The reply page: where a quote starts, and where a reply with a problem comes back to."""
    thread = db.get_or_404(Thread, thread_id)
    form = ReplyForm()
    quoted_id = request.args.get("quote", type=record_id)
    if request.method == "GET" and quoted_id:
        quoted = browsing.post_with_thread(quoted_id)
        if quoted is not None and quoted.thread_id == thread.id:
            form.body.data = posting.quotation(quoted)
            form.quote.data = str(quoted.id)
            if form.body.data:  # what the quote repeats stays behind its author's content note
                form.content_note.data = quoted.content_note
    if form.validate_on_submit():
        quoted = _quoted(form.quote.data, thread)
        try:
            post = posting.reply(
                current_user,
                thread,
                form.body.data,
                anonymous=form.anonymous.data,
                content_note=form.content_note.data,
                kindness_confirmed=form.kindness_confirmed.data,
                quoted=quoted,
            )
        except posting.KindnessCheck as nudge:  # a pause, not an error: no field is marked wrong
            db.session.rollback()
            return render_form(
                "replies/reply.html", form, nudge.status_code, thread=thread, nudge=nudge
            )
        except ServiceError as error:
            db.session.rollback()
            show_error(form, error)
            return render_form("replies/reply.html", form, error.status_code, thread=thread)
        there, support_first = post_url(post), post_url(post, "support")  # before commit expires it
        db.session.commit()
        flash("Your reply is posted.")
        # Someone who may be at risk sees the support panel first, not their own post.
        return redirect(support_first if offer_support(form.body.data) else there)
    return render_form("replies/reply.html", form, thread=thread)


@bp.get("/p/<id:post_id>")
def permalink(post_id: int):
    return redirect(post_url(db.get_or_404(Post, post_id)))


@bp.route("/p/<id:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int):
    post = _editable_post(post_id)
    form = EditForm()
    if not post.is_opening:
        del form.title
    if request.method == "GET":
        form.body.data = post.body_markdown
        if post.is_opening:
            form.title.data = post.thread.title
    if form.validate_on_submit():
        title = form.title.data if post.is_opening else None
        try:
            posting.edit_post(current_user, post, form.body.data, title)
        except ServiceError as error:
            db.session.rollback()
            show_error(form, error)
            return render_form("replies/edit.html", form, error.status_code, post=post)
        db.session.commit()
        flash("Your changes are saved.")
        return redirect(post_url(post, "support" if offer_support(title, form.body.data) else None))
    return render_form("replies/edit.html", form, post=post)


@bp.route("/p/<id:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int):
    """GET asks first, so a slip of the thumb deletes nothing."""
    post = browsing.post_with_thread(post_id) or abort(404)
    if post.is_deleted and post.author_id == current_user.id:  # a second click, or another tab
        flash("That post is already deleted.")
        return redirect(post_url(post))
    post = _editable_post(post_id)
    if request.method == "POST":
        posting.delete_post(current_user, post)
        db.session.commit()
        flash("Your post is deleted.")
        return redirect(post_url(post))
    return render_template("replies/delete.html", post=post)
