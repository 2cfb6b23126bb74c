from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from forum.forms import Form
from forum.models import QuietDays
from forum.services.push import TOPICS, time_zones

QUIET_DAYS = [
    SelectChoice(QuietDays.OFF.value, "No quiet hours"),
    SelectChoice(QuietDays.WEEKDAYS.value, "On weekdays"),
    SelectChoice(QuietDays.EVERY_DAY.value, "Every day"),
]


def _hour(hour: int) -> str:
    if hour in (0, 12):
        return "midnight" if hour == 0 else "noon"
    return f"{hour % 12} {'am' if hour < 12 else 'pm'}"


HOURS = [SelectChoice(hour, _hour(hour)) for hour in range(24)]


class PushChoicesForm(Form):
    replies = BooleanField(TOPICS["replies"])
    reactions = BooleanField(TOPICS["reactions"])
    helped = BooleanField(TOPICS["helped"])
    moderation = BooleanField(TOPICS["moderation"])
    helping = BooleanField(TOPICS["helping"])
    quiet_days = SelectField("Quiet hours", choices=QUIET_DAYS)
    quiet_from = SelectField("Quiet from", choices=HOURS, coerce=int)
    quiet_until = SelectField("Quiet until", choices=HOURS, coerce=int)
    time_zone = SelectField("Your time zone", choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = list(time_zones())

    def kinds(self) -> dict[str, bool]:
        return {topic: getattr(self, topic).data for topic in TOPICS}
