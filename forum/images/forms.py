from forum.forms import Form


class PictureForm(Form):
    """The profile picture page: the file is read from the request; this carries the token."""
