"""Messages: requests, conversations, and reporting a message. Every route behind a
conversation's key answers 404 to anyone who is not a party, as for a key that doesn't exist."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required

from forum.database import db, records_on_get, roll_back
from forum.forms import refused, render_form, show_error
from forum.limits import limited
from forum.messages.forms import MessageForm, MessageReportForm, MessagesFromForm, RequestForm
from forum.models import ConversationState, Message
from forum.pagination import post_url
from forum.responses import offer_support, page_number
from forum.services import (
    browsing,
    conversations,
    mentions,
    message_reports,
    messaging,
    profiles,
)
from forum.services.errors import ServiceError
from forum.services.posting_rules import Pause
from forum.services.shapes import label_in_words
from forum.urls import record_id

bp = Blueprint("messages", __name__)


def _mine(key: str):
    return conversations.find(current_user, key) or abort(404)


def _pause_or_refuse(form, error: ServiceError, template: str, **context):
    """A second look keeps everything and asks; any other refusal is shown at the field."""
    if isinstance(error, Pause):
        context["nudge"] = error
    offer_support(error.reads_as_crisis)  # crisis first, even when the words can't be sent
    return refused(form, error, template, **context)


@bp.get("/messages")
@login_required
def index():
    rows, total = conversations.page_of(current_user, page_number())
    return render_template(
        "messages/index.html",
        conversations=rows,
        total=total,
        page=page_number(),
        per_page=conversations.PER_PAGE,
        shown_as=conversations.shown_as,
    )


@bp.route("/u/<username>/message", methods=["GET", "POST"])
@login_required
@limited("messages")
def request_member(username: str):
    profile = profiles.profile(username, current_user) or abort(404)
    member = profile.member
    form = RequestForm()
    context = {"member": member, "post": None}
    if not form.validate_on_submit():
        return render_form("messages/request.html", form, **context)
    try:
        sent = messaging.request(
            current_user, member, form.body.data,
            kind_ok=form.kind_ok.data, contact_ok=form.contact_ok.data,
        )  # fmt: skip
    except ServiceError as error:
        return _pause_or_refuse(form, error, "messages/request.html", **context)
    return _sent(sent, gettext("Your request is sent. You'll see here when they answer."))


@bp.route("/p/<id:post_id>/private-reply", methods=["GET", "POST"])
@login_required
@limited("messages")
def request_alias(post_id: int):
    post = browsing.post_with_thread(post_id) or abort(404)
    if not (post.anonymous and post.private_replies and post.is_visible and not post.is_deleted):
        abort(404)
    form = RequestForm()
    context = {"member": None, "post": post, "label": label_in_words(post.anonymous_label)}
    if not form.validate_on_submit():
        return render_form("messages/request.html", form, **context)
    try:
        sent = messaging.request(
            current_user, None, form.body.data, post=post,
            kind_ok=form.kind_ok.data, contact_ok=form.contact_ok.data,
        )  # fmt: skip
    except ServiceError as error:
        return _pause_or_refuse(form, error, "messages/request.html", **context)
    return _sent(sent, gettext("Your request is sent. Neither of you is named to the other."))


def _sent(sent: messaging.Sent, done: str):
    there = url_for("messages.show", key=sent.conversation.key)
    db.session.commit()
    flash(done)
    offer_support(sent.reads_as_crisis)
    return redirect(there)


def _page(conversation, form=None, status: int = 200, **extra):
    me = conversation.party_of(current_user)
    other = conversation.other_party(current_user)
    return render_template(
        "messages/show.html",
        conversation=conversation,
        me=me,
        other=other,
        other_name=conversations.shown_as(other, conversation),
        my_name=conversations.shown_as(me, conversation),
        messages=conversations.messages_of(conversation),
        form=form or MessageForm(formdata=None),
        waiting_for_me=conversation.state == ConversationState.REQUESTED and not me.starter,
        **extra,
    ), status


@bp.get("/messages/<key>")
@records_on_get
@login_required
def show(key: str):
    conversation = _mine(key)
    page = _page(conversation)
    # No read receipt for a request: opening it tells its sender nothing.
    conversations.mark_read(current_user, conversation)
    db.session.commit()
    return page


@bp.post("/messages/<key>")
@login_required
@limited("messages")
def send(key: str):
    conversation = _mine(key)
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(conversation, form, 400)
    try:
        sent = messaging.send(
            current_user, conversation, form.body.data,
            kind_ok=form.kind_ok.data, contact_ok=form.contact_ok.data,
        )  # fmt: skip
    except ServiceError as error:
        show_error(form, error)
        offer_support(error.reads_as_crisis)
        page, _ = _page(conversation, form, nudge=error if isinstance(error, Pause) else None)
        roll_back(error.keep)
        return page, error.status_code
    return _sent(sent, gettext("Sent."))


ACTIONS = {
    "accept": (messaging.accept, lazy_gettext("You accepted. You can write to each other now.")),
    "decline": (messaging.decline, lazy_gettext("Declined. They can't send this request again.")),
    "leave": (messaging.leave, lazy_gettext("You left the conversation.")),
    "block": (messaging.block, lazy_gettext("Blocked. They aren't told, and can't write to you.")),
}


@bp.post("/messages/<key>/<action>")
@login_required
def act(key: str, action: str):
    conversation = _mine(key)
    if action not in ACTIONS:
        abort(404)
    do, done = ACTIONS[action]
    try:
        do(current_user, conversation)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message)
        return redirect(url_for("messages.show", key=key))
    db.session.commit()
    flash(str(done))
    if action == "accept":
        return redirect(url_for("messages.show", key=key))
    return redirect(url_for("messages.index"))


@bp.post("/messages/<key>/name/<choice>")
@login_required
def name(key: str, choice: str):
    conversation = _mine(key)
    if choice not in ("show", "hide"):
        abort(404)
    try:
        messaging.show_name(current_user, conversation, choice == "show")
    except ServiceError as error:
        db.session.rollback()
        flash(error.message)
        return redirect(url_for("messages.show", key=key))
    db.session.commit()
    flash(
        gettext("Your name shows if they choose to show theirs too.")
        if choice == "show"
        else gettext("Your name is hidden.")
    )
    return redirect(url_for("messages.show", key=key))


@bp.route("/messages/<key>/<id:message_id>/report", methods=["GET", "POST"])
@login_required
@limited("reports")
def report(key: str, message_id: int):
    conversation = _mine(key)
    message = db.session.get(Message, message_id)
    if message is None or message.conversation_id != conversation.id:
        abort(404)
    form = MessageReportForm()
    context = {"conversation": conversation, "message": message}
    if not form.validate_on_submit():
        return render_form("messages/report.html", form, **context)
    try:
        message_reports.report(
            current_user, conversation, message, form.reason.data, form.details.data,
            int(form.context.data or 0) if (form.context.data or "").isdigit() else 0,
        )  # fmt: skip
    except ServiceError as error:
        return refused(form, error, "messages/report.html", **context)
    db.session.commit()
    flash(
        gettext("Thank you. A moderator will look at this message, and only at what you included.")
    )
    return redirect(url_for("messages.show", key=key))


@bp.post("/p/<id:post_id>/private-replies")
@login_required
def private_replies(post_id: int):
    post = browsing.post_with_thread(post_id) or abort(404)
    allow = request.form.get("allow") == "1"
    try:
        messaging.allow_private_replies(current_user, post, allow)
    except ServiceError:
        db.session.rollback()
        abort(404)  # only its author may, and nobody else learns whose it is
    there = post_url(post)
    db.session.commit()
    flash(
        gettext(
            "Others can now reply to this post privately. Neither of you is named to the other."
        )
        if allow
        else gettext("Private replies to this post are off.")
    )
    return redirect(there)


@bp.get("/mentions")
@login_required
def mention_suggestions():
    """People to mention as she types "@": those in the thread and those she has talked with."""
    thread_id = request.args.get("thread", type=record_id)
    people = mentions.suggestions(current_user, request.args.get("q", "")[:40], thread_id)
    return render_template("messages/_mentions.html", people=people)


@bp.route("/settings/messages", methods=["GET", "POST"])
@login_required
def settings():
    form = MessagesFromForm(data={"messages_from": current_user.messages_from})
    if not form.validate_on_submit():
        return render_form("messages/settings.html", form)
    current_user.messages_from = form.messages_from.data
    db.session.commit()
    flash(gettext("Saved."))
    return redirect(url_for("messages.settings"))
