"""Members' pictures: taking them in, attaching them to posts, who may see them, letting them go.

Pictures are processed inside the request that sends them (services/images.py: about 0.7 s for a
12-megapixel phone photo on a small host), so a problem is told at the field while she is there,
and a post is never shown half-made. Stored files get random names; the row keeps the uploader
for moderation and deletion only. Files are deleted by a task after the commit that lets them go,
and an hourly sweep finds whatever is still due: discarded rows whose files remain, and pictures
never attached to a post a day after they were sent.
"""

import base64
import secrets
from collections.abc import Sequence
from datetime import timedelta

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import joinedload

from forum import page_cache, queue
from forum.database import db, utcnow
from forum.image_storage import storage
from forum.models import Post, Upload, UploadKind, User
from forum.services import accounts, images
from forum.services.errors import ServiceError

MAX_PER_POST = 4
ALT_MAX = 300
UNATTACHED_FOR = timedelta(days=1)
NEW_MEMBER_WAIT = timedelta(days=1)
PER_HOUR = 20
PER_DAY = 60


class UploadRefused(ServiceError):
    status_code = 400


def new_key() -> str:
    """A random name: nothing of the member, the file or its bytes (no two uploads share one)."""
    return secrets.token_urlsafe(18)


def check_can_upload(user: User, how_many: int) -> None:
    """New accounts wait a day; everyone has an hourly and a daily allowance."""
    accounts.ensure_can_write(user)
    if user.created_at > utcnow() - current_app.config.get(
        "IMAGE_NEW_MEMBER_WAIT", NEW_MEMBER_WAIT
    ):
        raise UploadRefused(
            gettext(
                "Photos can be added once your account is a day old: it keeps the forum safe "
                "from people who sign up only to post pictures. Your words can go up now."
            )
        )
    now = utcnow()
    hour, day = db.session.execute(
        select(
            func.count().filter(Upload.created_at > now - timedelta(hours=1)),
            func.count(),
        ).where(Upload.uploader_id == user.id, Upload.created_at > now - timedelta(days=1))
    ).one()
    if hour + how_many > PER_HOUR or day + how_many > PER_DAY:
        raise UploadRefused(
            gettext(
                "You've added a lot of photos lately (up to %(hourly)d an hour and %(daily)d a "
                "day). Your words can go up now; please add the photos a little later.",
                hourly=PER_HOUR,
                daily=PER_DAY,
            )
        )


def store_photo(user: User, data: bytes, alt_text: str) -> Upload:
    """Process a photo and keep it, not yet attached to a post. Raises ImageRefused."""
    done = images.process_photo(data)
    upload = Upload(
        key=new_key(), kind=UploadKind.PHOTO, uploader_id=user.id, alt_text=alt_text[:ALT_MAX],
        width=done.full.width, height=done.full.height,
        thumb_width=done.thumb.width, thumb_height=done.thumb.height,
        size=len(done.full.data) + len(done.thumb.data),
    )  # fmt: skip
    full, thumb = upload.names
    storage().put(full, done.full.data)
    storage().put(thumb, done.thumb.data)
    db.session.add(upload)
    db.session.flush()
    return upload


def kept_photo(user: User, key: str) -> Upload | None:
    """A photo she sent with a form that came back, named by its key: hers, and not yet used."""
    if not key or len(key) > 40:
        return None
    return db.session.scalar(
        select(Upload).where(
            Upload.key == key,
            Upload.uploader_id == user.id,
            Upload.kind == UploadKind.PHOTO,
            Upload.post_id.is_(None),
            Upload.discarded_at.is_(None),
        )
    )


def attach(author: User, post: Post, photos: Sequence[Upload]) -> None:
    """The photos go with the post, in the order given, shown from its own record."""
    if not photos:
        return
    if len(photos) > MAX_PER_POST:
        raise UploadRefused(
            gettext("A post can have up to %(most)d photos.", most=MAX_PER_POST), field="images"
        )
    for position, upload in enumerate(photos, start=1):
        if upload.uploader_id != author.id or upload.post_id is not None:
            raise UploadRefused(gettext("That photo can't be used here. Please pick it again."))
        upload.post_id = post.id
        upload.position = position
    post.images = [upload.display() for upload in photos]
    db.session.flush()


def change_post_photos(
    editor: User, post: Post, removed: Sequence[str], added: Sequence[Upload]
) -> bool:
    """An edit: the photos she took off go (files and all), the new ones follow the rest.
    Whether anything changed."""
    removed = [key for key in removed if any(i["key"] == key for i in post.images or [])]
    if not removed and not added:
        return False
    staying = [i for i in post.images or [] if i["key"] not in removed]
    if len(staying) + len(added) > MAX_PER_POST:
        raise UploadRefused(
            ngettext(
                "A post can have up to %(most)d photos; this one has %(num)d. Take one off to "
                "add another.",
                "A post can have up to %(most)d photos; this one has %(num)d. Take one off to "
                "add another.",
                len(staying),
                most=MAX_PER_POST,
            ),
            field="images",
        )
    if removed:
        _discard(
            select(Upload.id).where(
                Upload.post_id == post.id, Upload.key.in_(removed), Upload.discarded_at.is_(None)
            )
        )
    for position, upload in enumerate(added, start=len(staying) + 1):
        if upload.uploader_id != editor.id or upload.post_id is not None:
            raise UploadRefused(gettext("That photo can't be used here. Please pick it again."))
        upload.post_id = post.id
        upload.position = position
    post.images = [*staying, *(upload.display() for upload in added)] or None
    db.session.flush()
    page_cache.changed(thread_id=post.thread_id)
    return True


def discard_post_images(post: Post) -> None:
    """The post was deleted: its pictures stop being served and their files go."""
    post.images = None
    _discard(select(Upload.id).where(Upload.post_id == post.id, Upload.discarded_at.is_(None)))


def discard_member_uploads(user: User) -> None:
    """The account was deleted: her profile picture, her unused photos and those of her named
    posts go now. Her anonymous posts' photos go with each post, at the post's own moment
    (privacy._remove_posts), or stay with the anonymous posts she chose to keep: letting them go
    now, with the rest, would tell which anonymous posts were hers."""
    user.avatar_key = None
    named = select(Post.id).where(Post.author_id == user.id, Post.anonymous.is_(False))
    db.session.execute(
        update(Post)
        .where(Post.id.in_(named), Post.images.is_not(None))
        .values(images=None)
        .execution_options(synchronize_session=False)
    )
    _discard(
        select(Upload.id).where(
            Upload.uploader_id == user.id,
            Upload.discarded_at.is_(None),
            or_(Upload.post_id.is_(None), Upload.post_id.in_(named)),
        )
    )


def _discard(ids) -> None:
    found = list(db.session.scalars(ids))
    if not found:
        return
    db.session.execute(
        update(Upload)
        .where(Upload.id.in_(found))
        .values(discarded_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    queue.after_commit(delete_files, found)


def set_avatar(user: User, data: bytes) -> Upload:
    """A new profile picture: the middle square of the photo, 256 px. The old one goes."""
    check_can_upload(user, 1)
    done = images.process_avatar(data)
    upload = Upload(
        key=new_key(), kind=UploadKind.AVATAR, uploader_id=user.id, width=done.width,
        height=done.height, thumb_width=done.width, thumb_height=done.height, size=len(done.data),
    )  # fmt: skip
    storage().put(upload.names[0], done.data)
    db.session.add(upload)
    remove_avatar(user)
    user.avatar_key = upload.key
    db.session.flush()
    return upload


def remove_avatar(user: User) -> None:
    """Back to the letter avatar."""
    if user.avatar_key:
        _discard(
            select(Upload.id).where(Upload.key == user.avatar_key, Upload.kind == UploadKind.AVATAR)
        )
    user.avatar_key = None
    page_cache.changed(everything=True)  # her picture is beside her posts everywhere


def split_name(name: str) -> tuple[str, bool] | None:
    """A served name's key and whether it is the thumbnail; None for anything else."""
    stem, dot, ext = name.rpartition(".")
    if not dot or ext != "webp":
        return None
    small = stem.endswith("-s")
    key = stem.removesuffix("-s")
    if not 16 <= len(key) <= 40 or not key.replace("-", "").replace("_", "").isalnum():
        return None
    return key, small


def picture_for(viewer: User, name: str) -> tuple[bytes, bool] | None:
    """The stored picture a name points to, if this viewer may see it, and whether it is public.

    Public: a profile picture in use, or a photo of a post everyone can read. A photo of a post
    that is hidden, removed, waiting for a moderator or deleted reaches moderators only (never a
    shared cache); a photo not yet attached, only the member who sent it.
    """
    parts = split_name(name)
    if parts is None:
        return None
    key, small = parts
    upload = db.session.scalar(
        select(Upload)
        .where(Upload.key == key, Upload.discarded_at.is_(None))
        .options(joinedload(Upload.post))
    )
    if upload is None or (small and upload.kind == UploadKind.AVATAR):
        return None
    staff = viewer.is_authenticated and viewer.is_moderator
    if upload.kind == UploadKind.AVATAR:
        public = True  # discarded as soon as it stops being her picture
    elif upload.post is None:
        public = False
        if not (viewer.is_authenticated and viewer.id == upload.uploader_id):
            return None
    else:
        public = upload.post.is_visible
        if not public and not staff:
            return None
    data = storage().get(upload.names[1 if small else 0])
    return (data, public) if data is not None else None


def member_images(user: User) -> list[dict]:
    """Her pictures for the data download, each with its file inside (base64 WebP)."""
    uploads = db.session.scalars(
        select(Upload)
        .where(Upload.uploader_id == user.id, Upload.discarded_at.is_(None))
        .order_by(Upload.created_at, Upload.id)
    )
    found = []
    for upload in uploads:
        data = storage().get(upload.names[0])
        found.append(
            {
                "kind": upload.kind,
                "post_id": upload.post_id,
                "alt_text": upload.alt_text,
                "width": upload.width,
                "height": upload.height,
                "sent_at": upload.created_at.isoformat(timespec="seconds") + "Z",
                "file": "data:image/webp;base64," + base64.b64encode(data).decode()
                if data
                else None,
            }
        )
    return found


@queue.task(retries=3, retry_delay=60)
def delete_files(upload_ids: list[int]) -> None:
    """Delete the files of discarded uploads, then their rows. Run twice, it does nothing more."""
    rows = list(
        db.session.scalars(
            select(Upload).where(Upload.id.in_(upload_ids), Upload.discarded_at.is_not(None))
        )
    )
    for upload in rows:
        for name in upload.names:
            storage().delete(name)
        db.session.delete(upload)
    db.session.commit()


@queue.periodic_task(queue.crontab(minute="17"))
def sweep_uploads() -> int:
    """Every hour: pictures never attached a day after they were sent are let go, and any
    discarded picture whose files are still there is deleted. How many were due."""
    cutoff = utcnow() - UNATTACHED_FOR
    due = list(
        db.session.scalars(
            select(Upload.id).where(
                or_(
                    Upload.discarded_at.is_not(None),
                    (Upload.kind == UploadKind.PHOTO)
                    & Upload.post_id.is_(None)
                    & (Upload.created_at < cutoff),
                )
            )
        )
    )
    if due:
        db.session.execute(
            update(Upload)
            .where(Upload.id.in_(due), Upload.discarded_at.is_(None))
            .values(discarded_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        delete_files(due)
    return len(due)
