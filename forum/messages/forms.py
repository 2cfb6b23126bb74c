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
        "Your message",
        validators=[required("Write a few words first."), chars("Your message", maximum=maximum)],
    )


class RequestForm(_Writing):
    body = _body(REQUEST_MAX)


class MessageForm(_Writing):
    body = _body(MESSAGE_MAX)


class MessageReportForm(Form):
    reason = RadioField(
        "What's wrong?",
        choices=[SelectChoice(str(k), v) for k, v in REASON_LABELS.items()],
        validators=[required("Please choose a reason.")],
        validate_choice=False,  # the service refuses an unknown reason, at this field
    )
    context = SelectField(
        "Include earlier messages, so the moderators understand",
        choices=[
            SelectChoice(str(n), f"{n} before it" if n else "Only this message")
            for n in range(CONTEXT_MAX + 1)
        ],  # fmt: skip
        default="5",
    )
    details = TextAreaField("Anything else? (optional)", validators=[chars("This", maximum=1000)])


class MessagesFromForm(Form):
    messages_from = RadioField(
        "Who may send you a message request?",
        choices=[SelectChoice(str(k), v) for k, v in MESSAGES_FROM_LABELS.items()],
        validate_choice=True,
    )
