from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from forum.forms import Form
from forum.models.care import DEFAULT_DAILY_CAP, MAX_DAILY_CAP

NO_HOUR = ""
HOURS = [SelectChoice(NO_HOUR, "No quiet hours")] + [
    SelectChoice(str(hour), f"{hour:02d}:00") for hour in range(24)
]


class HelperForm(Form):
    categories = SelectMultipleField("Categories you'd like to hear about", choices=[])
    quiet_from = SelectField("Quiet from", choices=HOURS, default=NO_HOUR)
    quiet_until = SelectField("Quiet until", choices=HOURS, default=NO_HOUR)
    daily_cap = IntegerField(
        "At most this many a day",
        default=DEFAULT_DAILY_CAP,
        validators=[
            InputRequired("Say how many times a day we may tell you, from 1 to 20."),
            NumberRange(1, MAX_DAILY_CAP, f"Choose between 1 and {MAX_DAILY_CAP} a day."),
        ],
    )
    paused = BooleanField("Pause for now (your choices are kept)")
    email = BooleanField("Email me too, straight away (only once your address is confirmed)")

    def hour(self, name: str) -> int | None:
        value = getattr(self, name).data
        return int(value) if value not in (None, NO_HOUR) else None
