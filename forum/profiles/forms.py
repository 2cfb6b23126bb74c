from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import EqualTo

from forum.forms import Form, chars, email_field, required, rule, single_line, strip
from forum.services import accounts

DISPLAY_NAME_MAX = 50
BIO_MAX = 500


class ProfileForm(Form):
    display_name = StringField(
        "Display name",
        filters=[single_line],
        validators=[
            required("Choose a name to show beside your posts."),
            chars("Your display name", maximum=DISPLAY_NAME_MAX),
            rule(accounts.check_display_name),
        ],
    )
    bio = TextAreaField(
        "About you", filters=[strip], validators=[chars("Your bio", maximum=BIO_MAX)]
    )


class PasswordForm(Form):
    current_password = PasswordField(
        "Current password", validators=[required("Enter your current password.")]
    )
    new_password = PasswordField(
        "New password",
        validators=[required("Choose a new password."), rule(accounts.check_password)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[EqualTo("new_password", "The two passwords don't match. Try again.")],
    )


class EmailAddressForm(Form):
    email = email_field("New email address", "Enter the new address.")
    password = PasswordField(
        "Your password", validators=[required("Enter your password, to show it's you.")]
    )
