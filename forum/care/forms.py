from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from forum.forms import Form, strip
from forum.models.care import DEFAULT_DAILY_CAP, MAX_DAILY_CAP

NO_HOUR = ""
HOURS = [SelectChoice(NO_HOUR, "No quiet hours")] + [
    SelectChoice(str(hour), f"{hour:02d}:00") for hour in range(24)
]


def _cap(form, field) -> None:
    if not field.data:
        raise ValidationError(
            f"Say how many times a day we may tell you, from 1 to {MAX_DAILY_CAP}."
        )
    if not field.data.isdecimal() or not 1 <= int(field.data) <= MAX_DAILY_CAP:
        raise ValidationError(f"Choose between 1 and {MAX_DAILY_CAP} a day.")


class HelperForm(Form):
    categories = SelectMultipleField("Categories you'd like to hear about", choices=[])
    quiet_from = SelectField("Quiet from", choices=HOURS, default=NO_HOUR)
    quiet_until = SelectField("Quiet until", choices=HOURS, default=NO_HOUR)
    daily_cap = StringField(
        "At most this many a day",
        default=str(DEFAULT_DAILY_CAP),
        filters=[strip],
        validators=[_cap],
    )
    paused = BooleanField("Pause for now (your choices are kept)")
    email = BooleanField("Email me too, straight away (only once your address is confirmed)")

    def hour(self, name: str) -> int | None:
        value = getattr(self, name).data
        return int(value) if value not in (None, NO_HOUR) else None
