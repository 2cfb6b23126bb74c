"""What every form shares: clean text in, errors shown at the field, the member's text kept."""

import unicodedata

from flask import has_request_context, render_template, request
from flask_babel import gettext
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto
from wtforms import BooleanField, EmailField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, ValidationError

from forum.database import roll_back
from forum.formatting import number
from forum.lazy_words import lazy_gettext
from forum.services import accounts, browsing
from forum.services.errors import ServiceError
from forum.services.posting_rules import BODY_MAX, TITLE_MAX, TITLE_MIN


def clean_text(value):
    """Drop control characters (NUL breaks PostgreSQL) and use one kind of line ending."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc")


# Fields whose text a member types and the page sends back to her.
TYPED = {"StringField", "EmailField", "TextAreaField", "SearchField", "URLField", "IntegerField"}


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [clean_text, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)

        def wrap_formdata(self, form, formdata):
            """Read the posted form only: a file or JSON where text belongs counts as missing."""
            if formdata is _Auto:
                submitted = has_request_context() and request.method in SUBMIT_METHODS
                return request.form if submitted else None
            return formdata

    @property
    def still_here(self) -> str:
        """What a form sent back with a problem says of what she typed, only what is true:
        password fields are never sent back to the page, so those she types again."""
        cleared = [f for f in self if getattr(f.widget, "hide_value", False)]
        if not cleared:
            return gettext("Everything you typed is still here.")
        one = len(cleared) == 1
        typed = [f for f in self if f not in cleared and f.type in TYPED]
        if not typed:
            if one:
                return gettext("Please type your password again.")
            return gettext("Please type the passwords again.")
        if one:
            return gettext(
                "Everything you typed is still here except your password, so please type it again."
            )
        return gettext(
            "Everything you typed is still here except the passwords, so please type them again."
        )


def strip(value):
    return value.strip() if isinstance(value, str) else value


def single_line(value):
    """For names and titles: one line, single spaces, nothing before or after."""
    return " ".join(value.split()) if isinstance(value, str) else value


def visible(text: str) -> bool:
    """Whether text has something a reader can see, not just spaces or invisible characters."""
    return any(not c.isspace() and unicodedata.category(c) not in ("Cf", "Cc", "Zs") for c in text)


def required(message: str):
    """Present, and more than white space or invisible characters, with a message in our words
    (lazy_gettext: it is read when the form is checked, in that page's language)."""

    def check(form, field) -> None:
        if not visible(field.data or ""):
            raise ValidationError(str(message))

    return check


def chars(what: str, minimum: int = 0, maximum: int | None = None):
    """A length check that says how long the text is and how long it may be. `what` names the
    text as the start of a sentence ("Your bio", "The title"): a lazy_gettext of its own."""

    def check(form, field) -> None:
        length = len(field.data or "")
        if length < minimum:
            raise ValidationError(
                # Translators: %(what)s is what the field holds, as a sentence begins:
                # "Your post", "The title", "A content note".
                gettext(
                    "%(what)s needs at least %(minimum)s characters.",
                    what=str(what),
                    minimum=number(minimum),
                )
            )
        if maximum is not None and length > maximum:
            raise ValidationError(
                # Translators: %(what)s is what the field holds, as a sentence begins:
                # "Your post", "The title", "A content note".
                gettext(
                    "%(what)s is %(length)s characters; it can be up to %(maximum)s. Your text "
                    "is all still here, so you can trim it.",
                    what=str(what),
                    length=number(length),
                    maximum=number(maximum),
                )
            )

    return check


def body_field(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            required(lazy_gettext("Write a few words first.")),
            chars(lazy_gettext("Your post"), maximum=BODY_MAX),
        ],
    )


def email_field(label: str, missing: str) -> EmailField:
    return EmailField(
        label,
        filters=[strip],
        validators=[
            required(missing),
            Email(lazy_gettext("That doesn't look like an email address. Check for typos?")),
        ],
    )


def title_field() -> StringField:
    return StringField(
        lazy_gettext("Title"),
        filters=[single_line],
        validators=[
            required(lazy_gettext("Give your thread a title, so others can find it.")),
            chars(lazy_gettext("The title"), TITLE_MIN, TITLE_MAX),
        ],
    )


def rule(check):
    """A validator from a service's check, so a form shows every problem at once."""

    def validate(form, field) -> None:
        try:
            check(field.data or "")
        except ServiceError as error:
            raise ValidationError(error.message) from None

    return validate


# The words of a chosen password's fields, by what the first is called: its label, the second's,
# and what the first says when it is left empty. Whole phrases, each translated as one.
PASSWORD_WORDS = {
    "New password": (
        lazy_gettext("New password"),
        lazy_gettext("New password again"),
        lazy_gettext("Choose a new password."),
    ),
    "Password": (
        lazy_gettext("Password"),
        lazy_gettext("Password again"),
        lazy_gettext("Choose a password."),
    ),
}


def chosen_password_fields(
    name: str, label: str = "New password", again: str | None = None, missing: str | None = None
) -> tuple[PasswordField, ...]:
    """A password the member chooses, and the same typed again: `password, confirm = ...`
    in a form, where `name` is what the first is called. `label` is "New password" or
    "Password" (in English, or as lazy_gettext of either); another needs `again` and `missing`."""
    english = getattr(label, "_args", (label,))[0]  # a lazy_gettext's message, or the text
    known = PASSWORD_WORDS.get(english) if isinstance(english, str) else None
    if known:
        label, again, missing = known[0], again or known[1], missing or known[2]
    return (
        PasswordField(
            label,
            validators=[required(missing or label), rule(accounts.check_password)],
        ),
        PasswordField(
            again or label,
            validators=[
                EqualTo(name, lazy_gettext("The two passwords don't match. Try typing them again."))
            ],
        ),
    )


CONTENT_NOTE_MAX = 100


def anonymous_field() -> BooleanField:
    return BooleanField(lazy_gettext("Post anonymously"))


def content_note_field() -> StringField:
    return StringField(
        lazy_gettext("Content note (optional)"),
        filters=[single_line],
        validators=[chars(lazy_gettext("A content note"), maximum=CONTENT_NOTE_MAX)],
    )


def category_choices(categories: list | None = None) -> list[SelectChoice]:
    return [SelectChoice(c.slug, c.name) for c in categories or browsing.categories()]


def show_error(form: Form, error: ServiceError) -> None:
    """Put a service's refusal at the field it is about (or at the top of the form)."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def render_form(template: str, form: Form, status: int | None = None, **context):
    """Render a page with a form: 400 when it came back with errors, so nothing looks saved."""
    if status is None:
        status = 400 if form.errors else 200
    return render_template(template, form=form, **context), status


def editing(form_class: type[Form], post) -> Form:
    """A form that edits a post: it opens with the post as written, and asks for a title only
    on a thread's opening post."""
    written = {"body": post.body_markdown, "title": post.thread.title}
    form = form_class(data=written if request.method == "GET" else None)
    if not post.is_opening:
        del form.title
    return form


def refused(form: Form, error: ServiceError, template: str, **context) -> tuple[str, int]:
    """A service said no: its message at the field, the page again with everything typed, and
    nothing of the attempt kept but what the refusal itself records (`error.keep`). The page is
    rendered before the rollback, so nothing it reads comes lazily from a session that has just
    been rolled back."""
    show_error(form, error)
    page = render_template(template, form=form, **context)
    roll_back(error.keep)
    return page, error.status_code
