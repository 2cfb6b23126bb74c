from flask_babel import lazy_gettext
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import EqualTo, ValidationError

from forum.forms import Form, email_field, required, rule, strip
from forum.services import accounts


def agreed(form, field) -> None:
    if not field.data:
        raise ValidationError(
            lazy_gettext("Please read the community guidelines and tick the box to agree.")
        )


def _password_fields(label, again, missing) -> tuple[PasswordField, PasswordField]:
    """A password she chooses, and the same typed again: `password, confirm = ...`."""
    return (
        PasswordField(label, validators=[required(missing), rule(accounts.check_password)]),
        PasswordField(
            again,
            validators=[
                EqualTo(
                    "password",
                    lazy_gettext("The two passwords don't match. Try typing them again."),
                )
            ],
        ),
    )


class SignupForm(Form):
    username = StringField(
        lazy_gettext("Username"),
        filters=[strip],
        validators=[required(lazy_gettext("Choose a username.")), rule(accounts.check_username)],
    )
    email = email_field(
        lazy_gettext("Email"), lazy_gettext("We need an email address to look after your account.")
    )
    password, confirm = _password_fields(
        lazy_gettext("Password"), lazy_gettext("Password again"), lazy_gettext("Choose a password.")
    )
    agree = BooleanField(
        lazy_gettext("I have read and agree to the community guidelines"), validators=[agreed]
    )


class LoginForm(Form):
    login = StringField(
        lazy_gettext("Username or email"),
        filters=[strip],
        validators=[required(lazy_gettext("Enter your username or email."))],
    )
    password = PasswordField(
        lazy_gettext("Password"), validators=[required(lazy_gettext("Enter your password."))]
    )
    remember = BooleanField(lazy_gettext("Keep me logged in on this device"))


class ForgotForm(Form):
    email = email_field(
        lazy_gettext("Your email address"),
        lazy_gettext("Enter the email address on your account."),
    )


class ResetForm(Form):
    password, confirm = _password_fields(
        lazy_gettext("New password"),
        lazy_gettext("New password again"),
        lazy_gettext("Choose a new password."),
    )
