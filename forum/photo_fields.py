"""Photos on the post forms: four places for a photo, each with words describing it.

The files come in with the form (multipart) and are processed before the post is written. Each
photo that went through is kept, not yet attached, and its random key goes back in the form: if
something else in the form needs changing, she doesn't pick the photo again. One that was refused
says why at its own place, and nothing of it is stored; her words stay in the form either way.
"""

from flask import current_app, flash, g, request
from flask_babel import gettext, lazy_gettext
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import ValidationError

from forum import formatting
from forum.database import db
from forum.models import Upload, User
from forum.services import safety, uploads
from forum.services.errors import ServiceError

SLOTS = range(1, uploads.MAX_PER_POST + 1)
ACCEPT = "image/jpeg,image/png,image/webp,image/gif,image/heic,image/heif,.heic,.heif"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _short(form, field) -> None:
    if len(field.data or "") > uploads.ALT_MAX:
        raise ValidationError(
            gettext(
                "A description can be up to %(maximum)s characters; this one is %(length)s. "
                "It's all still here, so you can trim it.",
                maximum=formatting.number(uploads.ALT_MAX),
                length=formatting.number(len(field.data)),
            )
        )


LEAVE_OUT = lazy_gettext("Leave this photo out")


class PhotoFields:
    """Mixed into a post form: alt_1 / kept_1 / drop_1, ... (the files are read from request)."""

    alt_1 = StringField(
        lazy_gettext("Describe photo %(number)s", number=1), filters=[_strip], validators=[_short]
    )
    kept_1 = HiddenField()
    drop_1 = BooleanField(LEAVE_OUT)
    alt_2 = StringField(
        lazy_gettext("Describe photo %(number)s", number=2), filters=[_strip], validators=[_short]
    )
    kept_2 = HiddenField()
    drop_2 = BooleanField(LEAVE_OUT)
    alt_3 = StringField(
        lazy_gettext("Describe photo %(number)s", number=3), filters=[_strip], validators=[_short]
    )
    kept_3 = HiddenField()
    drop_3 = BooleanField(LEAVE_OUT)
    alt_4 = StringField(
        lazy_gettext("Describe photo %(number)s", number=4), filters=[_strip], validators=[_short]
    )
    kept_4 = HiddenField()
    drop_4 = BooleanField(LEAVE_OUT)


def _sent(number: int):
    """The file picked at this place, if any (an empty input sends a part with no name)."""
    file = request.files.get(f"photo_{number}")
    return file if file is not None and file.filename else None


def take_photos(form, member: User) -> list[Upload] | None:
    """The photos sent with a post form, processed and kept; None if any was refused (the form
    then carries each message at its place, in `photo_errors`). Called before the post is
    written, so a refused photo leaves nothing of the post behind."""
    form.photo_errors = {}
    form.kept_photos = {}
    if g.pop("photos_too_large", False):
        form.photo_errors[0] = gettext(
            "Those photos were too large to send together (up to %(megabytes)s MB each). Your "
            "words are all still here; please pick the photos again, fewer or smaller ones.",
            megabytes=_megabytes(current_app.config["IMAGE_MAX_BYTES"]),
        )
    new = [number for number in SLOTS if _sent(number)]
    if new:
        try:
            uploads.check_can_upload(member, len(new))
        except ServiceError as error:
            form.photo_errors[0] = error.message
            new = []
    photos: list[Upload] = []
    limit = current_app.config["IMAGE_MAX_BYTES"]
    for number in SLOTS:
        alt = form[f"alt_{number}"].data or ""
        kept_field = form[f"kept_{number}"]
        if number in new:
            data = _sent(number).stream.read(limit + 1)
            if len(data) > limit:
                # The same words static/js/photos.js says before sending (_macros/photos.html).
                form.photo_errors[number] = gettext(
                    "That photo is more than %(megabytes)s MB, too large to take. A photo "
                    "straight from a phone's camera fits; a smaller copy works too.",
                    megabytes=_megabytes(limit),
                )
                continue
            try:
                upload = uploads.store_photo(member, data, alt)
            except ServiceError as error:
                form.photo_errors[number] = error.message
                continue
        elif _sent(number) is None and kept_field.data and not form[f"drop_{number}"].data:
            upload = uploads.kept_photo(member, kept_field.data)
            if upload is None:
                kept_field.data = ""
                form.photo_errors[number] = gettext(
                    "We no longer have the photo you picked here. Please pick it again."
                )
                continue
            upload.alt_text = alt[: uploads.ALT_MAX]
        else:
            kept_field.data = ""
            continue
        kept_field.data = upload.key
        form.kept_photos[number] = upload
        photos.append(upload)
    db.session.commit()  # the photos that went through are kept, whatever the rest of the form
    return None if form.photo_errors else photos


def crisis_first(form, photos: list[Upload] | None, words: str) -> list[Upload] | None:
    """Words that read as a crisis are never held back by a photo: they go up with the photos
    that went through, and she is told which couldn't come."""
    if photos is not None or not safety.mentions_crisis(words):
        return photos
    flash(
        gettext(
            "Your words are up. Some photos couldn't go with them; you can add them by editing "
            "your post when you're ready."
        )
    )
    return list(form.kept_photos.values())


def _megabytes(size: int) -> int:
    return size // (1024 * 1024)
