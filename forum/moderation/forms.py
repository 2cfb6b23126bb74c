from wtforms import RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum.forms import Form, body_field, chars, required, title_field
from forum.models import Role
from forum.services.audit import REASON_MAX
from forum.services.sanctions import SUSPENSION_DAYS


def reason_field(label: str = "Reason") -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            required("Please write a reason: it goes in the log, and often to the member."),
            chars("The reason", maximum=REASON_MAX),
        ],
    )


class ReasonForm(Form):
    """Every moderation action carries a written reason."""

    reason = reason_field()


class SuspendForm(ReasonForm):
    days = SelectField(
        "Suspension length",
        default=SUSPENSION_DAYS[
            0
        ],  # the member form sends it with every action; only suspend reads it
        choices=[SelectChoice(d, f"{d} day{'s' if d > 1 else ''}") for d in SUSPENSION_DAYS],
        coerce=int,
    )


class MoveForm(ReasonForm):
    category = SelectField("Move to", validate_choice=True)


class RoleForm(ReasonForm):
    role = SelectField("Role", choices=[SelectChoice(r.value, r.value.title()) for r in Role])


class ModeratorEditForm(Form):
    title = title_field()  # removed for replies
    body = body_field("The post")
    reason = reason_field("Why you are editing it")


class AppealDecisionForm(Form):
    decision = RadioField(
        "Decision",
        choices=[
            SelectChoice("uphold", "Uphold: the decision stands"),
            SelectChoice("overturn", "Overturn: undo it"),
        ],
        validators=[required("Choose whether to uphold or overturn.")],
    )
    reason = reason_field("Your answer to the member")
