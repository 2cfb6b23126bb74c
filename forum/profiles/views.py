import json

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_number, gettext, ngettext
from flask_login import current_user, login_required, logout_user

from forum.database import db
from forum.forms import refused, render_form
from forum.limits import limited
from forum.page_cache import LISTINGS, for_visitors
from forum.profiles.forms import (
    DeleteAccountForm,
    DownloadDataForm,
    EmailAddressForm,
    PasswordForm,
    ProfileForm,
    TokenForm,
)
from forum.responses import sign_in, signed_out
from forum.services import (
    accounts,
    blocking,
    browsing,
    data_download,
    privacy,
    profiles,
    recovery,
    sessions,
    tokens,
)
from forum.services.errors import ServiceError

bp = Blueprint("profiles", __name__)


# Under every listing, not a generation of the member's own: one renewed when she posts would
# tell a watcher when she wrote an anonymous post.
@bp.get("/u/<username>")
@for_visitors(lambda username: [LISTINGS], varies_on=())
def show(username: str):
    profile = profiles.profile(username, current_user) or abort(404)
    return render_template(
        "profiles/show.html",
        member=profile.member,
        threads=browsing.recent_threads_by(profile.member),
        replies=browsing.recent_replies_by(profile.member),
        stats=_stats(profile.member, profile.parents_helped),
        blocked=profile.blocked,
    )


def _stats(member, helped: int) -> list[str]:
    """Her numbers, as the reader's language counts them: "2 threads started", "5 posts"."""
    threads, posts = member.thread_count, member.post_count
    stats = [
        ngettext("%(shown)s thread started", "%(shown)s threads started", threads,
                 shown=format_number(threads)),
        ngettext("%(shown)s post", "%(shown)s posts", posts, shown=format_number(posts)),
    ]  # fmt: skip
    if helped:
        stats.append(
            ngettext("helped %(shown)s parent", "helped %(shown)s parents", helped,
                     shown=format_number(helped))
        )  # fmt: skip
    return stats


@bp.get("/settings/blocked")
@login_required
def blocked():
    return render_template(
        "profiles/blocked.html",
        blocks=blocking.blocked_members(current_user),
        alias_blocks=blocking.private_reply_blocks(current_user),
    )


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    form = ProfileForm(obj=current_user)
    if not form.validate_on_submit():
        return render_form("profiles/settings.html", form)
    try:
        accounts.update_profile(current_user, form.display_name.data, form.bio.data)
    except ServiceError as error:
        return refused(form, error, "profiles/settings.html")
    db.session.commit()
    flash(gettext("Your profile is saved."))
    return redirect(url_for("profiles.settings"))


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
@limited("password-check")
def password():
    form = PasswordForm()
    if not form.validate_on_submit():
        return render_form("profiles/password.html", form)
    try:
        accounts.change_password(current_user, form.current_password.data, form.new_password.data)
    except ServiceError as error:
        return refused(form, error, "profiles/password.html")
    # Every sign-in ended with the old password; this device goes on with a new one.
    remembered = request.cookies.get(current_app.config["REMEMBER_COOKIE_NAME"])
    sign_in(current_user._get_current_object(), remember=bool(remembered))
    flash(
        gettext("Your password is changed. Any other device you were signed in on is signed out.")
    )
    return redirect(url_for("profiles.settings"))


@bp.route("/settings/email-address", methods=["GET", "POST"])
@login_required
@limited("password-check")
@limited("email-sending")
def email_address():
    form = EmailAddressForm()
    if not form.validate_on_submit():
        return render_form("profiles/email_address.html", form)
    try:
        recovery.change_email(current_user, form.password.data, form.email.data)
    except ServiceError as error:
        return refused(form, error, "profiles/email_address.html")
    db.session.commit()
    # The same words whether or not the address has an account: its owner is emailed instead.
    flash(
        gettext(
            "We sent a link to %(new)s. Your address changes when you open it; until then we "
            "keep writing to %(old)s.",
            new=form.email.data.strip(),
            old=current_user.email,
        )
    )
    return redirect(url_for("profiles.email_address"))


@bp.get("/settings/devices")
@login_required
def devices():
    return render_template(
        "profiles/devices.html",
        devices=sessions.of_member(current_user),
        current=sessions.current(current_user),
        idle_days=sessions.IDLE_LIMIT.days,
    )


@bp.post("/settings/devices/<id:session_id>/end")
@login_required
def end_device(session_id: int):
    this_one = sessions.current(current_user)
    ended = sessions.end(current_user, session_id)
    db.session.commit()
    if this_one is not None and this_one.id == session_id:
        logout_user()
        flash(gettext("You're signed out on this device."))
        return signed_out(redirect(url_for("auth.login")))
    flash(
        gettext("That device is signed out.")
        if ended
        else gettext("That device was already signed out.")
    )
    return redirect(url_for("profiles.devices"))


@bp.post("/settings/devices/end-others")
@login_required
def end_other_devices():
    ended = sessions.end_all(current_user.id, keep=sessions.current(current_user))
    ended += tokens.revoke_all(current_user.id, tokens.SIGNED_OUT_EVERYWHERE)
    db.session.commit()
    flash(
        gettext("You're signed out on every other device.")
        if ended
        else gettext("You weren't signed in anywhere else.")
    )
    return redirect(url_for("profiles.devices"))


@bp.route("/settings/tokens", methods=["GET", "POST"])
@login_required
def access_tokens():
    """Apps and tokens: make a token (its secret shown on this answer only), see and revoke them."""
    form = TokenForm()
    made = None
    if request.method == "POST":
        if not form.validate_on_submit():
            return _tokens_page(form, None, 400)
        try:
            token, secret = tokens.create(
                current_user, form.name.data, form.chosen_scopes, int(form.days.data)
            )
        except ServiceError as error:
            return refused(form, error, "profiles/tokens.html", **_tokens_context())
        db.session.commit()
        made = (token.name, secret)
        form = TokenForm(formdata=None)
    return _tokens_page(form, made, 200)


def _tokens_context() -> dict:
    return {
        "tokens": tokens.active_of(current_user),
        "events": tokens.events_of(current_user),
        "prefix": tokens.PREFIX,
        "scope_words": tokens.scope_words,
        "event_words": tokens.event_words,
    }


def _tokens_page(form: TokenForm, made: tuple[str, str] | None, status: int):
    page = render_template("profiles/tokens.html", form=form, made=made, **_tokens_context())
    return page, status, {"Cache-Control": "no-store"}


@bp.post("/settings/tokens/<id:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    revoked = tokens.revoke(current_user, token_id)
    db.session.commit()
    flash(
        gettext("The token is revoked: apps using it can't any more.")
        if revoked
        else gettext("That token was already revoked.")
    )
    return redirect(url_for("profiles.access_tokens"))


@bp.get("/settings/privacy")
@login_required
def privacy_settings():
    return _privacy_page(DownloadDataForm(), DeleteAccountForm())


def _privacy_page(download: DownloadDataForm, deletion: DeleteAccountForm):
    status = 400 if download.errors or deletion.errors else 200
    return render_template("profiles/privacy.html", download=download, deletion=deletion), status


def _data_file(data: dict) -> Response:
    day = data["exported_at"][:10]
    return Response(
        json.dumps(data, indent=2, ensure_ascii=False),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="blossom-data-{day}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/settings/privacy/download")
@login_required
@limited("password-check")
def download_data():
    form, other = DownloadDataForm(), DeleteAccountForm(formdata=None)
    if not form.validate_on_submit():
        return _privacy_page(form, other)
    try:
        data = data_download.export_data(current_user, form.password.data)
    except ServiceError as error:
        return refused(form, error, "profiles/privacy.html", download=form, deletion=other)
    db.session.commit()
    return _data_file(data)


@bp.post("/settings/privacy/delete")
@login_required
@limited("password-check")
def delete_account():
    form, other = DeleteAccountForm(), DownloadDataForm(formdata=None)
    if not form.validate_on_submit():
        return _privacy_page(other, form)
    try:
        privacy.delete_account(current_user, form.password.data, form.posts.data == "keep")
    except ServiceError as error:
        return refused(form, error, "profiles/privacy.html", download=other, deletion=form)
    db.session.commit()
    logout_user()
    return signed_out(redirect(url_for("profiles.account_deleted")))


@bp.get("/goodbye")
def account_deleted():
    return render_template("profiles/goodbye.html")
