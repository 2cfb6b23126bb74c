from flask_babel import gettext, lazy_gettext
from wtforms import SelectField
from wtforms.validators import ValidationError

from forum.forms import Form, anonymous_field, body_field, content_note_field, title_field
from forum.photo_fields import PhotoFields


class ThreadForm(PhotoFields, Form):
    category = SelectField(lazy_gettext("Category"), validate_choice=False)
    title = title_field()
    body = body_field(lazy_gettext("What's on your mind?"))
    content_note = content_note_field()
    anonymous = anonymous_field()

    def validate_category(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(gettext("Choose where your thread belongs."))
