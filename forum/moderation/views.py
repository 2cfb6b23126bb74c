"""The moderators' pages. The role is checked once, before every route, so none can forget it."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.database import db
from forum.extensions import login_manager
from forum.forms import category_choices, render_form, show_error
from forum.models import Action, Post, Role, Thread
from forum.moderation.forms import (
    AppealDecisionForm,
    ModeratorEditForm,
    MoveForm,
    ReasonForm,
    RoleForm,
    SuspendForm,
)
from forum.services import accounts, browsing, moderation
from forum.services.errors import ServiceError
from forum.urls import MAX_ID, local_path

bp = Blueprint("moderation", __name__, url_prefix="/mod")

POST_ACTIONS = {
    "dismiss": moderation.dismiss_reports,
    "hide": moderation.hide_post,
    "remove": moderation.remove_post,
    "restore": moderation.restore_post,
}
THREAD_ACTIONS = {
    "lock": Action.LOCK,
    "unlock": Action.UNLOCK,
    "pin": Action.PIN,
    "unpin": Action.UNPIN,
}
MEMBER_ACTIONS = {
    "warn": moderation.warn,
    "unsuspend": moderation.lift_suspension,
    "ban": moderation.ban,
    "unban": moderation.unban,
}
DONE = {
    "dismiss": "Reports dismissed; the post stays up.",
    "hide": "The post is hidden.",
    "remove": "The post is removed.",
    "restore": "The post is restored.",
    "lock": "The thread is locked.",
    "unlock": "The thread is unlocked.",
    "pin": "The thread is pinned.",
    "unpin": "The thread is unpinned.",
    "move": "The thread is moved.",
    "warn": "The warning is sent.",
    "suspend": "The member is suspended.",
    "unsuspend": "The suspension is lifted.",
    "ban": "The member is banned.",
    "unban": "The ban is lifted.",
    "role": "The role is changed.",
}


@bp.before_request
def moderators_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_moderator:
        abort(403)


def _done(action: str, fallback: str):
    db.session.commit()
    flash(DONE[action])
    return redirect(local_path(request.form.get("next")) or fallback)


def _failed(form, error: ServiceError):
    db.session.rollback()
    show_error(form, error)
    return error.status_code


@bp.get("/")
def queue():
    return render_template(
        "moderation/queue.html",
        items=moderation.queue(),
        appeals=moderation.open_appeals(),
        form=ReasonForm(formdata=None),
    )


def _post_page(post: Post, failed: str = "", form=None, status: int = 200):
    """The post's page: one form for the post, one for its thread, one to move the thread."""
    forms = {
        "post": ReasonForm(formdata=None),
        "thread": ReasonForm(formdata=None),
        "move": MoveForm(formdata=None, data={"category": post.thread.category.slug}),
    }
    if failed:
        forms[failed] = form
    forms["move"].category.choices = category_choices()
    history = [] if post.anonymous else moderation.histories({post.author_id})[post.author_id]
    return render_template(
        "moderation/post.html",
        post=post,
        forms=forms,
        history=history,
        revisions=moderation.revisions(post),
    ), status


@bp.get("/posts/<id:post_id>")
def post(post_id: int):
    return _post_page(browsing.post_with_thread(post_id) or abort(404))


@bp.post("/posts/<id:post_id>/<action>")
def post_action(post_id: int, action: str):
    post = browsing.post_with_thread(post_id) or abort(404)
    if action not in POST_ACTIONS and action != "reveal":
        abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _post_page(post, "post", form, 400)
    try:
        if action == "reveal":
            author = moderation.reveal_author(current_user, post, form.reason.data)
            db.session.commit()
            return render_template("moderation/revealed.html", post=post, author=author)
        from_queue = request.form.get("from_queue") == "1"
        POST_ACTIONS[action](current_user, post, form.reason.data, from_queue=from_queue)
    except ServiceError as error:
        return _post_page(post, "post", form, _failed(form, error))
    return _done(action, url_for("moderation.post", post_id=post.id))


@bp.route("/posts/<id:post_id>/edit", methods=["GET", "POST"])
def edit(post_id: int):
    post = browsing.post_with_thread(post_id) or abort(404)
    form = ModeratorEditForm()
    if not post.is_opening:
        del form.title
    if request.method == "GET":
        form.body.data = post.body_markdown
        if post.is_opening:
            form.title.data = post.thread.title
    if form.validate_on_submit():
        title = form.title.data if post.is_opening else None
        try:
            moderation.edit_post(current_user, post, form.body.data, title, form.reason.data)
        except ServiceError as error:
            return render_form("moderation/edit.html", form, _failed(form, error), post=post)
        db.session.commit()
        flash("The post is edited; the earlier text is kept in its history.")
        return redirect(url_for("moderation.post", post_id=post.id))
    return render_form("moderation/edit.html", form, post=post)


@bp.post("/threads/<id:thread_id>/<action>")
def thread_action(thread_id: int, action: str):
    thread = db.get_or_404(Thread, thread_id)
    opening = browsing.opening_post(thread)
    if action == "move":
        form, failed = MoveForm(), "move"
        form.category.choices = category_choices()
    elif action in THREAD_ACTIONS:
        form, failed = ReasonForm(), "thread"
    else:
        abort(404)
    if not form.validate_on_submit():
        return _post_page(opening, failed, form, 400)
    try:
        if action == "move":
            category = browsing.category_by_slug(form.category.data)
            moderation.move_thread(current_user, thread, category, form.reason.data)
        else:
            moderation.set_thread_flag(
                current_user, thread, THREAD_ACTIONS[action], form.reason.data
            )
    except ServiceError as error:
        return _post_page(opening, failed, form, _failed(form, error))
    return _done(action, url_for("moderation.post", post_id=opening.id))


def _member_page(member, failed: str = "", form=None, status: int = 200):
    """The member's page: one form for warnings, suspensions and bans, one for the role."""
    forms = {
        "member": SuspendForm(formdata=None),
        "role": RoleForm(formdata=None, data={"role": member.role}),
    }
    if failed:
        forms[failed] = form
    history = moderation.histories({member.id}, each=50)[member.id]
    return render_template(
        "moderation/member.html", member=member, forms=forms, history=history
    ), status


@bp.get("/members/<username>")
def member(username: str):
    return _member_page(accounts.find_by_username(username) or abort(404))


@bp.post("/members/<username>/<action>")
def member_action(username: str, action: str):
    member = accounts.find_by_username(username) or abort(404)
    if action not in MEMBER_ACTIONS and action not in ("suspend", "role"):
        abort(404)
    form = RoleForm() if action == "role" else SuspendForm()  # the page's two forms
    failed = "role" if action == "role" else "member"
    if not form.validate_on_submit():
        return _member_page(member, failed, form, 400)
    try:
        if action == "suspend":
            moderation.suspend(current_user, member, form.days.data, form.reason.data)
        elif action == "role":
            moderation.set_role(current_user, member, Role(form.role.data), form.reason.data)
        else:
            MEMBER_ACTIONS[action](current_user, member, form.reason.data)
    except ServiceError as error:
        return _member_page(member, failed, form, _failed(form, error))
    return _done(action, url_for("moderation.member", username=member.username))


@bp.route("/appeals/<id:appeal_id>", methods=["GET", "POST"])
def appeal(appeal_id: int):
    entry = moderation.find_appeal(appeal_id) or abort(404)
    form = AppealDecisionForm()
    status = None
    if form.validate_on_submit():
        try:
            moderation.resolve_appeal(
                current_user, entry, form.decision.data == "overturn", form.reason.data
            )
        except ServiceError as error:
            status = _failed(form, error)
        else:
            db.session.commit()
            flash("The appeal is answered, and the member can see the outcome.")
            return redirect(url_for("moderation.queue"))
    return render_form("moderation/appeal.html", form, status, appeal=entry)


@bp.get("/log")
def log():
    names = {k: request.args.get(k, "").strip() for k in ("moderator", "member")}
    people = {k: accounts.find_by_username(name) for k, name in names.items() if name}
    action = request.args.get("action", "")
    action = action if action in set(Action) else ""
    page = max(request.args.get("page", 1, type=int), 1)
    if page > MAX_ID:  # no log is that long, and the database could not take such an offset
        abort(404)
    if None in people.values():  # a name nobody has matches nothing
        entries, has_older = [], False
    else:
        statement = moderation.log_statement(people.get("moderator"), action, people.get("member"))
        entries, has_older = moderation.log_page(statement, page)
    return render_template(
        "moderation/log.html",
        entries=entries,
        page=page,
        has_older=has_older,
        actions=list(Action),
        filters=names | {"action": action},
    )
