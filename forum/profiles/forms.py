from wtforms import BooleanField, PasswordField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from forum.forms import (
    Form,
    chars,
    chosen_password_fields,
    email_field,
    required,
    rule,
    single_line,
    strip,
)
from forum.services import accounts, tokens

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
    new_password, confirm = chosen_password_fields("new_password")


class EmailAddressForm(Form):
    email = email_field("New email address", "Enter the new address.")
    password = PasswordField(
        "Your password", validators=[required("Enter your password, to show it's you.")]
    )


class DownloadDataForm(Form):
    password = PasswordField(
        "Your password", validators=[required("Enter your password, to show it's you.")]
    )


class DeleteAccountForm(Form):
    posts = RadioField(
        "What should happen to your posts?",
        choices=[
            SelectChoice(
                "remove", "Remove them: they show as deleted where they were, their words gone."
            ),
            SelectChoice(
                "keep", "Keep them, signed “A former member”, so conversations still make sense."
            ),
        ],
        validators=[InputRequired("Choose what should happen to your posts.")],
    )
    password = PasswordField(
        "Your password", validators=[required("Enter your password, to show it's you.")]
    )
    understood = BooleanField(
        "I understand this can't be undone.",
        validators=[InputRequired("Tick this box if you're sure.")],
    )


class TokenForm(Form):
    """A personal access token: a name, what it may do, how long it lasts. The scopes are one
    box each (`scope_read`, `scope_write_posts`, ...), checked by the tokens service."""

    name = StringField(
        "Name",
        filters=[single_line],
        validators=[required("Give the token a name, so you know which app has it."),
                    chars("The name", maximum=tokens.NAME_MAX)],
    )  # fmt: skip
    scope_read = BooleanField(tokens.SCOPES["read"], default=True)
    scope_notifications = BooleanField(tokens.SCOPES["notifications"])
    scope_write_posts = BooleanField(tokens.SCOPES["write:posts"])
    scope_write_reactions = BooleanField(tokens.SCOPES["write:reactions"])
    scope_write_reports = BooleanField(tokens.SCOPES["write:reports"])
    days = RadioField(
        "Lasts for",
        choices=[SelectChoice(str(d), f"{d} days") for d in tokens.EXPIRY_DAYS],
        default=str(tokens.DEFAULT_DAYS),
    )

    @property
    def scope_fields(self):
        return [getattr(self, f"scope_{s.replace(':', '_')}") for s in tokens.SCOPES]

    @property
    def chosen_scopes(self) -> list[str]:
        return [s for s, f in zip(tokens.SCOPES, self.scope_fields, strict=True) if f.data]
