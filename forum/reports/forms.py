from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum.forms import Form, chars, required
from forum.lazy_words import lazy_gettext as _l
from forum.models import REASON_LABELS
from forum.services.audit import REASON_MAX
from forum.services.reporting import DETAILS_MAX


class ReportForm(Form):
    reason = RadioField(
        _l("Why are you reporting this post?"),
        choices=[SelectChoice(reason.value, label) for reason, label in REASON_LABELS.items()],
        validators=[required(_l("Please choose a reason."))],
        validate_choice=False,  # the service refuses an unknown reason, at this field
    )
    details = TextAreaField(
        _l("Anything else the moderators should know? (optional)"),
        validators=[chars(_l("Details"), maximum=DETAILS_MAX)],
    )


class AppealForm(Form):
    message = TextAreaField(
        _l("Why should the moderators look again?"),
        validators=[
            required(_l("Please say in a few words why you're appealing.")),
            chars(_l("Your appeal"), maximum=REASON_MAX),
        ],
    )
