"""A photo from the phone's camera roll: picked on the phone-size page, posted, and seen."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from forum.database import db, utcnow
from forum.models import Thread
from forum.services import posting, uploads
from tests.browser.helpers import stored_user
from tests.browser.people import log_in
from tests.images import photos


@pytest.mark.parametrize("size", ["phone"], indirect=True)
def test_attach_a_photo_and_see_it(page: Page, forum, tmp_path) -> None:
    member = forum.member("marisol", created_at=utcnow() - timedelta(days=3))
    photo = tmp_path / "IMG_0042.JPG"
    photo.write_bytes(photos.phone_jpeg(1600, 1200))
    log_in(page, member)
    page.goto("/new")
    title = forum.title("Her first smile, at the childminder's")
    page.get_by_label("Category").select_option(label="Small wins")
    page.get_by_label("Title").fill(title)
    page.get_by_label("What's on your mind?").fill("I missed it, but she saved it for me.")
    page.get_by_text("Add photos").click()
    page.get_by_label("Choose a photo").first.set_input_files(str(photo))
    page.get_by_label("Describe photo 1").fill("A baby smiling on a play mat")
    page.get_by_role("button", name="Start the thread").click()

    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    picture = page.get_by_role("img", name="A baby smiling on a play mat")
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth") == 760
    box = picture.bounding_box()
    assert box is not None and box["width"] <= 390  # fits the phone's screen
    picture.click()  # opens full size
    assert page.url.endswith(".webp")


@pytest.mark.parametrize("size", ["phone"], indirect=True)
def test_photos_behind_a_content_note_load_only_once_it_is_opened(page: Page, forum) -> None:
    author = forum.member("ines", created_at=utcnow() - timedelta(days=3))
    title = forum.title("The scan we never got to show anyone")
    thread_id = forum.thread(author, title, "Nothing to see here, only words.")
    with forum.app.app_context():
        member = stored_user(author)
        photo = uploads.store_photo(member, photos.phone_jpeg(800, 600), "A scan photo")
        posting.reply(
            member, db.session.get(Thread, thread_id), "I kept this one.",
            content_note="pregnancy loss", photos=[photo], kindness_confirmed=True,
        )  # fmt: skip
        db.session.commit()
        thumb = f"/images/{photo.key}-s.webp"
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"/t/{thread_id}")
    page.wait_for_load_state("networkidle")
    assert not [url for url in asked if thumb in url]
    page.get_by_text("Content note: pregnancy loss").click()
    picture = page.get_by_role("img", name="A scan photo")
    expect(picture).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )
    assert [url for url in asked if thumb in url]


@pytest.mark.parametrize("size", ["phone"], indirect=True)
def test_a_photo_too_large_is_told_as_soon_as_it_is_picked(page: Page, forum, tmp_path) -> None:
    member = forum.member("oona", created_at=utcnow() - timedelta(days=3))
    huge = tmp_path / "PANORAMA.JPG"
    huge.write_bytes(b"\xff\xd8\xff" + b"\0" * (forum.app.config["IMAGE_MAX_BYTES"] + 10))
    log_in(page, member)
    page.goto("/new")
    page.get_by_text("Add photos").click()
    chooser = page.get_by_label("Choose a photo").first
    chooser.set_input_files(str(huge))
    expect(page.get_by_role("alert")).to_contain_text("too large to take")
    expect(chooser).to_have_attribute("aria-invalid", "true")
    assert chooser.evaluate("input => input.files.length") == 0
