from wtforms import SelectField
from wtforms.validators import ValidationError

from forum.forms import Form, body_field, title_field


class ThreadForm(Form):
    category = SelectField("Category", validate_choice=False)
    title = title_field()
    body = body_field("What's on your mind?")

    def validate_category(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose where your thread belongs.")
