"""Helping: a member's choices as a helper, and "I'll answer this" on a waiting thread."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from forum.care.forms import NO_HOUR, HelperForm
from forum.database import db
from forum.forms import refused, render_form
from forum.models import Delivery, Thread
from forum.services import browsing, care
from forum.services.errors import ServiceError
from forum.urls import local_path

bp = Blueprint("care", __name__)


def _form(helper) -> HelperForm:
    categories = browsing.categories()
    data = None
    if request.method == "GET" and helper is not None:
        data = {
            "categories": [str(i) for i in sorted(helper.categories)],
            "quiet_from": NO_HOUR if helper.quiet_from is None else str(helper.quiet_from),
            "quiet_until": NO_HOUR if helper.quiet_until is None else str(helper.quiet_until),
            "daily_cap": str(helper.daily_cap),
            "paused": helper.paused,
            "email": current_user.email_helping == Delivery.IMMEDIATELY,
        }
    elif request.method == "GET":
        data = {"email": True}
    form = HelperForm(data=data)
    form.categories.choices = [(str(c.id), c.name) for c in categories]
    return form


@bp.route("/settings/helping", methods=["GET", "POST"])
@login_required
def settings():
    helper = care.helper_of(current_user)
    form = _form(helper)
    if not form.validate_on_submit():
        return render_form("care/settings.html", form, helper=helper)
    try:
        care.save_helper(
            current_user,
            category_ids=[int(i) for i in form.categories.data or []],
            quiet_from=form.hour("quiet_from"),
            quiet_until=form.hour("quiet_until"),
            daily_cap=int(form.daily_cap.data),
            paused=form.paused.data,
            email=form.email.data,
        )
    except ServiceError as error:
        return refused(form, error, "care/settings.html", helper=helper)
    db.session.commit()
    if form.paused.data:
        flash(gettext("Paused. We won't tell you about waiting threads until you turn it back on."))
    elif helper is None:
        flash(
            gettext("Thank you. We'll tell you, now and then, when someone is waiting for a reply.")
        )
    else:
        flash(gettext("Your helping choices are saved."))
    return redirect(url_for(".settings"))


@bp.post("/settings/helping/stop")
@login_required
def stop():
    care.stop_helping(current_user)
    db.session.commit()
    flash(gettext("You've stopped helping. Thank you for every reply you wrote."))
    return redirect(url_for(".settings"))


@bp.post("/t/<id:thread_id>/answering")
@login_required
def claim(thread_id: int):
    thread = db.get_or_404(Thread, thread_id)
    try:
        care.claim(current_user, thread)
    except ServiceError as error:
        db.session.rollback()
        flash(error.message)
        return redirect(local_path(request.form.get("next")) or url_for("support.waiting"))
    db.session.commit()
    flash(
        gettext("Thank you. Other helpers will see that someone is writing a reply for 15 minutes.")
    )
    return redirect(url_for("replies.reply", thread_id=thread.id))
