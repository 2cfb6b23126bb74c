"""Notifications on this device: turning push on in this browser, the devices list (send a
test, see more, remove), and when pushes may come."""

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from forum.database import db
from forum.forms import refused, render_form
from forum.models.user import device_words
from forum.push.forms import PushChoicesForm
from forum.push_transport import application_server_key
from forum.services import push, push_delivery, sessions
from forum.services.errors import ServiceError

bp = Blueprint("push", __name__)


def _context() -> dict:
    return {
        "device_words": device_words,
        "devices": push.devices_of(current_user),
        "current": sessions.current(current_user),
        "server_key": application_server_key(current_app.config["VAPID_PRIVATE_KEY"]),
    }


@bp.route("/settings/push", methods=["GET", "POST"])
@login_required
def settings():
    choices = push.choices_of(current_user)
    form = PushChoicesForm(
        data={topic: getattr(choices, topic) for topic in push.TOPICS}
        | {name: getattr(choices, name) for name in ("quiet_days", "quiet_from", "quiet_until", "time_zone")}
    )  # fmt: skip
    if not form.validate_on_submit():
        return render_form("push/settings.html", form, **_context())
    try:
        push.save_choices(
            current_user, form.kinds(), form.quiet_days.data, form.quiet_from.data,
            form.quiet_until.data, form.time_zone.data,
        )  # fmt: skip
    except ServiceError as error:
        return refused(form, error, "push/settings.html", **_context())
    db.session.commit()
    flash(gettext("Your notification choices are saved."))
    return redirect(url_for(".settings"))


@bp.post("/settings/push/subscribe")
@login_required
def subscribe():
    """The page's script sends what the browser's PushManager gave it, as JSON."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("keys"), dict):
        return jsonify(error=gettext("That didn't come through. Please try again.")), 400
    keys = data["keys"]
    login = sessions.current(current_user)
    values = (data.get("endpoint"), keys.get("p256dh"), keys.get("auth"))
    if login is None or not all(isinstance(value, str) for value in values):
        return jsonify(error=gettext("That didn't come through. Please try again.")), 400
    try:
        device = push.subscribe(current_user, login, *values)
    except ServiceError as error:
        db.session.rollback()
        return jsonify(error=error.message), error.status_code
    db.session.commit()
    flash(gettext("Notifications are on for this device."))
    return jsonify(id=device.id), 201


def _own(subscription_id: int):
    return push.own_device(current_user, subscription_id) or abort(404)


@bp.post("/settings/push/<id:subscription_id>/test")
@login_required
def send_test(subscription_id: int):
    push_delivery.send_test(_own(subscription_id))
    db.session.commit()
    flash(gettext("A test is on its way to that device. It can take a minute to arrive."))
    return redirect(url_for(".settings"))


@bp.post("/settings/push/<id:subscription_id>/show-more")
@login_required
def show_more(subscription_id: int):
    device = _own(subscription_id)
    device.show_more = request.form.get("show_more") == "1"
    db.session.commit()
    flash(
        gettext("This device's notifications now say who wrote and where.")
        if device.show_more
        else gettext("This device's notifications are discreet again.")
    )
    return redirect(url_for(".settings"))


@bp.post("/settings/push/<id:subscription_id>/remove")
@login_required
def remove(subscription_id: int):
    removed = push.remove(current_user, subscription_id)
    db.session.commit()
    flash(
        gettext("That device won't be notified any more.")
        if removed
        else gettext("That device was already removed.")
    )
    return redirect(url_for(".settings"))
