"""The notifications page, following threads, email choices and unsubscribing."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from forum.database import db, records_on_get
from forum.extensions import csrf
from forum.forms import render_form
from forum.lazy_words import lazy_gettext
from forum.models import EmailTopic, FollowState, Thread
from forum.notifications.forms import EmailChoicesForm
from forum.pagination import page_count
from forum.responses import page_number, requested_page
from forum.services import email_settings, following, notifications
from forum.urls import local_path

bp = Blueprint("notifications", __name__)


def _listing(fetch, per_page: int):
    """One page of the member's own list; a ?page= past the end is a 404, as on every list."""
    rows, total = fetch(current_user, page_number(), per_page)
    return rows, requested_page(page_count(total, per_page))


@bp.get("/notifications")
@login_required
def index():
    items, page = _listing(notifications.page_of, current_app.config["NOTIFICATIONS_PER_PAGE"])
    return render_template("notifications/index.html", items=items, page=page)


def _own(notification_id: int):
    return notifications.own_notification(current_user, notification_id) or abort(404)


@bp.get("/notifications/<id:notification_id>")
@records_on_get
@login_required
def show(notification_id: int):
    """Go to what a notification is about, and count it as read.

    The one GET that records anything: a read receipt only the member sees, so a link in an
    email can clear the bell. Emails link here, never to the post, so a link read over a
    shoulder shows nothing without the member's sign-in.
    """
    notification = _own(notification_id)
    notifications.mark_read(notification)
    [shown] = notifications.describe([notification])
    db.session.commit()
    return redirect(shown.url)


@bp.post("/notifications/<id:notification_id>/read")
@login_required
def read_one(notification_id: int):
    notifications.mark_read(_own(notification_id))
    db.session.commit()
    return redirect(local_path(request.form.get("next")) or url_for(".index"))


@bp.post("/notifications/read")
@login_required
def read_all():
    notifications.mark_all_read(current_user)
    db.session.commit()
    flash(gettext("All caught up."))
    return redirect(url_for(".index"))


@bp.get("/following")
@login_required
def following_page():
    rows, page = _listing(following.followed_threads, current_app.config["THREADS_PER_PAGE"])
    return render_template("notifications/following.html", rows=rows, page=page)


FOLLOW_MESSAGES = {
    FollowState.FOLLOWING: lazy_gettext(
        "You're following this thread: we'll tell you about new replies."
    ),
    FollowState.MUTED: lazy_gettext("This thread is muted: you won't hear about its replies."),
    FollowState.NONE: lazy_gettext(
        "You're no longer following this thread. Replying follows it again; "
        "mute it to hear nothing from it."
    ),
}


@bp.post("/t/<id:thread_id>/follow")
@login_required
def follow(thread_id: int):
    thread = db.get_or_404(Thread, thread_id)
    state = request.form.get("state", "")
    following.set_follow(current_user, thread, state)
    db.session.commit()
    flash(str(FOLLOW_MESSAGES[state]))
    back = local_path(request.form.get("next"))
    return redirect(back or url_for("threads.show", thread_id=thread.id))


@bp.route("/settings/email", methods=["GET", "POST"])
@login_required
def email_choices():
    form = EmailChoicesForm(
        data={topic.value: getattr(current_user, f"email_{topic}") for topic in EmailTopic}
        | {"show_content": current_user.email_show_content}
    )
    if form.validate_on_submit():
        email_settings.set_choices(current_user, form.choices(), form.show_content.data)
        db.session.commit()
        flash(gettext("Your email choices are saved."))
        return redirect(url_for(".email_choices"))
    return render_form("notifications/email.html", form)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the proof; mail apps' one-click POST carries nothing else
def unsubscribe(token: str):
    """Opening the link (GET, or a link checker's HEAD) asks first; only a POST unsubscribes."""
    user, topic = email_settings.unsubscribe_target(token)
    if request.method != "POST":
        return render_template("notifications/unsubscribe.html", stops=email_settings.STOPS[topic])
    email_settings.unsubscribe(user, topic)
    db.session.commit()
    return render_template("notifications/unsubscribed.html", stopped=email_settings.STOPPED[topic])
