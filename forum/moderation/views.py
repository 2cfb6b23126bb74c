"""The moderators' pages. The role is checked once, before every route, so none can forget it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from forum.database import db
from forum.extensions import login_manager
from forum.forms import category_choices, editing, refused, render_form
from forum.lazy_words import lazy_gettext as _l
from forum.models import Action, Post, Role, Thread
from forum.models.moderation import ACTION_NAMES, system_words
from forum.moderation.forms import (
    AppealDecisionForm,
    CheckInForm,
    ModeratorEditForm,
    MoveForm,
    ReasonForm,
    RoleForm,
    SuspendForm,
    WarnForm,
)
from forum.responses import csv_download, page_number
from forum.services import (
    accounts,
    appeals,
    audit,
    browsing,
    care_dashboard,
    message_reports,
    moderation_actions,
    moderation_members,
    moderation_queue,
    policy,
    sanctions,
)
from forum.services.errors import ServiceError
from forum.urls import local_path

bp = Blueprint("moderation", __name__, url_prefix="/mod")
# Words Blossom stored in English (a resolution, an automatic reason), in the reader's language.
bp.add_app_template_global(system_words, "system_words")

POST_ACTIONS = {
    "dismiss": moderation_actions.dismiss_reports,
    "check_in": moderation_actions.check_in,
    "hide": moderation_actions.hide_post,
    "remove": moderation_actions.remove_post,
    "restore": moderation_actions.restore_post,
}
THREAD_ACTIONS = {
    "lock": Action.LOCK,
    "unlock": Action.UNLOCK,
    "pin": Action.PIN,
    "unpin": Action.UNPIN,
}
MEMBER_ACTIONS = {
    "warn": sanctions.warn,
    "unsuspend": sanctions.lift_suspension,
    "ban": sanctions.ban,
    "unban": sanctions.unban,
}
DONE = {
    "dismiss": _l("Reports dismissed; the post stays up."),
    "check_in": _l(
        "Noted: you've checked in, and whoever reported it is told you're keeping an eye."
    ),
    "hide": _l("The post is hidden."),
    "remove": _l("The post is removed."),
    "restore": _l("The post is restored."),
    "lock": _l("The thread is locked."),
    "unlock": _l("The thread is unlocked."),
    "pin": _l("The thread is pinned."),
    "unpin": _l("The thread is unpinned."),
    "move": _l("The thread is moved."),
    "warn": _l("The warning is sent."),
    "suspend": _l("The member is suspended."),
    "unsuspend": _l("The suspension is lifted."),
    "ban": _l("The member is banned."),
    "unban": _l("The ban is lifted."),
    "role": _l("The role is changed."),
}


@bp.before_request
def moderators_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_moderator:
        abort(403)


def _done(action: str, fallback: str):
    db.session.commit()
    flash(str(DONE[action]))
    return redirect(local_path(request.form.get("next")) or fallback)


@bp.get("/")
def queue():
    return render_template(
        "moderation/queue.html",
        items=moderation_queue.queue(),
        message_items=message_reports.open_reports(),
        appeals=appeals.open_appeals(),
        form=CheckInForm(formdata=None),
    )


def _post_page(post: Post, failed: str = "", form=None) -> dict:
    """What the post's page shows: one form for the post, one for its thread, one to move the
    thread (the one that was sent, if it came back), the author's history and earlier versions."""
    forms = {
        "post": ReasonForm(formdata=None),
        "thread": ReasonForm(formdata=None),
        "move": MoveForm(formdata=None, data={"category": post.thread.category.slug}),
    }
    if failed:
        forms[failed] = form
    forms["move"].category.choices = category_choices()
    history = [] if post.anonymous else audit.histories({post.author_id})[post.author_id]
    revisions = moderation_queue.revisions(post)
    return {"post": post, "forms": forms, "history": history, "revisions": revisions}


@bp.get("/posts/<id:post_id>")
def post(post_id: int):
    return render_template(
        "moderation/post.html", **_post_page(browsing.post_with_thread(post_id) or abort(404))
    )


@bp.post("/posts/<id:post_id>/<action>")
def post_action(post_id: int, action: str):
    post = browsing.post_with_thread(post_id) or abort(404)
    if action not in POST_ACTIONS and action != "reveal":
        abort(404)
    form = CheckInForm() if action == "check_in" else ReasonForm()
    if not form.validate_on_submit():
        return render_form("moderation/post.html", form, **_post_page(post, "post", form))
    try:
        if action == "check_in":
            moderation_actions.check_in(
                current_user, post, form.logged_reason, form.message.data or ""
            )
        elif action == "reveal":
            author = moderation_actions.reveal_author(current_user, post, form.logged_reason)
            db.session.commit()
            return render_template("moderation/revealed.html", post=post, author=author)
        elif action == "dismiss":  # this acts on the reports the moderator saw
            POST_ACTIONS[action](current_user, post, form.logged_reason)
        else:
            from_queue = request.form.get("from_queue") == "1"
            POST_ACTIONS[action](current_user, post, form.logged_reason, from_queue=from_queue)
    except ServiceError as error:
        return refused(form, error, "moderation/post.html", **_post_page(post, "post", form))
    return _done(action, url_for("moderation.post", post_id=post.id))


@bp.route("/posts/<id:post_id>/edit", methods=["GET", "POST"])
def edit(post_id: int):
    post = browsing.post_with_thread(post_id) or abort(404)
    form = editing(ModeratorEditForm, post)
    if not form.validate_on_submit():
        return render_form("moderation/edit.html", form, post=post)
    title = form.title.data if post.is_opening else None
    try:
        moderation_actions.edit_post(current_user, post, form.body.data, title, form.reason.data)
    except ServiceError as error:
        return refused(form, error, "moderation/edit.html", post=post)
    db.session.commit()
    flash(gettext("The post is edited; the earlier text is kept in its history."))
    return redirect(url_for("moderation.post", post_id=post.id))


def _thread_form(action: str):
    """The form a thread action was sent from, and its name on the post's page."""
    if action == "move":
        form = MoveForm()
        form.category.choices = category_choices()
        return form, "move"
    if action in THREAD_ACTIONS:
        return ReasonForm(), "thread"
    abort(404)


@bp.post("/threads/<id:thread_id>/<action>")
def thread_action(thread_id: int, action: str):
    thread = db.get_or_404(Thread, thread_id)
    opening = browsing.opening_post(thread)
    form, failed = _thread_form(action)
    page = "moderation/post.html"
    if not form.validate_on_submit():
        return render_form(page, form, **_post_page(opening, failed, form))
    try:
        if action == "move":
            category = browsing.category_by_slug(form.category.data)
            moderation_actions.move_thread(current_user, thread, category, form.logged_reason)
        else:
            moderation_actions.set_thread_flag(
                current_user, thread, THREAD_ACTIONS[action], form.logged_reason
            )
    except ServiceError as error:
        return refused(form, error, page, **_post_page(opening, failed, form))
    return _done(action, url_for("moderation.post", post_id=opening.id))


@bp.get("/members")
def members():
    query = request.args.get("q", "").strip()
    found = moderation_members.search_members(current_user, query) if query else []
    return render_template("moderation/members.html", query=query, found=found)


def _member_page(member, failed: str = "", form=None) -> dict:
    """What the member's page shows: a warning's form, apart from the one for suspensions and
    bans, one for the role (the one that was sent, if it came back), her history and her recent
    posts by name."""
    forms = {
        "warn": WarnForm(formdata=None),
        "member": SuspendForm(formdata=None),
        "role": RoleForm(formdata=None, data={"role": member.role}),
    }
    if failed:
        forms[failed] = form
    history = audit.histories({member.id}, each=50)[member.id]
    posts = moderation_members.recent_named_posts(current_user, member)
    return {"member": member, "forms": forms, "history": history, "posts": posts}


def _member_form(action: str):
    """The form a member action was sent from, and its name on the member's page."""
    if action == "role":
        return RoleForm(), "role"
    if action == "warn":
        return WarnForm(), "warn"
    return SuspendForm(), "member"


@bp.get("/members/<username>")
def member(username: str):
    found = accounts.find_by_username(username) or abort(404)
    return render_template("moderation/member.html", **_member_page(found))


@bp.post("/members/<username>/<action>")
def member_action(username: str, action: str):
    member = accounts.find_by_username(username) or abort(404)
    if action not in MEMBER_ACTIONS and action not in ("suspend", "role"):
        abort(404)
    form, failed = _member_form(action)
    page = "moderation/member.html"
    if not form.validate_on_submit():
        return render_form(page, form, **_member_page(member, failed, form))
    reason = form.logged_reason
    try:
        if action == "ban" and not form.confirm_ban.data:  # a ban is confirmed, by whom may
            policy.require_over(current_user, member)
            raise ServiceError(gettext("Tick the box to confirm the ban."), "confirm_ban")
        if action == "suspend":
            sanctions.suspend(current_user, member, form.days.data, reason)
        elif action == "role":
            sanctions.set_role(current_user, member, Role(form.role.data), reason)
        else:
            MEMBER_ACTIONS[action](current_user, member, reason)
    except ServiceError as error:
        return refused(form, error, page, **_member_page(member, failed, form))
    return _done(action, url_for("moderation.member", username=member.username))


@bp.route("/appeals/<id:appeal_id>", methods=["GET", "POST"])
def appeal(appeal_id: int):
    entry = appeals.find_appeal(appeal_id) or abort(404)
    form = AppealDecisionForm()
    if not form.validate_on_submit():
        return render_form("moderation/appeal.html", form, appeal=entry)
    overturn = form.decision.data == "overturn"
    try:
        appeals.resolve_appeal(current_user, entry, overturn, form.reason.data)
    except ServiceError as error:
        return refused(form, error, "moderation/appeal.html", appeal=entry)
    db.session.commit()
    flash(gettext("The appeal is answered, and the member can see the outcome."))
    return redirect(url_for("moderation.queue"))


@bp.get("/log")
def log():
    names = {k: request.args.get(k, "").strip() for k in ("moderator", "member")}
    people = {k: accounts.find_by_username(name) for k, name in names.items() if name}
    action = request.args.get("action", "")
    action = action if action in set(Action) else ""
    page = page_number()
    if None in people.values():  # a name nobody has matches nothing
        entries, has_older = [], False
    else:
        by, about = people.get("moderator"), people.get("member")
        statement = audit.log_statement(by, action, about, reader=current_user)
        entries, has_older = audit.log_page(statement, page)
    return render_template(
        "moderation/log.html",
        entries=entries,
        page=page,
        has_older=has_older,
        actions=[(action.value, ACTION_NAMES[action]) for action in Action],
        filters=names | {"action": action},
    )


def _care_days() -> int:
    """The period asked for: 7, 30 or 90 days (30 for anything else)."""
    days = request.args.get("days", "30")
    return int(days) if days in {str(d) for d in care_dashboard.PERIODS} else 30


@bp.get("/care")
def care():
    return render_template(
        "moderation/care.html",
        board=care_dashboard.dashboard(_care_days()),
        periods=care_dashboard.PERIODS,
    )


@bp.get("/care/<slug>.csv")
def care_csv(slug: str):
    days = _care_days()
    table = care_dashboard.dashboard(days).table(slug) or abort(404)
    return csv_download(table.csv_rows(), f"blossom-{slug}-{days}-days.csv")


# Reported messages: read only through a POST that the audit log records, never browsed.


def _reading(report_id: int, form=None, status: int = 200, **extra):
    reading = message_reports.read(current_user, report_id) or abort(404)
    page = render_template(
        "moderation/message.html",
        reading=reading,
        form=form or CheckInForm(formdata=None),
        **extra,
    )
    return page, status


@bp.post("/messages/<id:report_id>/<action>")
def message_action(report_id: int, action: str):
    if action not in ("read", "dismiss", "check_in", "reveal"):
        abort(404)
    if action == "read":
        page = _reading(report_id)
        db.session.commit()
        return page
    form = CheckInForm()
    if not form.validate_on_submit():
        page = _reading(report_id, form, 400)
        db.session.commit()
        return page
    try:
        if action == "reveal":
            sender = message_reports.reveal(current_user, report_id, form.logged_reason)
            page = _reading(report_id, revealed=sender)
            db.session.commit()
            return page
        message_reports.close(current_user, report_id, form.logged_reason, action == "check_in")
        if action == "check_in":
            message_reports.check_in_about(current_user, report_id, form.message.data or "")
    except ServiceError as error:
        db.session.rollback()
        flash(error.message)
        return redirect(url_for("moderation.queue"))
    db.session.commit()
    flash(
        gettext("Noted: you've checked in.")
        if action == "check_in"
        else gettext("The report is closed.")
    )
    return redirect(url_for("moderation.queue"))
