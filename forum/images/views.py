"""Pictures, served from the forum's own address, and the profile picture page."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required

from forum.database import db
from forum.images.forms import PictureForm
from forum.limits import limited
from forum.photo_fields import ACCEPT
from forum.services import uploads
from forum.services.errors import ServiceError

bp = Blueprint("images", __name__)

# A picture is only ever a picture: never sniffed as anything else, never run, never framed
# into a page of its own, and saved under a name that says nothing.
PICTURE_HEADERS = {
    "Content-Type": "image/webp",
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": 'inline; filename="picture.webp"',
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
}
PUBLIC = "public, max-age=31536000, immutable"  # a stored name never changes what it holds
PRIVATE = "private, no-store"


@bp.get("/images/<name>")
def show(name: str):
    found = uploads.picture_for(current_user, name) or abort(404)
    data, public = found
    response = make_response(data)
    response.headers.update(PICTURE_HEADERS)
    response.headers["Cache-Control"] = PUBLIC if public else PRIVATE
    return response


@bp.route("/settings/picture", methods=["GET", "POST"])
@login_required
@limited("editing")
def picture():
    form = PictureForm()
    error = None
    if form.validate_on_submit():
        try:
            if request.form.get("remove"):
                uploads.remove_avatar(current_user)
                done = gettext("Your picture is removed: your letter avatar is back.")
            else:
                file = request.files.get("picture")
                if file is None or not file.filename:
                    raise uploads.UploadRefused(gettext("Choose a picture first."))
                limit = current_app.config["IMAGE_MAX_BYTES"]
                data = file.stream.read(limit + 1)
                if len(data) > limit:
                    raise uploads.UploadRefused(
                        gettext(
                            "That picture is more than %(megabytes)d MB, too large to take.",
                            megabytes=limit // (1024 * 1024),
                        )
                    )
                uploads.set_avatar(current_user, data)
                done = gettext("Your new picture is up.")
        except ServiceError as error_:
            db.session.rollback()
            error = error_.message
        else:
            db.session.commit()
            flash(done)
            return redirect(url_for("images.picture"))
    status = 400 if error else 200
    return render_template("images/picture.html", form=form, error=error, accept=ACCEPT), status
