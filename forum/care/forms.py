from flask_babel import gettext
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from forum.forms import Form, strip
from forum.lazy_words import lazy_gettext as _l
from forum.models.care import DEFAULT_DAILY_CAP, MAX_DAILY_CAP

NO_HOUR = ""
HOURS = [SelectChoice(NO_HOUR, _l("No quiet hours"))] + [
    SelectChoice(str(hour), f"{hour:02d}:00") for hour in range(24)
]


def _cap(form, field) -> None:
    if not field.data:
        raise ValidationError(
            gettext(
                "Say how many times a day we may tell you, from 1 to %(most)d.", most=MAX_DAILY_CAP
            )
        )
    if not field.data.isdecimal() or not 1 <= int(field.data) <= MAX_DAILY_CAP:
        raise ValidationError(gettext("Choose between 1 and %(most)d a day.", most=MAX_DAILY_CAP))


class HelperForm(Form):
    categories = SelectMultipleField(_l("Categories you'd like to hear about"), choices=[])
    quiet_from = SelectField(_l("Quiet from"), choices=HOURS, default=NO_HOUR)
    quiet_until = SelectField(_l("Quiet until"), choices=HOURS, default=NO_HOUR)
    daily_cap = StringField(
        _l("At most this many a day"),
        default=str(DEFAULT_DAILY_CAP),
        filters=[strip],
        validators=[_cap],
    )
    paused = BooleanField(_l("Pause for now (your choices are kept)"))
    email = BooleanField(_l("Email me too, straight away (only once your address is confirmed)"))

    def hour(self, name: str) -> int | None:
        value = getattr(self, name).data
        return int(value) if value not in (None, NO_HOUR) else None
