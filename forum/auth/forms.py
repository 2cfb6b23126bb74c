from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import EqualTo, ValidationError

from forum.forms import Form, email_field, required, rule, strip
from forum.services import accounts


def agreed(form, field) -> None:
    if not field.data:
        raise ValidationError("Please read the community guidelines and tick the box to agree.")


class SignupForm(Form):
    username = StringField(
        "Username",
        filters=[strip],
        validators=[required("Choose a username."), rule(accounts.check_username)],
    )
    email = email_field("Email", "We need an email address to look after your account.")
    password = PasswordField(
        "Password", validators=[required("Choose a password."), rule(accounts.check_password)]
    )
    confirm = PasswordField(
        "Password again",
        validators=[EqualTo("password", "The two passwords don't match. Try typing them again.")],
    )
    agree = BooleanField("I have read and agree to the community guidelines", validators=[agreed])


class LoginForm(Form):
    login = StringField(
        "Username or email", filters=[strip], validators=[required("Enter your username or email.")]
    )
    password = PasswordField("Password", validators=[required("Enter your password.")])
    remember = BooleanField("Keep me logged in on this device")


class ForgotForm(Form):
    email = email_field("Your email address", "Enter the email address on your account.")


class ResetForm(Form):
    password = PasswordField(
        "New password",
        validators=[required("Choose a new password."), rule(accounts.check_password)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("password", "The two passwords don't match. Try typing them again.")],
    )
