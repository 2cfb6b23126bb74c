import secrets
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, logout_user
from werkzeug.exceptions import HTTPException

from forum.auth.forms import ForgotForm, LoginForm, ResetForm, SignupForm
from forum.database import db, records_on_get
from forum.extensions import login_manager
from forum.forms import refused, render_form
from forum.i18n import page_language
from forum.limits import limited
from forum.responses import sign_in, signed_out
from forum.services import accounts, recovery, sessions
from forum.services.errors import ServiceError
from forum.urls import local_path

bp = Blueprint("auth", __name__)

# What someone was about to do when she was asked to join or log in, by the page she wanted:
# each page says it in whole sentences of its own ("...to start a thread", "...to reply").
PURPOSES = {"threads.new": "thread", "replies.reply": "reply"}


def _next() -> str | None:
    return local_path(request.args.get("next"))


def _after_login():
    return redirect(_next() or url_for("threads.home"))


def _purpose(path: str | None) -> str | None:
    """ "thread" for /new, "reply" for a reply page, "carry-on" for any other: what joining is
    for, which the pages put in words."""
    if not path:
        return None
    try:
        endpoint, _ = current_app.url_map.bind("localhost").match(urlsplit(path).path)
    except HTTPException:  # no such page (or a redirect to one): no words for it
        return None
    return PURPOSES.get(endpoint, "carry-on")


def _joining() -> dict:
    """What this browser kept from signing up: a random value the emailed link carries a mark
    of, the page to come back to, and the address typed (for "send it again")."""
    kept = session.get("joining")
    return kept if isinstance(kept, dict) else {}


@bp.route("/signup", methods=["GET", "POST"])
@limited("sign-up")
def signup():
    if current_user.is_authenticated:
        return _after_login()
    form = SignupForm()
    if not form.validate_on_submit():
        return render_form("auth/signup.html", form, next=_next(), purpose=_purpose(_next()))
    browser = secrets.token_urlsafe(24)
    try:
        recovery.sign_up(
            form.username.data,
            form.email.data,
            form.password.data,
            browser,
            locale=page_language(),  # her emails come in the language she joined in
        )
    except ServiceError as error:  # a taken username: usernames are public, so it's said
        return refused(form, error, "auth/signup.html", next=_next(), purpose=_purpose(_next()))
    db.session.commit()
    # Kept the same way whether the address was new or already had an account.
    session["joining"] = {"key": browser, "next": _next(), "email": form.email.data}
    # The same page whether the address was new or already had an account.
    return _check_your_email(sent_again=False)


def _check_your_email(sent_again: bool):
    joining = _joining()
    return render_template(
        "auth/signup_sent.html",
        email=joining["email"],
        next=joining.get("next"),
        purpose=_purpose(joining.get("next")),
        sent_again=sent_again,
    )


@bp.get("/signup/sent")
def signup_sent():
    """ "Check your email" again, after "send it again"; without a sign-up here, the form."""
    if not _joining().get("email"):
        return redirect(url_for("auth.signup"))
    return _check_your_email(sent_again=bool(request.args.get("again")))


@bp.route("/login", methods=["GET", "POST"])
@limited("sign-in")
def login():
    if current_user.is_authenticated:
        return _after_login()
    form = LoginForm()
    asked = {"next": _next(), "purpose": _purpose(_next())}
    if not form.validate_on_submit():
        return render_form("auth/login.html", form, **asked)
    try:
        user = accounts.authenticate(form.login.data, form.password.data)
    except ServiceError as error:  # a banned account, told plainly at the form
        return refused(form, error, "auth/login.html", **asked)
    if user is None:
        error = ServiceError(
            gettext("That username or email and password don't match. Check them and try again."),
            "password",
        )
        return refused(form, error, "auth/login.html", **asked)
    sign_in(user, remember=form.remember.data)
    flash(gettext("Welcome back, %(name)s.", name=user.display_name))
    return _after_login()


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        sessions.end_current(current_user)
        db.session.commit()
    logout_user()
    flash(gettext("You're logged out. Take care of yourself."))
    return signed_out(redirect(url_for("threads.home")))


@bp.get("/guidelines")
def guidelines():
    return render_template("auth/guidelines.html")


@bp.get("/verify/<token>")
@records_on_get
def verify(token: str):
    """Opened in the browser that signed up, the link confirms, signs her in and takes her back
    to what she was doing; anywhere else it confirms and says why she isn't signed in there."""
    joining = _joining()
    there = local_path(joining.get("next"))
    confirmation = recovery.verify_email(token, joining.get("key"))
    user = confirmation.user
    if not confirmation.confirmed_now:
        return render_template("auth/verified.html", next=there)
    db.session.commit()
    if confirmation.signs_in:
        sign_in(user, remember=False)  # a fresh session: what "joining" kept is gone with it
        flash(
            gettext(
                "Welcome to Blossom, %(name)s. Your email address is confirmed.",
                name=user.display_name,
            )
        )
        return redirect(there or url_for("threads.home"))
    if current_user.is_authenticated and current_user.id == user.id:
        flash(
            gettext("Thank you, %(name)s: your email address is confirmed.", name=user.display_name)
        )
        return redirect(url_for("threads.home"))
    return render_template("auth/confirmed_elsewhere.html", user=user, next=there)


@bp.get("/verify/new-address/<token>")
@records_on_get
def confirm_email_change(token: str):
    user = recovery.confirm_email_change(token)
    db.session.commit()
    flash(
        gettext(
            "Thank you, %(name)s: your email address is now %(address)s.",
            name=user.display_name,
            address=user.email,
        )
    )
    return redirect(url_for("threads.home"))


@bp.post("/verify/resend")
@limited("email-sending")
def resend_verification():
    """A new confirmation link: for the member signed in, or for the address this browser has
    just signed up with (it can't sign in yet). The same answer whatever the address holds."""
    if not current_user.is_authenticated:
        joining = _joining()
        if not joining.get("email"):
            return login_manager.unauthorized()
        recovery.send_verification_again(joining["email"], joining.get("key"))
        db.session.commit()
        return redirect(url_for("auth.signup_sent", again=1))
    if current_user.email_verified_at is None:
        recovery.send_verification(current_user)
        db.session.commit()
        flash(gettext("We've sent a new link to %(address)s.", address=current_user.email))
    else:
        flash(gettext("Your email address is already confirmed."))
    return redirect(url_for("profiles.email_address"))


@bp.route("/forgot", methods=["GET", "POST"])
@limited("password-reset")
def forgot():
    form = ForgotForm()
    if form.validate_on_submit():
        recovery.request_password_reset(form.email.data)
        db.session.commit()
        # The same words whether or not the address has an account: this page tells nobody.
        return render_template("auth/forgot_sent.html", email=form.email.data)
    return render_form("auth/forgot.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    recovery.user_for_reset(token)  # an old or used link says so before anything is typed
    form = ResetForm()
    if not form.validate_on_submit():
        return render_form("auth/reset.html", form)
    try:
        recovery.reset_password(token, form.password.data)
    except ServiceError as error:
        return refused(form, error, "auth/reset.html")
    db.session.commit()
    logout_user()
    flash(gettext("Your password is changed. Log in with your new one."))
    return redirect(url_for("auth.login"))
