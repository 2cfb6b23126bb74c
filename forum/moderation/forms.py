from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum.forms import Form, body_field, chars, required, title_field
from forum.models import Role
from forum.services.audit import PRESET_REASONS, REASON_MAX, compose_reason
from forum.services.sanctions import SUSPENSION_DAYS


def reason_field(label: str = "Reason") -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            required("Please write a reason: it goes in the log, and often to the member."),
            chars("The reason", maximum=REASON_MAX),
        ],
    )


REASON_MISSING = "Please write a reason: it goes in the log, and often to the member."


class ReasonForm(Form):
    """Every moderation action carries a reason: a common one chosen with one tap, the
    moderator's own words, or both (the log keeps them together)."""

    preset = SelectField(
        "Common reason",
        choices=[SelectChoice("", "None: my own words")]
        + [SelectChoice(r, r) for r in PRESET_REASONS],
        default="",
    )
    reason = TextAreaField("Your words", validators=[chars("The reason", maximum=REASON_MAX)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.logged_reason:
            self.reason.errors = [*self.reason.errors, REASON_MISSING]
            return False
        return valid

    @property
    def logged_reason(self) -> str:
        return compose_reason(self.preset.data or "", self.reason.data or "")


class WarnForm(ReasonForm):
    """A warning: a word to the member, kept apart from suspending and banning."""


class SuspendForm(ReasonForm):
    days = SelectField(
        "Suspension length",
        default=SUSPENSION_DAYS[
            0
        ],  # the member form sends it with every action; only suspend reads it
        choices=[SelectChoice(d, f"{d} day{'s' if d > 1 else ''}") for d in SUSPENSION_DAYS],
        coerce=int,
    )
    confirm_ban = BooleanField(
        "Yes, ban this member: they can no longer sign in, and every session ends now."
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


class CheckInForm(ReasonForm):
    """Checking in on someone who may be at risk, perhaps with a private message from "the
    Blossom moderators" (not a request: she can reply, or not)."""

    message = TextAreaField(
        "A private message to them from the Blossom moderators (optional)",
        validators=[chars("The message", maximum=5_000)],
    )
