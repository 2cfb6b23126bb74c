from flask_babel import lazy_gettext
from wtforms import BooleanField, HiddenField

from forum.forms import Form, anonymous_field, body_field, content_note_field, title_field
from forum.photo_fields import PhotoFields


class ReplyForm(PhotoFields, Form):
    body = body_field(lazy_gettext("Your reply"))
    content_note = content_note_field()
    anonymous = anonymous_field()
    kindness_confirmed = BooleanField()  # set by the "Post anyway" button after a kindness check
    named_confirmed = BooleanField()  # "Reply with my name", in a thread she started anonymously
    quote = HiddenField()  # the post being quoted, so its author can be told


def reply_defaults(thread, member, draft=None) -> dict:
    """Her draft here, as she left it, choices and all; else an empty box, anonymous in a
    thread she started anonymously."""
    if draft is not None:
        return {
            "body": draft.body,
            "content_note": draft.content_note,
            "anonymous": draft.anonymous,
        }
    return {"anonymous": thread.started_anonymously_by(member)}


class EditForm(PhotoFields, Form):
    title = title_field()  # removed for replies: only the opening post carries the title
    body = body_field(lazy_gettext("Your post"))


class ContentNoteForm(Form):
    content_note = content_note_field()
