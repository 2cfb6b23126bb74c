from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, ValidationError

from forum.forms import Form, required, rule, strip
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
    email = EmailField(
        "Email",
        filters=[strip],
        validators=[
            required("We need an email address to look after your account."),
            Email("That doesn't look like an email address. Check for typos?"),
        ],
    )
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
    email = EmailField(
        "Your email address",
        filters=[strip],
        validators=[
            required("Enter the email address on your account."),
            Email("That doesn't look like an email address. Check for typos?"),
        ],
    )


class ResetForm(Form):
    password = PasswordField(
        "New password",
        validators=[required("Choose a new password."), rule(accounts.check_password)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("password", "The two passwords don't match. Try typing them again.")],
    )
