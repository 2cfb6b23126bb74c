from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum.forms import Form, chars, required
from forum.models import REASON_LABELS
from forum.services.audit import REASON_MAX
from forum.services.reporting import DETAILS_MAX


class ReportForm(Form):
    reason = RadioField(
        "Why are you reporting this post?",
        choices=[SelectChoice(reason.value, label) for reason, label in REASON_LABELS.items()],
        validators=[required("Please choose a reason.")],
        validate_choice=False,  # the service refuses an unknown reason, at this field
    )
    details = TextAreaField(
        "Anything else the moderators should know? (optional)",
        validators=[chars("Details", maximum=DETAILS_MAX)],
    )


class AppealForm(Form):
    message = TextAreaField(
        "Why should the moderators look again?",
        validators=[
            required("Please say in a few words why you're appealing."),
            chars("Your appeal", maximum=REASON_MAX),
        ],
    )
