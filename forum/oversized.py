"""How much the forms that take photos may carry, and what happens past it.

Those forms alone may send up to PHOTO_REQUEST_MAX (every other request keeps MAX_CONTENT_LENGTH),
set before anything reads the body (the CSRF check does). A post form sent with more than that
comes back with her words in it and a message at the photos, not a bare 413.

The body was refused before any of it was read; its text fields are read now, the files'
bytes passed over unstored, and the form's own view answers as if no photo had been sent.
Bodies far past the limit, or of unknown length, get the kind 413 page instead.
"""

from flask import Flask, current_app, g, make_response, request
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.formparser import parse_form_data

from forum.extensions import csrf

FORMS_WITH_PHOTOS = ("threads.new", "replies.reply", "replies.edit")
TAKES_PHOTOS = (*FORMS_WITH_PHOTOS, "images.picture")
READ_AT_MOST = 4  # times MAX_CONTENT_LENGTH: beyond that the bytes are not worth reading


class _Nowhere:
    """Where a file's bytes go when only the text around them is wanted."""

    def write(self, data: bytes) -> int:
        return len(data)

    def seek(self, *args) -> int:
        return 0

    def read(self, *args) -> bytes:
        return b""


def _words_only():
    limit = current_app.config["PHOTO_REQUEST_MAX"] * READ_AT_MOST
    size = request.content_length
    # Only a body refused for its length alone is still unread; any other was refused mid-way.
    if size is None or size > limit or size <= (request.max_content_length or 0):
        return None
    try:
        _, form, _ = parse_form_data(
            request.environ,
            stream_factory=lambda *args, **kwargs: _Nowhere(),
            max_form_memory_size=current_app.config["MAX_FORM_MEMORY_SIZE"],
            max_content_length=limit,
            silent=True,
        )
    except HTTPException:  # the words themselves are too long to read, or the body breaks off
        return None
    return form


def register_oversized(app: Flask, fallback) -> None:
    def photo_sized() -> None:
        # Multipart only: there the text fields stay within MAX_FORM_MEMORY_SIZE, files apart.
        if request.endpoint in TAKES_PHOTOS and request.mimetype == "multipart/form-data":
            request.max_content_length = app.config["PHOTO_REQUEST_MAX"]

    # First of all, before the CSRF check reads the form.
    app.before_request_funcs.setdefault(None, []).insert(0, photo_sized)

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(error: RequestEntityTooLarge):
        if request.endpoint not in FORMS_WITH_PHOTOS or request.mimetype != "multipart/form-data":
            return fallback(error)
        form = _words_only()
        if not form:
            return fallback(error)
        request.__dict__["form"] = form
        request.__dict__["files"] = MultiDict()
        try:  # the check the refused body never reached
            if current_app.config.get("WTF_CSRF_ENABLED", True):
                csrf.protect()
        except CSRFError:
            return fallback(error)
        g.photos_too_large = True
        view = app.view_functions[request.endpoint]
        response = make_response(app.ensure_sync(view)(**(request.view_args or {})))
        if not 300 <= response.status_code < 400:  # the form, back with her words
            response.status_code = 413
        # A redirect stays one: words that read as a crisis went up without the photos, and she
        # goes to her post and its support lines.
        return response
