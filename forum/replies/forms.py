from forum.forms import Form, body_field, title_field


class ReplyForm(Form):
    body = body_field("Your reply")


class EditForm(Form):
    title = title_field()  # removed for replies: only the opening post carries the title
    body = body_field("Your post")
