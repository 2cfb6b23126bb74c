"""The pipeline on real files: what comes out is a picture and nothing else, and every bad file
is refused, before decoding where it can be, with words a member understands."""

import io
import random

import pytest
from PIL import Image

from forum.services import images
from tests.images import photos


def test_a_phone_photo_comes_out_with_nothing_but_its_pixels():
    original = photos.phone_jpeg()
    assert [s for s in photos.SECRETS if s.encode() in original]  # the test's own check works
    assert any(value in original for value in photos.POSITION_BYTES)
    done = images.process_photo(original)
    for copy in (done.full, done.thumb):
        assert photos.carries_nothing(copy.data) == []
        picture = Image.open(io.BytesIO(copy.data))
        assert picture.format == "WEBP"
        assert (picture.width, picture.height) == (copy.width, copy.height)
    assert (done.full.width, done.full.height) == (1200, 900)
    assert max(done.thumb.width, done.thumb.height) == images.THUMB_SIDE


def test_the_camera_s_orientation_is_applied_before_it_is_dropped():
    done = images.process_photo(photos.phone_jpeg(1200, 900, orientation=6))  # held upright
    assert (done.full.width, done.full.height) == (900, 1200)


def test_a_large_photo_is_bounded():
    done = images.process_photo(photos.phone_jpeg(4032, 3024))
    assert (done.full.width, done.full.height) == (2048, 1536)


@pytest.mark.parametrize(
    "data",
    [photos.png_with_text(), photos.heic(), photos.encoded("WEBP"), photos.encoded("GIF")],
    ids=["PNG with text chunks", "HEIC", "WebP", "GIF"],
)
def test_each_kind_from_a_camera_roll_is_taken_and_stripped(data):
    done = images.process_photo(data)
    assert photos.carries_nothing(done.full.data) == []
    assert photos.carries_nothing(done.thumb.data) == []


def test_a_transparent_png_keeps_its_transparency():
    done = images.process_photo(photos.png_with_text())
    assert Image.open(io.BytesIO(done.full.data)).mode == "RGBA"


def test_an_avatar_is_the_middle_square_at_256_px():
    done = images.process_avatar(photos.phone_jpeg(1200, 900))
    assert (done.width, done.height) == (256, 256)
    assert photos.carries_nothing(done.data) == []


@pytest.mark.parametrize("name", list(photos.BAD))
def test_every_bad_file_is_refused_in_plain_words(name):
    _, data, words = photos.bad_file(name)
    with pytest.raises(images.ImageRefused) as refused:
        images.process_photo(data)
    assert words in refused.value.message


def test_frames_are_counted_from_the_gif_s_blocks():
    assert images.gif_frames(photos.gif_frame_bomb(7), 1000) == 7
    assert images.gif_frames(photos.gif_frame_bomb(150), 101) == 101


@pytest.mark.parametrize(
    "original",
    [photos.phone_jpeg(300, 200), photos.png_with_text(), photos.encoded("WEBP"),
     photos.encoded("GIF"), photos.heic()],
    ids=["JPEG", "PNG", "WebP", "GIF", "HEIC"],
)  # fmt: skip
@pytest.mark.filterwarnings("ignore:Tag data larger than file")  # Pillow, reading damaged EXIF
def test_damaged_files_are_refused_or_taken_but_never_break(original):
    """Bytes changed at random, as a broken upload or an attacker would send them."""
    chance = random.Random(len(original))  # noqa: S311 -- the same damage every run, no secret
    for _ in range(40):
        damaged = bytearray(original)
        for _ in range(chance.randint(1, 12)):
            damaged[chance.randrange(len(damaged))] = chance.randrange(256)
        if chance.random() < 0.3:
            damaged = damaged[: chance.randrange(1, len(damaged))]
        try:
            done = images.process_photo(bytes(damaged))
        except images.ImageRefused:
            continue
        assert photos.carries_nothing(done.full.data) == []
