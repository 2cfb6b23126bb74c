"""Photos through the forms, the store and back out: on both stores, through the real pipeline."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from forum import queue
from forum.database import db, utcnow
from forum.models import Post, Thread, Upload
from forum.services import data_download, moderation_actions, posting, privacy, sessions, uploads
from forum.services.categories import create_default_categories
from tests import factories
from tests.helpers import make_app, signed_in
from tests.images import photos
from tests.images.conftest import seasoned

TITLE = "The first smile I nearly missed"
BODY = "She smiled at the childminder first, and I was at my desk. Here she is."


def thread_form(**extra):
    return {"category": "back-to-work", "title": TITLE, "body": BODY, **extra}


def start_with(browser, *files, **extra):
    data = thread_form(**extra)
    for number, (name, content) in enumerate(files, start=1):
        data[f"photo_{number}"] = (io.BytesIO(content), name)
    return browser.post("/new", data=data, content_type="multipart/form-data")


def picture_paths(page: str) -> list[str]:
    return re.findall(r'src="(/images/[^"]+)"', page)


def test_an_anonymous_photo_comes_back_with_no_trace_of_where_or_by_whom(app, store):
    member = seasoned("marisol")
    browser = signed_in(app, member)
    response = start_with(
        browser, ("IMG_0042.JPG", photos.phone_jpeg()), anonymous="y",
        alt_1="My daughter asleep on the nursery mat",
    )  # fmt: skip
    assert response.status_code == 302, response.text
    page = browser.get(response.headers["Location"]).text
    [thumb] = picture_paths(page)
    assert 'alt="My daughter asleep on the nursery mat"' in page
    assert 'loading="lazy"' in page and 'width="760" height="570"' in page
    upload = db.session.scalars(select(Upload)).one()
    assert upload.post.anonymous
    for text in (thumb, upload.key, *upload.names):
        assert "marisol" not in text and str(member.id) not in text.split(".")[0].split("-")
        assert "IMG_0042" not in text
    visitor = app.test_client()
    for path in (thumb, thumb.replace("-s.webp", ".webp")):
        served = visitor.get(path)
        assert served.status_code == 200
        assert photos.carries_nothing(served.data) == []
        assert served.headers["Content-Type"] == "image/webp"
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.headers["Content-Disposition"] == 'inline; filename="picture.webp"'
        assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Set-Cookie" not in served.headers
    for name in upload.names:  # what is stored carries nothing either
        assert photos.carries_nothing(store.get(name)) == []
    # Signed in, a public picture may still be cached: it is the same for everyone.
    assert browser.get(thumb).headers["Cache-Control"].startswith("public")


def test_photos_of_a_hidden_post_reach_moderators_only_and_are_never_cached(app, store):
    member = seasoned("marisol")
    moderator = factories.member("morgan", role="moderator")
    response = start_with(signed_in(app, member), ("a.jpg", photos.phone_jpeg()))
    assert response.status_code == 302
    post = db.session.scalars(select(Post)).one()
    path = f"/images/{post.images[0]['key']}-s.webp"
    moderation_actions.hide_post(moderator, post, "Shows a school badge")
    db.session.commit()
    assert app.test_client().get(path).status_code == 404
    assert signed_in(app, member).get(path).status_code == 404
    staff = signed_in(app, moderator)
    served = staff.get(path)
    assert served.status_code == 200 and served.headers["Cache-Control"] == "private, no-store"
    queue_page = staff.get("/mod/").text
    assert path in queue_page or path in staff.get(f"/mod/posts/{post.id}").text


def test_deleting_the_post_deletes_its_files(app, store):
    member = seasoned("marisol")
    browser = signed_in(app, member)
    start_with(browser, ("a.jpg", photos.phone_jpeg()), ("b.png", photos.png_with_text()))
    post = db.session.scalars(select(Post)).one()
    names = [n for u in db.session.scalars(select(Upload)) for n in u.names]
    assert len(names) == 4 and all(store.get(n) for n in names)
    assert browser.post(f"/p/{post.id}/delete").status_code == 302
    queue.run_waiting()
    assert all(store.get(n) is None for n in names)
    assert db.session.scalars(select(Upload)).all() == []


def test_deleting_the_account_deletes_her_files(app, store):
    member = seasoned("marisol")
    browser = signed_in(app, member)
    start_with(browser, ("a.jpg", photos.phone_jpeg()))
    upload = db.session.scalars(select(Upload)).one()
    names = upload.names
    privacy.delete_account(db.session.get(type(member), member.id), factories.PASSWORD, False)
    db.session.commit()
    queue.run_waiting()
    assert all(store.get(n) is None for n in names)


def test_a_photo_never_attached_is_swept_after_a_day(app, store):
    member = seasoned("marisol")
    browser = signed_in(app, member)
    response = start_with(browser, ("a.jpg", photos.phone_jpeg()), title="")  # title missing
    assert response.status_code == 400
    upload = db.session.scalars(select(Upload)).one()
    assert upload.post_id is None
    assert uploads.sweep_uploads.call_local() == 0  # not yet a day
    upload.created_at = utcnow() - timedelta(hours=25)
    names = upload.names
    db.session.commit()
    assert uploads.sweep_uploads.call_local() == 1
    queue.run_waiting()
    assert all(store.get(n) is None for n in names)
    assert db.session.scalars(select(Upload)).all() == []


def test_a_form_sent_back_keeps_the_typed_text_and_the_photo(app, store):
    member = seasoned("marisol")
    browser = signed_in(app, member)
    response = start_with(browser, ("a.jpg", photos.phone_jpeg()), title="Hi", alt_1="Her hand")
    assert response.status_code == 400
    assert BODY in response.text and "Kept from before" in response.text
    key = db.session.scalars(select(Upload.key)).one()
    assert f'value="{key}"' in response.text
    response = browser.post(
        "/new", data=thread_form(kept_1=key, alt_1="Her hand in mine"),
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302, response.text
    post = db.session.scalars(select(Post)).one()
    assert [i["alt"] for i in post.images] == ["Her hand in mine"]
    # Someone else's key is no use to anyone.
    other = seasoned("priya")
    response = signed_in(app, other).post(
        "/new", data=thread_form(kept_1=key), content_type="multipart/form-data"
    )
    assert response.status_code == 400 and "pick it again" in response.text


@pytest.mark.parametrize("name", list(photos.BAD))
def test_every_bad_file_gets_a_message_at_its_field_and_nothing_is_kept(app, store, name):
    member = seasoned("marisol")
    filename, data, words = photos.bad_file(name)
    response = start_with(signed_in(app, member), (filename, data))
    assert response.status_code == 400
    assert words in response.text.replace("&#39;", "'")
    assert 'id="photo_1-error"' in response.text
    assert BODY in response.text and TITLE in response.text
    assert db.session.scalars(select(Upload)).all() == []
    assert db.session.scalars(select(Thread)).all() == []


def test_other_forms_keep_the_small_limit(app, store):
    member = seasoned("marisol")
    response = signed_in(app, member).post(
        "/settings", data={"display_name": "Marisol", "bio": "x" * 2_000_000},
    )  # fmt: skip
    assert response.status_code == 413


def test_words_too_long_to_read_with_a_photo_get_the_kind_413(app, store):
    member = seasoned("marisol")
    browser = signed_in(app, member)
    response = start_with(browser, ("a.jpg", photos.phone_jpeg()), body="x" * 2_000_000)
    assert response.status_code == 413
    assert "too much to send at once" in response.text.replace("&#39;", "'")


def test_a_photo_over_the_size_limit_is_told_at_its_field(app, store):
    member = seasoned("marisol")
    before = app.config["IMAGE_MAX_BYTES"]
    app.config["IMAGE_MAX_BYTES"] = 50_000
    try:
        response = start_with(signed_in(app, member), ("big.jpg", photos.phone_jpeg()))
    finally:
        app.config["IMAGE_MAX_BYTES"] = before
    assert response.status_code == 400 and "too large to take" in response.text
    assert BODY in response.text


def test_a_request_over_the_whole_limit_keeps_her_words(app, store):
    member = seasoned("marisol")
    browser = signed_in(app, member)
    before = app.config["PHOTO_REQUEST_MAX"]
    app.config["PHOTO_REQUEST_MAX"] = 60_000
    try:
        response = start_with(browser, ("big.jpg", photos.phone_jpeg()))
    finally:
        app.config["PHOTO_REQUEST_MAX"] = before
    assert response.status_code == 413
    assert BODY in response.text and "too large" in response.text
    assert db.session.scalars(select(Upload)).all() == []


def test_new_accounts_wait_a_day_for_photos(app, store):
    member = factories.member("newcomer")
    response = start_with(signed_in(app, member), ("a.jpg", photos.phone_jpeg()))
    assert response.status_code == 400 and "a day old" in response.text
    assert BODY in response.text
    assert db.session.scalars(select(Upload)).all() == []


def test_a_reply_with_a_photo_behind_a_content_note(app, store):
    member = seasoned("marisol")
    thread = factories.thread(factories.member("hannah"))
    browser = signed_in(app, member)
    response = browser.post(
        f"/t/{thread.id}/reply",
        data={"body": "This was the scan.", "content_note": "pregnancy loss", "kindness_confirmed": "y",
              "photo_1": (io.BytesIO(photos.heic()), "IMG_1.HEIC")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302, response.text
    page = app.test_client().get(f"/t/{thread.id}").text
    folded = page.split('<details class="content-note">', 1)[1].split("</details>", 1)[0]
    assert "/images/" in folded and 'loading="lazy"' in folded


def test_her_data_download_holds_her_pictures(app, store):
    member = seasoned("marisol")
    browser = signed_in(app, member)
    start_with(browser, ("a.jpg", photos.phone_jpeg()), alt_1="The nursery door")
    upload = db.session.scalars(select(Upload)).one()
    data = data_download.export_data(db.session.get(type(member), member.id), factories.PASSWORD)
    [image] = data["images"]
    assert image["alt_text"] == "The nursery door" and image["post_id"] == upload.post_id
    assert image["file"].startswith("data:image/webp;base64,")


def test_a_profile_picture_shows_on_named_posts_and_never_on_anonymous_ones(app, store):
    member = seasoned("marisol")
    browser = signed_in(app, member)
    response = browser.post(
        "/settings/picture", data={"picture": (io.BytesIO(photos.phone_jpeg()), "me.jpg")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302, response.text
    key = db.session.get(type(member), member.id).avatar_key
    served = app.test_client().get(f"/images/{key}.webp")
    assert served.status_code == 200 and photos.carries_nothing(served.data) == []
    named = factories.thread(member, title="Named words from me")
    anonymous = factories.thread(member, title="Quiet words from me", anonymous=True)
    assert key in app.test_client().get(f"/t/{named.id}").text
    assert key not in app.test_client().get(f"/t/{anonymous.id}").text
    response = browser.post(
        "/settings/picture", data={"picture": (io.BytesIO(b""), "empty.jpg")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 400 and "empty" in response.text
    # A new picture, then none: visitors' cached pages follow at once.
    response = browser.post(
        "/settings/picture", data={"picture": (io.BytesIO(photos.phone_jpeg()), "me2.jpg")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302, response.text
    newer = db.session.get(type(member), member.id).avatar_key
    page = app.test_client().get(f"/t/{named.id}").text
    assert newer in page and key not in page
    assert browser.post("/settings/picture", data={"remove": "1"}).status_code == 302
    assert newer not in app.test_client().get(f"/t/{named.id}").text
    queue.run_waiting()
    assert app.test_client().get(f"/images/{key}.webp").status_code == 404
    assert store.get(f"{key}.webp") is None


@pytest.mark.parametrize("name", ["nothing", "../../secret_key", "x.webp", "a" * 22 + ".html"])
def test_names_that_are_not_pictures_are_404(app, store, name):
    assert app.test_client().get(f"/images/{name}").status_code == 404


def test_posting_service_refuses_someone_else_s_photo(app, store):
    member, other = seasoned("marisol"), seasoned("priya")
    upload = uploads.store_photo(other, photos.phone_jpeg(), "")
    db.session.commit()
    with pytest.raises(uploads.UploadRefused):
        posting.start_thread(member, factories.category(), TITLE, BODY, photos=[upload])


def test_an_oversized_form_still_needs_its_token(tmp_path):
    """Read again after the 413, the form is checked for its CSRF token as any other."""
    protected = make_app(
        f"sqlite:///{tmp_path}/csrf.db", WTF_CSRF_ENABLED=True, PHOTO_REQUEST_MAX=60_000,
        IMAGE_FOLDER=str(tmp_path / "images"),
    )  # fmt: skip
    with protected.app_context():
        db.create_all()
        create_default_categories()
        member = seasoned("marisol")
        sessions.start(member, "pytest")
        db.session.commit()
        client = protected.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = member.get_id()
            session["_fresh"] = True
        page = client.get("/new").text
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        for sent, status in ((None, 413), ("forged", 413), (token, 413)):
            data = thread_form(photo_1=(io.BytesIO(photos.phone_jpeg()), "big.jpg"))
            if sent:
                data["csrf_token"] = sent
            response = client.post("/new", data=data, content_type="multipart/form-data")
            assert response.status_code == status
            assert BODY in response.text
            # Only a form with its token is answered as the form, with the message at the photos.
            assert ('id="photos-error"' in response.text) == (sent == token)
        assert db.session.scalars(select(Thread)).all() == []
        db.engine.dispose()


def test_a_deleted_account_s_anonymous_photos_go_at_their_post_s_own_moment(app, store):
    """Letting them go with her named ones would tell which anonymous posts were hers."""
    member = seasoned("marisol")
    thread = factories.thread(factories.member("hannah"))
    named = uploads.store_photo(member, photos.phone_jpeg(), "")
    hidden = uploads.store_photo(member, photos.phone_jpeg(), "")
    posting.reply(member, thread, "Named, with a photo.", photos=[named], kindness_confirmed=True)
    quiet = posting.reply(
        member, thread, "Anonymous, with a photo.", anonymous=True, photos=[hidden],
        kindness_confirmed=True,
    )  # fmt: skip
    db.session.commit()
    named_names, hidden_names = named.names, hidden.names
    privacy.delete_account(member, factories.PASSWORD, keep_posts=False)
    db.session.commit()
    queue.run_waiting()
    assert all(store.get(n) is None for n in named_names)
    assert all(store.get(n) for n in hidden_names)  # still there, as its post is
    assert app.test_client().get(f"/images/{hidden.key}.webp").status_code == 200
    quiet = db.session.get(Post, quiet.id)
    quiet.remove_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert privacy.remove_due_posts() == 1
    db.session.commit()
    queue.run_waiting()
    assert all(store.get(n) is None for n in hidden_names)
    assert app.test_client().get(f"/images/{hidden_names[0]}").status_code == 404


def test_editing_takes_a_photo_off_and_adds_another(app, store):
    member = seasoned("marisol")
    browser = signed_in(app, member)
    start_with(browser, ("a.jpg", photos.phone_jpeg()), ("b.jpg", photos.phone_jpeg()))
    post = db.session.scalars(select(Post)).one()
    first, second = (image["key"] for image in post.images)
    page = browser.get(f"/p/{post.id}/edit").text
    assert f'value="{first}"' in page and 'enctype="multipart/form-data"' in page
    response = browser.post(
        f"/p/{post.id}/edit",
        data={"title": TITLE, "body": BODY, "remove_photo": first, "alt_1": "The new one",
              "photo_1": (io.BytesIO(photos.png_with_text()), "c.png")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 302, response.text
    db.session.expire_all()
    post = db.session.get(Post, post.id)
    assert [i["key"] for i in post.images][0] == second
    assert [i["alt"] for i in post.images] == ["", "The new one"]
    queue.run_waiting()
    assert store.get(f"{first}.webp") is None
    assert app.test_client().get(f"/images/{first}.webp").status_code == 404
    # Four is the most a post holds: a fifth is told, and her words stay.
    five = {f"photo_{n}": (io.BytesIO(photos.phone_jpeg(300, 200)), f"{n}.jpg") for n in (1, 2, 3)}
    response = browser.post(
        f"/p/{post.id}/edit", data={"title": TITLE, "body": BODY + " More.", **five},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert response.status_code == 400 and "up to 4 photos" in response.text
    assert BODY + " More." in response.text and "Kept from before" in response.text


def test_words_that_read_as_a_crisis_are_never_held_back_by_a_photo(app, store):
    """Crisis first: a refused photo doesn't keep her words off the forum."""
    member = factories.member("newcomer")  # too new for photos
    browser = signed_in(app, member)
    words = "Some nights I feel everyone would be better off without me."
    response = start_with(browser, ("a.jpg", photos.phone_jpeg()), body=words)
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).text
    assert "better off without me" in page and "Some photos couldn" in page.replace("&#39;", "'")
    assert db.session.scalars(select(Thread)).one()
    assert db.session.scalars(select(Upload)).all() == []


def test_crisis_words_sent_with_too_much_at_once_reach_her_post(app, store):
    """Past the whole request's limit, words that read as a crisis still go up, and she is taken
    to them and their support lines, not left on a bare refusal."""
    member = seasoned("marisol")
    browser = signed_in(app, member)
    words = "Some nights I feel everyone would be better off without me."
    before = app.config["PHOTO_REQUEST_MAX"]
    app.config["PHOTO_REQUEST_MAX"] = 60_000
    try:
        response = start_with(browser, ("big.jpg", photos.phone_jpeg()), body=words)
    finally:
        app.config["PHOTO_REQUEST_MAX"] = before
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).text
    assert "better off without me" in page
    assert db.session.scalars(select(Thread)).one()
