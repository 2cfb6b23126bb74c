"""Real picture files for the tests, made with Pillow: a phone photo with everything a phone
writes (GPS, the camera's serial number, the time, XMP, a comment), and the bad files a tired
parent or an attacker might send."""

import io
import struct
import zipfile
import zlib

from PIL import Image, PngImagePlugin
from PIL.TiffImagePlugin import IFDRational

LATITUDE = (IFDRational(51, 1), IFDRational(30, 1), IFDRational(2637, 100))  # 51°30'26.37"
LONGITUDE = (IFDRational(0, 1), IFDRational(7, 1), IFDRational(3948, 100))
# The seconds of the position as a TIFF rational stores them, in either byte order.
POSITION_BYTES = tuple(
    struct.pack(f"{order}II", seconds, 100) for order in "<>" for seconds in (2637, 3948)
)
SERIAL = "SN-Q7X4-55219-BLOSSOM"
OWNER = "Zephyrine Quill"
TAKEN = "2026:11:30 07:42:19"
XMP_SECRET = "xmp-home-address-14-larkspur-row"
TEXT_SECRET = "png-text-chunk-larkspur"
COMMENT = b"jpeg-comment-larkspur"
# What must never survive, searched for in stored and served bytes.
SECRETS = (SERIAL, OWNER, TAKEN, XMP_SECRET, TEXT_SECRET, COMMENT.decode())


def _exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Blossomphone"  # Make
    exif[0x0110] = "Blossomphone 12"  # Model
    exif[0x013B] = OWNER  # Artist
    exif[0x0112] = orientation
    exif[0x0132] = TAKEN  # DateTime
    exif[0xA431] = SERIAL  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", LATITUDE, "W", LONGITUDE
    return exif


def phone_jpeg(width: int = 1200, height: int = 900, orientation: int = 1) -> bytes:
    """A photo as a phone saves it: EXIF with GPS and serial, XMP, a comment, an sRGB profile."""
    image = Image.new("RGB", (width, height), (200, 120, 90))
    for x in range(0, width, 40):  # something for the encoder to do
        image.paste((60, 90, 160), (x, 0, x + 20, height // 2))
    out = io.BytesIO()
    image.save(
        out, "JPEG", quality=90, exif=_exif(orientation), comment=COMMENT,
        xmp=f'<x:xmpmeta xmlns:x="adobe:ns:meta/">{XMP_SECRET}</x:xmpmeta>'.encode(),
    )  # fmt: skip
    return out.getvalue()


def png_with_text() -> bytes:
    image = Image.new("RGBA", (640, 480), (10, 200, 30, 128))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", TEXT_SECRET)
    info.add_itxt("XML:com.adobe.xmp", XMP_SECRET)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info, exif=_exif())
    return out.getvalue()


def encoded(fmt: str, size=(320, 240), **options) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (90, 160, 200)).save(out, fmt, **options)
    return out.getvalue()


def heic() -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    out = io.BytesIO()
    Image.new("RGB", (400, 300), (240, 200, 80)).save(out, "HEIF", exif=_exif().tobytes())
    return out.getvalue()


def huge_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG whose header says 30,000 × 30,000: tiny on disk, 900 megapixels if decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * (1 + width * 3) * 4)  # a few rows: the rest is never read
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def zip_bomb() -> bytes:
    """A zip whose one file unpacks to 200 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("photo.jpg", b"\0" * (200 * 1024 * 1024))
    return out.getvalue()


def gif_frame_bomb(frames: int = 150) -> bytes:
    out = io.BytesIO()
    first, *rest = [Image.new("RGB", (64, 64), (n % 250, 255 - n % 250, 90)) for n in range(frames)]
    first.save(out, "GIF", save_all=True, append_images=rest, duration=20, loop=0)
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\0" * 8 + b"\x02\x00\x3e\x00" + b"\x90" * 400
POLYGLOT = phone_jpeg(200, 150) + b"<html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

# Each bad input, named as a member would send it, with words its message must hold.
BAD = {
    "a renamed executable": ("holiday.jpg", ELF, "isn't a photo we can read"),
    "a truncated JPEG": ("cut.jpg", phone_jpeg()[:6000], "cut short or damaged"),
    "a zip bomb": ("photo.png", None, "isn't a photo we can read"),  # made on demand: 200 KB
    "a 30,000 x 30,000 PNG": ("big.png", None, "too big"),
    "a polyglot JPEG/HTML file": ("nice.jpg", POLYGLOT, "more than a picture"),
    "an SVG whose extension lies": ("photo.png", SVG, "more than a picture"),
    "a BMP whose extension lies": ("photo.jpg", encoded("BMP"), "isn't a photo we can read"),
    "an empty file": ("empty.jpg", b"", "empty"),
    "an animated-GIF frame bomb": ("dance.gif", None, "frames"),
}


def bad_file(name: str) -> tuple[str, bytes, str]:
    filename, data, words = BAD[name]
    if data is None:
        data = {"a zip bomb": zip_bomb, "a 30,000 x 30,000 PNG": huge_png,
                "an animated-GIF frame bomb": gif_frame_bomb}[name]()  # fmt: skip
    return filename, data, words


def carries_nothing(data: bytes) -> list[str]:
    """What of the original's metadata these bytes still hold (by Pillow, and byte by byte)."""
    found = [secret for secret in SECRETS if secret.encode() in data]
    found += [f"GPS position {value!r}" for value in POSITION_BYTES if value in data]
    if b"Blossomphone" in data:
        found.append("camera model")
    image = Image.open(io.BytesIO(data))
    if image.getexif():
        found.append("EXIF")
    for key in ("exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"):
        if image.info.get(key):
            found.append(key)
    return found
