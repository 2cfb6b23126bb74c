from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice

from forum.forms import Form
from forum.lazy_words import lazy_gettext as _l
from forum.models import EmailTopic, QuietDays
from forum.services.push import TOPICS, time_zones

QUIET_DAYS = [
    SelectChoice(QuietDays.OFF.value, _l("No quiet hours")),
    SelectChoice(QuietDays.WEEKDAYS.value, _l("On weekdays")),
    SelectChoice(QuietDays.EVERY_DAY.value, _l("Every day")),
]
# Each hour as the reader's language says it on a clock.
_MORNING = {
    0: _l("midnight"),
    # Translators: an hour from 1 to 11 in the morning ("9 am").
    **{h: _l("%(hour)d am", hour=h) for h in range(1, 12)},
}
_AFTERNOON = {
    12: _l("noon"),
    # Translators: an hour from 1 to 11 in the afternoon or evening ("6 pm").
    **{h: _l("%(hour)d pm", hour=h - 12) for h in range(13, 24)},
}
HOURS = [SelectChoice(hour, (_MORNING | _AFTERNOON)[hour]) for hour in range(24)]
# The words beside each box: her choices per kind of notification.
LABELS = {
    EmailTopic.REPLIES: _l("Replies, mentions and private messages"),
    EmailTopic.REACTIONS: _l("Reactions to your posts"),
    EmailTopic.HELPED: _l("When your reply helped someone"),
    EmailTopic.MODERATION: _l("Messages from the moderators and about your reports"),
    EmailTopic.HELPING: _l("Someone is waiting for a reply (when you help)"),
}


class PushChoicesForm(Form):
    replies = BooleanField(LABELS[EmailTopic.REPLIES])
    reactions = BooleanField(LABELS[EmailTopic.REACTIONS])
    helped = BooleanField(LABELS[EmailTopic.HELPED])
    moderation = BooleanField(LABELS[EmailTopic.MODERATION])
    helping = BooleanField(LABELS[EmailTopic.HELPING])
    quiet_days = SelectField(_l("Quiet hours"), choices=QUIET_DAYS)
    quiet_from = SelectField(_l("Quiet from"), choices=HOURS, coerce=int)
    quiet_until = SelectField(_l("Quiet until"), choices=HOURS, coerce=int)
    time_zone = SelectField(_l("Your time zone"), choices=[])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = list(time_zones())

    def kinds(self) -> dict[str, bool]:
        return {topic: getattr(self, topic).data for topic in TOPICS}
