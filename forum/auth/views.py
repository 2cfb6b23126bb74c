from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from forum.auth.forms import ForgotForm, LoginForm, ResetForm, SignupForm
from forum.database import db
from forum.forms import refused, render_form
from forum.limits import limited
from forum.responses import sign_in
from forum.services import accounts, recovery, sessions
from forum.services.errors import ServiceError
from forum.urls import local_path

bp = Blueprint("auth", __name__)


def _after_login():
    return redirect(local_path(request.args.get("next")) or url_for("threads.home"))


@bp.route("/signup", methods=["GET", "POST"])
@limited("sign-up")
def signup():
    if current_user.is_authenticated:
        return redirect(url_for("threads.home"))
    form = SignupForm()
    if not form.validate_on_submit():
        return render_form("auth/signup.html", form)
    try:
        recovery.sign_up(form.username.data, form.email.data, form.password.data)
    except ServiceError as error:  # a taken username: usernames are public, so it's said
        return refused(form, error, "auth/signup.html")
    db.session.commit()
    # The same page whether the address was new or already had an account.
    return render_template("auth/signup_sent.html", email=form.email.data)


@bp.route("/login", methods=["GET", "POST"])
@limited("sign-in")
def login():
    if current_user.is_authenticated:
        return _after_login()
    form = LoginForm()
    if not form.validate_on_submit():
        return render_form("auth/login.html", form)
    try:
        user = accounts.authenticate(form.login.data, form.password.data)
    except ServiceError as error:  # a banned account, told plainly at the form
        return refused(form, error, "auth/login.html")
    if user is None:
        error = ServiceError(
            "That username or email and password don't match. Check them and try again.",
            "password",
        )
        return refused(form, error, "auth/login.html")
    sign_in(user, remember=form.remember.data)
    flash(f"Welcome back, {user.display_name}.")
    return _after_login()


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        sessions.end_current(current_user)
        db.session.commit()
    logout_user()
    flash("You're logged out. Take care of yourself.")
    return redirect(url_for("threads.home"))


@bp.get("/guidelines")
def guidelines():
    return render_template("auth/guidelines.html")


@bp.get("/verify/<token>")
def verify(token: str):
    user, confirmed_now = recovery.verify_email(token)
    if not confirmed_now:
        return render_template("auth/verified.html")
    db.session.commit()
    flash(f"Thank you, {user.display_name}: your email address is confirmed.")
    return redirect(url_for("threads.home"))


@bp.get("/verify/new-address/<token>")
def confirm_email_change(token: str):
    user = recovery.confirm_email_change(token)
    db.session.commit()
    flash(f"Thank you, {user.display_name}: your email address is now {user.email}.")
    return redirect(url_for("threads.home"))


@bp.post("/verify/resend")
@login_required
@limited("email-sending")
def resend_verification():
    if current_user.email_verified_at is None:
        recovery.send_verification(current_user)
        db.session.commit()
        flash(f"We've sent a new link to {current_user.email}.")
    else:
        flash("Your email address is already confirmed.")
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
    flash("Your password is changed. Log in with your new one.")
    return redirect(url_for("auth.login"))
