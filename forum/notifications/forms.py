from wtforms import BooleanField, RadioField
from wtforms.fields.choices import SelectChoice

from forum.forms import Form
from forum.lazy_words import lazy_gettext as _l
from forum.models import Delivery, EmailTopic
from forum.services.email_settings import TOPIC_LABELS

DELIVERY_CHOICES = [
    SelectChoice(Delivery.IMMEDIATELY.value, _l("Straight away")),
    SelectChoice(Delivery.DAILY.value, _l("In a daily digest")),
    SelectChoice(Delivery.NEVER.value, _l("Never")),
]


def _choice(topic: EmailTopic) -> RadioField:
    return RadioField(
        TOPIC_LABELS[topic],
        choices=DELIVERY_CHOICES,
        invalid_choice_message=_l("Choose straight away, daily digest or never."),
    )


class EmailChoicesForm(Form):
    own_threads = _choice(EmailTopic.OWN_THREADS)
    replies = _choice(EmailTopic.REPLIES)
    reactions = _choice(EmailTopic.REACTIONS)
    helped = _choice(EmailTopic.HELPED)
    moderation = _choice(EmailTopic.MODERATION)
    show_content = BooleanField(_l("Show thread titles and what was written in my emails"))

    def choices(self) -> dict[str, str]:
        # A helper chooses her nudges' emails on the helping page.
        return {t.value: getattr(self, t.value).data for t in EmailTopic if hasattr(self, t.value)}
