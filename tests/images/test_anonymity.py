"""The anonymity sweep, for pictures: an anonymous author with a profile picture posts photos
(with GPS, her camera's serial and her name in the EXIF) on anonymous posts. No page, picture
URL, stored name, served byte or response header gives her away (tests/support/anonymity.py)."""

import io
import re

from sqlalchemy import select

from forum.database import db
from forum.models import Upload
from forum.services import uploads
from tests.helpers import signed_in
from tests.images import photos
from tests.support.anonymity import ANON_ID, DISPLAY_NAME, USERNAME, build_world, leaks, text_leaks


def test_anonymous_photos_name_nobody(app, member, other_member, moderator, store):
    world = build_world(member, other_member, moderator)
    author = world.author
    for post in (world.opening, world.anon_reply, world.t2_anon):
        photo = uploads.store_photo(author, photos.phone_jpeg(), "The view from our window")
        uploads.attach(author, post, [photo])
    db.session.commit()
    names = [n for u in db.session.scalars(select(Upload)) for n in u.names]
    for name in names:
        assert USERNAME not in name and str(ANON_ID) not in name and "zephyrine" not in name
        assert photos.carries_nothing(store.get(name)) == []
    pages = [f"/t/{world.t1.id}", f"/t/{world.t2.id}", f"/t/{world.t1.id}?page=2"]
    readers = {
        "visitor": app.test_client(),
        "member": signed_in(app, world.viewer),
        "moderator": signed_in(app, world.moderator),
    }
    for who, browser in readers.items():
        for page in pages:
            response = browser.get(page)
            assert response.status_code == 200
            assert leaks(app, response) == [], (who, page)
            for path in re.findall(r'(?:src|href)="(/images/[^"]+)"', response.text):
                served = browser.get(path)
                assert served.status_code == 200, path
                for header, value in served.headers.items():
                    assert text_leaks(value, f"header {header}") == [], (who, path)
                for token in (USERNAME, DISPLAY_NAME, str(ANON_ID)):
                    assert token.encode() not in served.data
                assert photos.carries_nothing(served.data) == []
    queue_page = readers["moderator"].get("/mod/")
    assert leaks(app, queue_page) == []
    # The API shows the same photos by the same random keys, and no more.
    answer = app.test_client().get(f"/api/v1/threads/{world.t1.id}?from=1&limit=50")
    assert answer.status_code == 200 and leaks(app, answer) == []
    shown = {photo["url"] for post in answer.json["posts"] for photo in post["photos"]}
    assert shown and shown <= {f"/images/{name}" for name in names}


def test_an_anonymous_post_never_shows_her_profile_picture(
    app, member, other_member, moderator, store
):
    world = build_world(member, other_member, moderator)
    browser = signed_in(app, world.author)
    world.author.created_at = world.author.created_at.replace(year=2025)
    db.session.commit()
    response = browser.post(
        "/settings/picture", data={"picture": (io.BytesIO(photos.phone_jpeg()), "me.jpg")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302
    key = db.session.get(type(world.author), ANON_ID).avatar_key
    for page in (f"/t/{world.t1.id}", f"/t/{world.t3.id}", f"/t/{world.t2.id}", "/"):
        assert key not in app.test_client().get(page).text
        assert key not in signed_in(app, world.viewer).get(page).text
