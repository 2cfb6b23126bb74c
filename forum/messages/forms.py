from flask_babel import lazy_gettext, lazy_ngettext
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum.forms import Form, chars, required
from forum.models import MESSAGES_FROM_LABELS, REASON_LABELS
from forum.services.message_checks import MESSAGE_MAX, REQUEST_MAX
from forum.services.message_reports import CONTEXT_MAX


class _Writing(Form):
    # Set by the "Send anyway" buttons of the second looks, and carried on as hidden fields.
    kind_ok = BooleanField()
    contact_ok = BooleanField()


def _body(maximum: int) -> TextAreaField:
    return TextAreaField(
        lazy_gettext("Your message"),
        validators=[
            required(lazy_gettext("Write a few words first.")),
            chars(lazy_gettext("Your message"), maximum=maximum),
        ],
    )


class RequestForm(_Writing):
    body = _body(REQUEST_MAX)


class MessageForm(_Writing):
    body = _body(MESSAGE_MAX)


class MessageReportForm(Form):
    reason = RadioField(
        lazy_gettext("What's wrong?"),
        choices=[SelectChoice(str(k), v) for k, v in REASON_LABELS.items()],
        validators=[required(lazy_gettext("Please choose a reason."))],
        validate_choice=False,  # the service refuses an unknown reason, at this field
    )
    context = SelectField(
        lazy_gettext("Include earlier messages, so the moderators understand"),
        choices=[
            SelectChoice(
                str(n),
                lazy_ngettext("%(num)d before it", "%(num)d before it", n)
                if n
                else lazy_gettext("Only this message"),
            )
            for n in range(CONTEXT_MAX + 1)
        ],
        default="5",
    )
    details = TextAreaField(
        lazy_gettext("Anything else? (optional)"),
        validators=[chars(lazy_gettext("This"), maximum=1000)],
    )


class MessagesFromForm(Form):
    messages_from = RadioField(
        lazy_gettext("Who may send you a message request?"),
        choices=[SelectChoice(str(k), v) for k, v in MESSAGES_FROM_LABELS.items()],
        validate_choice=True,
    )
