"""What every form shares: clean text in, errors shown at the field, the member's text kept."""

import unicodedata

from flask import render_template
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from forum.services.errors import ServiceError
from forum.services.posting import BODY_MAX, TITLE_MAX, TITLE_MIN


def clean_text(value):
    """Drop control characters (NUL breaks PostgreSQL) and use one kind of line ending."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in value if c in "\n\t" or unicodedata.category(c) != "Cc")


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            filters = [clean_text, *unbound_field.kwargs.get("filters", ())]
            return unbound_field.bind(form=form, filters=filters, **options)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def required(message: str):
    """Present after stripping white space, with a message in the forum's words."""

    def check(form, field) -> None:
        if not (field.data or "").strip():
            raise ValidationError(message)

    return check


def chars(what: str, minimum: int = 0, maximum: int | None = None):
    """A length check that says how long the text is and how long it may be."""

    def check(form, field) -> None:
        length = len(field.data or "")
        if length < minimum:
            raise ValidationError(f"{what} needs at least {minimum} characters.")
        if maximum is not None and length > maximum:
            raise ValidationError(
                f"{what} is {length:,} characters; it can be up to {maximum:,}. "
                "Your text is all still here, so you can trim it."
            )

    return check


def body_field(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[required("Write a few words first."), chars("Your post", maximum=BODY_MAX)],
    )


def title_field() -> StringField:
    return StringField(
        "Title",
        filters=[strip],
        validators=[
            required("Give your thread a title, so others can find it."),
            chars("The title", TITLE_MIN, TITLE_MAX),
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
