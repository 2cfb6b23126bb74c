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
from forum.lazy_words import lazy_gettext as _l
from forum.lazy_words import lazy_ngettext
from forum.services import accounts, tokens

DISPLAY_NAME_MAX = 50
BIO_MAX = 500


class ProfileForm(Form):
    display_name = StringField(
        _l("Display name"),
        filters=[single_line],
        validators=[
            required(_l("Choose a name to show beside your posts.")),
            chars(_l("Your display name"), maximum=DISPLAY_NAME_MAX),
            rule(accounts.check_display_name),
        ],
    )
    bio = TextAreaField(
        _l("About you"), filters=[strip], validators=[chars(_l("Your bio"), maximum=BIO_MAX)]
    )


class PasswordForm(Form):
    current_password = PasswordField(
        _l("Current password"), validators=[required(_l("Enter your current password."))]
    )
    new_password, confirm = chosen_password_fields("new_password")


class EmailAddressForm(Form):
    email = email_field(_l("New email address"), _l("Enter the new address."))
    password = PasswordField(
        _l("Your password"), validators=[required(_l("Enter your password, to show it's you."))]
    )


class DownloadDataForm(Form):
    password = PasswordField(
        _l("Your password"), validators=[required(_l("Enter your password, to show it's you."))]
    )


class DeleteAccountForm(Form):
    posts = RadioField(
        _l("What should happen to your posts?"),
        choices=[
            SelectChoice(
                "remove", _l("Remove them: they show as deleted where they were, their words gone.")
            ),
            SelectChoice(
                "keep",
                _l("Keep them, signed “A former member”, so conversations still make sense."),
            ),
        ],
        validators=[InputRequired(_l("Choose what should happen to your posts."))],
    )
    password = PasswordField(
        _l("Your password"), validators=[required(_l("Enter your password, to show it's you."))]
    )
    understood = BooleanField(
        _l("I understand this can't be undone."),
        validators=[InputRequired(_l("Tick this box if you're sure."))],
    )


class TokenForm(Form):
    """A personal access token: a name, what it may do, how long it lasts. The scopes are one
    box each (`scope_read`, `scope_write_posts`, ...), checked by the tokens service."""

    name = StringField(
        _l("Name"),
        filters=[single_line],
        validators=[required(_l("Give the token a name, so you know which app has it.")),
                    chars(_l("The name"), maximum=tokens.NAME_MAX)],
    )  # fmt: skip
    scope_read = BooleanField(tokens.SCOPES["read"], default=True)
    scope_notifications = BooleanField(tokens.SCOPES["notifications"])
    scope_write_posts = BooleanField(tokens.SCOPES["write:posts"])
    scope_write_reactions = BooleanField(tokens.SCOPES["write:reactions"])
    scope_write_reports = BooleanField(tokens.SCOPES["write:reports"])
    days = RadioField(
        _l("Lasts for"),
        choices=[
            SelectChoice(str(d), lazy_ngettext("%(num)d day", "%(num)d days", d))
            for d in tokens.EXPIRY_DAYS
        ],
        default=str(tokens.DEFAULT_DAYS),
    )

    @property
    def scope_fields(self):
        return [getattr(self, f"scope_{s.replace(':', '_')}") for s in tokens.SCOPES]

    @property
    def chosen_scopes(self) -> list[str]:
        return [s for s, f in zip(tokens.SCOPES, self.scope_fields, strict=True) if f.data]
