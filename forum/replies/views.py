from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext
from flask_login import current_user, login_required

from forum.database import db
from forum.forms import editing, refused, render_form
from forum.limits import limited
from forum.models import Draft, EmailTopic, Post, Thread
from forum.pagination import post_url
from forum.photo_fields import crisis_first, take_photos
from forum.replies.forms import ContentNoteForm, EditForm, ReplyForm, reply_defaults
from forum.responses import posted
from forum.services import (
    accounts,
    browsing,
    covering,
    drafts,
    notify,
    posting,
    posting_rules,
    uploads,
)
from forum.services.errors import NotAllowed, ServiceError
from forum.urls import record_id

bp = Blueprint("replies", __name__)


def _editable_post(post_id: int) -> Post:
    post = browsing.post_with_thread(post_id) or abort(404)
    accounts.ensure_can_write(current_user)  # a suspension says why and until when
    if not post.can_edit(current_user):
        raise NotAllowed(gettext("You can only change your own posts, and not in a locked thread."))
    return post


def _quoted(value: str | None, thread: Thread) -> Post | None:
    """The post a reply quotes, if it is named and in this thread; anything else is ignored."""
    try:
        post = browsing.post_with_thread(record_id(value or ""))
    except ValueError:
        return None
    return post if post is not None and post.thread_id == thread.id else None


def _start_quoting(
    form: ReplyForm, quoted: Post | None, selection: str | None, draft: Draft | None
) -> None:
    """?quote=<id>: the reply starts with the quoted words, behind their content note (after
    her draft, if she has one here: nothing she wrote is replaced)."""
    if quoted is not None:
        quotation = posting.quotation(quoted, selection)
        form.quote.data = str(quoted.id)
        if draft is not None and draft.body.strip():  # the form holds her draft already
            if quotation:
                form.body.data = f"{draft.body.rstrip()}\n\n{quotation}"
                form.content_note.data = draft.content_note or quoted.content_note
            return
        form.body.data = quotation
        if form.body.data:
            form.content_note.data = quoted.content_note


@bp.route("/t/<id:thread_id>/reply", methods=["GET", "POST"])
@login_required
@limited("posting")
def reply(thread_id: int):
    """The reply page: where a quote starts, and where a reply with a problem comes back to."""
    thread = db.get_or_404(Thread, thread_id)
    draft = drafts.reply_draft(current_user, thread) if request.method == "GET" else None
    form = ReplyForm(
        data=reply_defaults(thread, current_user, draft) if request.method == "GET" else None
    )
    if request.method == "GET":
        quoted = _quoted(request.args.get("quote"), thread)
        _start_quoting(form, quoted, request.args.get("selection"), draft)
    photos = take_photos(form, current_user) if request.method == "POST" else []
    valid = form.validate_on_submit()
    if valid:
        photos = crisis_first(form, photos, form.body.data)
    if not valid or photos is None:
        status = 400 if photos is None else None
        return render_form("replies/reply.html", form, status, thread=thread, draft=draft)
    try:
        post = posting.reply(
            current_user, thread, form.body.data, anonymous=form.anonymous.data,
            content_note=form.content_note.data, kindness_confirmed=form.kindness_confirmed.data,
            named_confirmed=form.named_confirmed.data, quoted=_quoted(form.quote.data, thread),
            photos=photos,
        )  # fmt: skip
    except posting_rules.Pause as nudge:  # a second look, not an error: no field is marked wrong
        page = render_form(
            "replies/reply.html", form, nudge.status_code, thread=thread, nudge=nudge
        )
        db.session.rollback()
        return page
    except ServiceError as error:
        return refused(form, error, "replies/reply.html", thread=thread)
    return posted(
        post,
        gettext(
            "Your reply is posted. %(how_you_will_hear)s",
            how_you_will_hear=notify.how_you_will_hear(current_user, EmailTopic.REPLIES),
        ),
    )


@bp.get("/p/<id:post_id>/quote")
@login_required
def quotation(post_id: int):
    """For the quote box under a post (static/js/quoting.js): the quotation a reply starts with,
    of ?selection= if the post says those words, else of its first lines."""
    post = browsing.post_with_thread(post_id) or abort(404)
    if not post.can_quote(current_user):
        abort(404)
    text = posting.quotation(post, request.args.get("selection"))
    return {"post": post.id, "quotation": text, "content_note": post.content_note or ""}


@bp.get("/p/<id:post_id>")
def permalink(post_id: int):
    return redirect(post_url(db.get_or_404(Post, post_id)))


@bp.route("/p/<id:post_id>/edit", methods=["GET", "POST"])
@login_required
@limited("editing")
def edit(post_id: int):
    post = _editable_post(post_id)
    form = editing(EditForm, post)
    draft = drafts.edit_draft(current_user, post) if request.method == "GET" else None
    if draft is not None:  # her changes as she left them
        form.body.data = draft.body
        if form.title is not None and draft.title:
            form.title.data = draft.title
    photos = take_photos(form, current_user) if request.method == "POST" else []
    if not form.validate_on_submit() or photos is None:
        status = 400 if photos is None else None
        return render_form("replies/edit.html", form, status, post=post, draft=draft)
    title = form.title.data if post.is_opening else None
    try:
        posting.edit_post(current_user, post, form.body.data, title)
        uploads.change_post_photos(current_user, post, request.form.getlist("remove_photo"), photos)
    except ServiceError as error:
        return refused(form, error, "replies/edit.html", post=post)
    return posted(post, gettext("Your changes are saved."))


@bp.route("/p/<id:post_id>/delete", methods=["GET", "POST"])
@login_required
def delete(post_id: int):
    """GET asks first, so a slip of the thumb deletes nothing."""
    post = browsing.post_with_thread(post_id) or abort(404)
    if post.is_deleted and post.author_id == current_user.id:  # a second click, or another tab
        flash(gettext("That post is already deleted."))
        return redirect(post_url(post))
    post = _editable_post(post_id)
    if request.method == "POST":
        posting.delete_post(current_user, post)
        db.session.commit()
        flash(gettext("Your post is deleted."))
        return redirect(post_url(post))
    return render_template("replies/delete.html", post=post)


@bp.post("/p/<id:post_id>/anonymous")
@login_required
def make_anonymous(post_id: int):
    """From the support panel on her own post: from now on it shows "Anonymous parent"."""
    post = _editable_post(post_id)
    covering.make_anonymous(current_user, post)
    there = post_url(post)
    db.session.commit()
    flash(gettext("Your post is anonymous now. Only the moderators can see it was you."))
    return redirect(there)


@bp.route("/p/<id:post_id>/note", methods=["GET", "POST"])
@login_required
def content_note(post_id: int):
    post = _editable_post(post_id)
    form = ContentNoteForm(
        data={"content_note": post.content_note} if request.method == "GET" else None
    )
    if not form.validate_on_submit():
        return render_form("replies/note.html", form, post=post)
    try:
        covering.set_content_note(current_user, post, form.content_note.data or "")
    except ServiceError as error:
        return refused(form, error, "replies/note.html", post=post)
    there = post_url(post)
    db.session.commit()
    flash(gettext("The note is saved: readers choose when to open your post."))
    return redirect(there)
