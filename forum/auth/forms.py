from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import ValidationError

from forum.forms import Form, chosen_password_fields, email_field, required, rule, strip
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
    password, confirm = chosen_password_fields("password", "Password")
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
    password, confirm = chosen_password_fields("password")
