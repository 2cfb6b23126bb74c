from flask_babel import lazy_gettext
from wtforms import StringField, TextAreaField

from forum.forms import chars, content_note_field, single_line
from forum.replies.forms import EditForm, ReplyForm
from forum.services.posting_rules import BODY_MAX, TITLE_MAX
from forum.threads.forms import ThreadForm


def draft_body(label) -> TextAreaField:
    """A draft may be empty (she erased it) but no longer than a post."""
    return TextAreaField(label, validators=[chars(lazy_gettext("Your draft"), maximum=BODY_MAX)])


class ReplyDraftForm(ReplyForm):
    """The reply box as it stands, sent as she types or with "Save draft"."""

    body = draft_body(lazy_gettext("Your reply"))
    content_note = content_note_field()


class ThreadDraftForm(ThreadForm):
    """The start-a-thread form as it stands (with `draft_from`, the category its draft was last
    kept in, read by the view)."""

    title = StringField(
        lazy_gettext("Title"),
        filters=[single_line],
        validators=[chars(lazy_gettext("The title"), maximum=TITLE_MAX)],
    )
    body = draft_body(lazy_gettext("What's on your mind?"))


class EditDraftForm(EditForm):
    """Changes to a post as they stand (the title only on a thread's opening post)."""

    title = StringField(
        lazy_gettext("Title"),
        filters=[single_line],
        validators=[chars(lazy_gettext("The title"), maximum=TITLE_MAX)],
    )
    body = draft_body(lazy_gettext("Your post"))
