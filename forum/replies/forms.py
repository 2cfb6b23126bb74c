from wtforms import BooleanField, HiddenField

from forum.forms import Form, anonymous_field, body_field, content_note_field, title_field


class ReplyForm(Form):
    body = body_field("Your reply")
    content_note = content_note_field()
    anonymous = anonymous_field()
    kindness_confirmed = BooleanField()  # set by the "Post anyway" button after a kindness check
    quote = HiddenField()  # the post being quoted, so its author can be told


class EditForm(Form):
    title = title_field()  # removed for replies: only the opening post carries the title
    body = body_field("Your post")


class ContentNoteForm(Form):
    content_note = content_note_field()
