"""Turning a member's photo into pictures that carry nothing but pixels.

Only JPEG, PNG, WebP, GIF and HEIC/HEIF are read, and only after their headers show a size within
the pixel budget and a frame count within the frame budget; nothing is decoded before that. The
picture is turned the way the camera held it (EXIF orientation), brought into sRGB if it carried
a colour profile, and drawn again from its pixels into new WebP files: a large one (at most
2048 px on its longer side) and a thumbnail (at most 760 px), or a 256 px square for an avatar.
The new files hold no EXIF, XMP, IPTC, text chunks, comments or colour profile: nothing of the
camera, the place or the time. Animations keep their first frame.
"""

import io
import re
import time
from dataclasses import dataclass

from flask_babel import format_number, gettext
from PIL import Image, ImageCms, ImageOps
from pillow_heif import register_heif_opener

from forum.services.errors import ServiceError

register_heif_opener()

# What Pillow may open, by the name its plugins give: nothing else is even tried (no SVG, TIFF,
# BMP, PSD, ...), so a file's contents, not its name, decide.
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "HEIF")
MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo; a 30,000 x 30,000 picture is refused
MAX_FRAMES = 100  # an animation or a HEIC burst beyond this is refused before any decoding
MAX_SIDE = 2048
THUMB_SIDE = 760
AVATAR_SIDE = 256
QUALITY = 82
SECONDS = 8.0  # the time a picture may take to decode before it is given up
# A file that is also a web page (a "polyglot") is refused: it is not only a photo.
MARKUP = re.compile(rb"<(html|script|svg|body|iframe|!doctype|\?xml)[\s>]", re.IGNORECASE)

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own bomb check, at the same budget


class ImageRefused(ServiceError):
    """A file that can't become a picture; the message says why, in plain words."""

    status_code = 400


@dataclass(frozen=True)
class Encoded:
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Processed:
    full: Encoded
    thumb: Encoded


def _open(data: bytes, avatar: bool = False) -> Image.Image:
    """The picture's header, read and checked against the budgets; its pixels not yet decoded.
    `avatar`: a profile picture, which the messages call a picture rather than a photo."""
    if not data:
        raise ImageRefused(
            gettext("That file is empty. Please pick the picture again.")
            if avatar
            else gettext("That file is empty. Please pick the photo again.")
        )
    if MARKUP.search(data):
        raise ImageRefused(
            gettext(
                "That file holds more than a picture, so we can't take it. Please save the photo "
                "again from your photos app and pick the copy."
            )
        )
    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except Image.DecompressionBombError:
        raise _too_big() from None
    except Exception:  # any reader's failure, of whatever kind: not a photo to her
        raise ImageRefused(
            gettext(
                "That file isn't a photo we can read. Blossom takes JPEG, PNG, WebP, GIF and "
                "HEIC pictures: please pick a picture from your camera roll."
            )
            if avatar
            else gettext(
                "That file isn't a photo we can read. Blossom takes JPEG, PNG, WebP, GIF and "
                "HEIC pictures: please pick a photo from your camera roll."
            )
        ) from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise _too_big(width, height)
    try:
        frames = _frames(image, data)
    except Exception:  # a container whose frame count can't be read
        frames = MAX_FRAMES + 1
    if frames > MAX_FRAMES:
        raise ImageRefused(
            gettext(
                "That animation has more than %(most)d frames, more than we can take. "
                "A still photo works.",
                most=MAX_FRAMES,
            )
        )
    return image


def _too_big(width: int = 0, height: int = 0) -> ImageRefused:
    most = MAX_PIXELS // 1_000_000
    if not width:
        return ImageRefused(
            gettext(
                "That picture is too big to take: up to %(most)d megapixels can go up. A photo "
                "straight from a phone camera fits.",
                most=most,
            )
        )
    return ImageRefused(
        gettext(
            "That picture is too big to take (%(width)s × %(height)s pixels): up to %(most)d "
            "megapixels can go up. A photo straight from a phone camera fits.",
            width=format_number(width),
            height=format_number(height),
            most=most,
        )
    )


def _frames(image: Image.Image, data: bytes) -> int:
    """How many frames the file holds, from its headers: a GIF's blocks are walked, not decoded."""
    if image.format == "GIF":
        return gif_frames(data, MAX_FRAMES + 1)
    return int(getattr(image, "n_frames", 1) or 1)


def gif_frames(data: bytes, stop: int) -> int:
    """Count a GIF's image descriptors by walking its blocks, stopping at `stop`."""
    if len(data) < 13:
        return 0
    position = 13
    if data[10] & 0x80:  # a global colour table follows the screen descriptor
        position += 3 * (2 ** ((data[10] & 0x07) + 1))
    frames = 0
    while position < len(data) and frames < stop:
        block = data[position]
        if block == 0x3B:  # the trailer
            break
        if block == 0x21:  # an extension: its label, then sub-blocks
            position = _skip_sub_blocks(data, position + 2)
        elif block == 0x2C:  # an image: its descriptor, a local colour table, LZW data
            frames += 1
            if position + 10 > len(data):
                break
            flags = data[position + 9]
            position += 10
            if flags & 0x80:
                position += 3 * (2 ** ((flags & 0x07) + 1))
            position = _skip_sub_blocks(data, position + 1)
        else:
            break
    return frames


def _skip_sub_blocks(data: bytes, position: int) -> int:
    while position < len(data):
        size = data[position]
        position += 1 + size
        if size == 0:
            break
    return position


def _pixels(image: Image.Image, avatar: bool = False) -> Image.Image:
    """Decode the first frame, turned upright and in sRGB, within the time allowed."""
    started = time.monotonic()
    try:
        image.seek(0)
        image.load()
        upright = ImageOps.exif_transpose(image) or image
    except Image.DecompressionBombError:
        raise _too_big(*image.size) from None
    except Exception:  # a decoder's failure, of whatever kind: a damaged file to her
        raise ImageRefused(
            gettext(
                "That picture seems to be cut short or damaged, so it didn't open. Please save "
                "it again from your photos app, or pick another."
            )
            if avatar
            else gettext(
                "That photo seems to be cut short or damaged, so it didn't open. Please save it "
                "again from your photos app, or pick another."
            )
        ) from None
    if time.monotonic() - started > SECONDS:
        raise ImageRefused(
            gettext("That picture took too long to open. Please pick a smaller copy.")
            if avatar
            else gettext("That photo took too long to open. Please pick a smaller copy.")
        )
    return _srgb(upright, image.info.get("icc_profile"))


def _srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Colours as the profile meant them, then no profile at all: the output carries none."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            target = ImageCms.createProfile("sRGB")
            image = ImageCms.profileToProfile(image, source, target, outputMode=image.mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are
    fresh = Image.new(image.mode, image.size)  # no info, no profile, nothing of the original
    fresh.paste(image)
    return fresh


def _encode(image: Image.Image, side: int) -> Encoded:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "WEBP", quality=QUALITY, method=4)  # a fresh image: no exif, xmp or icc to write
    return Encoded(out.getvalue(), copy.width, copy.height)


def process_photo(data: bytes) -> Processed:
    """A photo for a post: the large picture and its thumbnail."""
    image = _pixels(_open(data))
    return Processed(_encode(image, MAX_SIDE), _encode(image, THUMB_SIDE))


def process_avatar(data: bytes) -> Encoded:
    """A profile picture: the middle square, 256 px."""
    image = _pixels(_open(data, avatar=True), avatar=True)
    square = ImageOps.fit(image, (AVATAR_SIDE, AVATAR_SIDE), Image.Resampling.LANCZOS)
    return _encode(square, AVATAR_SIDE)
