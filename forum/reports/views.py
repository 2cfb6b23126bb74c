"""The member's side of moderation: reporting a post, following reports, notices and appeals."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from forum.database import db
from forum.forms import refused, render_form
from forum.lazy_words import lazy_gettext as _l
from forum.limits import limited
from forum.models import MemberWarning, ModerationAction
from forum.reports.forms import AppealForm, ReportForm
from forum.services import appeals, browsing, reporting, sanctions
from forum.services.errors import ServiceError
from forum.urls import local_path

bp = Blueprint("reports", __name__)

REPORT_FILED = _l(
    "Thank you for telling us. A moderator will look at this soon; the author won't be told who "
    "reported it. You can follow it under “Your reports”."
)
REPORT_UPDATED = _l("You had already reported this post, so we've updated your report. Thank you.")


@bp.app_context_processor
def warnings_to_read() -> dict:
    """A moderator's warning is shown on every page until its member says they've read it."""
    if current_user.is_authenticated and current_user.unread_warnings:
        return {"warnings_to_read": sanctions.unread_warnings(current_user)}
    return {}


@bp.route("/p/<id:post_id>/report", methods=["GET", "POST"])
@login_required
@limited("reports")
def report(post_id: int):
    post = browsing.post_with_thread(post_id) or abort(404)
    reporting.check_can_report(current_user, post)
    form = ReportForm()
    open_to = reporting.reasons_open_to(current_user)
    form.reason.choices = [c for c in form.reason.choices if c.value in open_to]
    if not form.validate_on_submit():
        return render_form("reports/report.html", form, post=post)
    try:
        filed = reporting.report_post(current_user, post, form.reason.data, form.details.data or "")
    except ServiceError as error:
        return refused(form, error, "reports/report.html", post=post)
    db.session.commit()
    flash(str(REPORT_UPDATED if filed.updated else REPORT_FILED))
    return redirect(url_for("replies.permalink", post_id=post.id))


@bp.get("/me/reports")
@login_required
def mine():
    return render_template("reports/mine.html", reports=reporting.reports_by(current_user))


@bp.get("/me/notices")
@login_required
def notices():
    warnings, decisions, appealed = appeals.notices_for(current_user)
    return render_template(
        "reports/notices.html", warnings=warnings, decisions=decisions, appeals=appealed
    )


@bp.post("/me/warnings/<id:warning_id>/acknowledge")
@login_required
def acknowledge(warning_id: int):
    sanctions.acknowledge_warning(current_user, db.get_or_404(MemberWarning, warning_id))
    db.session.commit()
    flash(gettext("Thank you for reading it."))
    return redirect(local_path(request.form.get("next")) or url_for("reports.notices"))


@bp.route("/me/appeals/<id:action_id>", methods=["GET", "POST"])
@login_required
def appeal(action_id: int):
    decision = db.get_or_404(ModerationAction, action_id)
    if decision.target_user_id != current_user.id:
        abort(404)  # another member's decision: not even its existence is shown
    form = AppealForm()
    if not form.validate_on_submit():
        return render_form("reports/appeal.html", form, decision=decision)
    try:
        appeals.appeal(current_user, decision, form.message.data)
    except ServiceError as error:
        return refused(form, error, "reports/appeal.html", decision=decision)
    db.session.commit()
    flash(gettext("Your appeal is with the moderators. You'll see their answer on this page."))
    return redirect(url_for("reports.notices"))
