from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum.forms import Form, body_field, chars, required, title_field
from forum.lazy_words import lazy_gettext as _l
from forum.lazy_words import lazy_ngettext
from forum.models import Role
from forum.models.moderation import ROLE_NAMES
from forum.services.audit import PRESET_REASONS, REASON_MAX, compose_reason
from forum.services.sanctions import SUSPENSION_DAYS

REASON_MISSING = _l("Please write a reason: it goes in the log, and often to the member.")


def reason_field(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[required(REASON_MISSING), chars(_l("The reason"), maximum=REASON_MAX)],
    )


class ReasonForm(Form):
    """Every moderation action carries a reason: a common one chosen with one tap, the
    moderator's own words, or both (the log keeps them together)."""

    preset = SelectField(
        _l("Common reason"),
        # The value is what the log keeps; the label is in the moderator's language.
        choices=[SelectChoice("", _l("None: my own words"))]
        + [SelectChoice(r, label) for r, label in PRESET_REASONS.items()],
        default="",
    )
    reason = TextAreaField(
        _l("Your words"), validators=[chars(_l("The reason"), maximum=REASON_MAX)]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not self.logged_reason:
            self.reason.errors = [*self.reason.errors, str(REASON_MISSING)]
            return False
        return valid

    @property
    def logged_reason(self) -> str:
        return compose_reason(self.preset.data or "", self.reason.data or "")


class WarnForm(ReasonForm):
    """A warning: a word to the member, kept apart from suspending and banning."""


class SuspendForm(ReasonForm):
    days = SelectField(
        _l("Suspension length"),
        # The member form sends it with every action; only suspend reads it.
        default=SUSPENSION_DAYS[0],
        choices=[
            SelectChoice(d, lazy_ngettext("%(num)d day", "%(num)d days", d))
            for d in SUSPENSION_DAYS
        ],
        coerce=int,
    )
    confirm_ban = BooleanField(
        _l("Yes, ban this member: they can no longer sign in, and every session ends now.")
    )


class MoveForm(ReasonForm):
    category = SelectField(_l("Move to"), validate_choice=True)


class RoleForm(ReasonForm):
    role = SelectField(
        _l("Role"), choices=[SelectChoice(r.value, ROLE_NAMES[r.value]) for r in Role]
    )


class ModeratorEditForm(Form):
    title = title_field()  # removed for replies
    body = body_field(_l("The post"))
    reason = reason_field(_l("Why you are editing it"))


class AppealDecisionForm(Form):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("uphold", _l("Uphold: the decision stands")),
            SelectChoice("overturn", _l("Overturn: undo it")),
        ],
        validators=[required(_l("Choose whether to uphold or overturn."))],
    )
    reason = reason_field(_l("Your answer to the member"))


class CheckInForm(ReasonForm):
    """Checking in on someone who may be at risk, perhaps with a private message from "the
    Blossom moderators" (not a request: she can reply, or not)."""

    message = TextAreaField(
        _l("A private message to them from the Blossom moderators (optional)"),
        validators=[chars(_l("The message"), maximum=5_000)],
    )
