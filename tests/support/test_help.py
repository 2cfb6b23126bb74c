"""Help one tap away: the support lines to call or text, the way to helplines elsewhere, and the
support panel a parent can open again from her own post, with the offer to cover it."""

import re
from html import unescape

from forum.database import db
from forum.models import Post, Thread, User
from tests import factories
from tests.helpers import signed_in

CRISIS = "Honestly some nights I feel like I can't go on."


def support_again(page: str) -> str | None:
    found = re.search(r'<details class="support-again">(.*?)</details>', page, re.S)
    return unescape(found.group(1)) if found else None


def test_text_lines_can_be_texted_and_other_countries_are_pointed_elsewhere(client):
    page = client.get("/support").text
    assert 'href="tel:988"' in page and 'href="sms:988"' in page and "Text 988" in page
    assert 'href="sms:18338526262"' in page
    assert 'href="tel:911"' in page and 'href="sms:911"' not in page  # 911 takes calls
    assert 'href="https://findahelpline.com"' in page
    assert "Not in the United States? Find a free helpline in your country" in unescape(page)


def test_every_page_has_get_support_in_its_header(client, member):
    thread = factories.thread(member)
    for url in ("/", f"/t/{thread.id}", "/search?q=work", "/login", "/nope"):
        page = client.get(url).text
        header = page[page.index('<header class="site-header">') : page.index("</header>")]
        assert 'href="/support">Get support</a>' in header, url


def test_the_panel_speaks_to_her_first_then_about_her_post(app, member, other_member):
    thread = factories.thread(member)
    priya = signed_in(app, other_member)
    response = priya.post(f"/t/{thread.id}/reply", data={"body": CRISIS})
    page = unescape(priya.get(response.headers["Location"]).text)
    panel = page[page.index('<section class="crisis-panel"') :]
    panel = panel[: panel.index("</section>")]
    first = re.search(r"<p>(.*?)</p>", panel, re.S).group(1)
    assert first.startswith("You're not alone, and you don't have to carry this")
    assert panel.index("Call or text 988") < panel.index("Your post is up")


def test_her_post_offers_support_again_after_a_reload_and_to_nobody_else(
    app, member, other_member, moderator
):
    thread = factories.thread(member)
    priya = signed_in(app, other_member)
    priya.post(f"/t/{thread.id}/reply", data={"body": CRISIS, "anonymous": "y"})
    again = support_again(priya.get(f"/t/{thread.id}").text)  # a reload: no flash any more
    assert again is not None and "Call or text 988" in again and "Add a content note" in again
    assert "Make it anonymous" not in again  # it is anonymous already
    for other in (signed_in(app, member), signed_in(app, moderator), app.test_client()):
        assert support_again(other.get(f"/t/{thread.id}").text) is None
    ordinary = factories.reply(other_member, thread, "Also, my manager said yes to Fridays.")
    page = priya.get(f"/t/{thread.id}").text
    assert page.count('<details class="support-again">') == 1
    assert f'id="p{ordinary.position}"' in page


def test_she_can_make_her_post_anonymous_from_the_panel(app, member, other_member):
    thread = factories.thread(member)
    priya = signed_in(app, other_member)
    priya.post(f"/t/{thread.id}/reply", data={"body": CRISIS})
    post = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    assert other_member.post_count == 1
    assert "Make it anonymous" in support_again(priya.get(f"/t/{thread.id}").text)
    response = priya.post(f"/p/{post.id}/anonymous")
    assert response.status_code == 302
    db.session.refresh(post)
    assert post.anonymous and post.anonymous_number == 2
    assert db.session.get(User, other_member.id).post_count == 0
    seen = app.test_client().get(f"/t/{thread.id}").text
    assert "Anonymous parent 2" in seen and other_member.display_name not in seen
    profile = app.test_client().get(f"/u/{other_member.username}").text
    assert "can&#39;t go on" not in profile and "can't go on" not in profile
    assert priya.post(f"/p/{post.id}/anonymous").status_code == 302  # a second tap: no change
    assert db.session.get(User, other_member.id).post_count == 0
    assert signed_in(app, member).post(f"/p/{post.id}/anonymous").status_code == 403


def test_an_opening_post_made_anonymous_makes_its_thread_anonymous(app, member):
    hannah = signed_in(app, member)
    response = hannah.post(
        "/new",
        data={"category": "back-to-work", "title": "A very hard week", "body": CRISIS},
    )
    thread_id = int(response.headers["Location"].rsplit("/", 1)[1])
    opening = db.session.query(Post).filter_by(thread_id=thread_id, position=1).one()
    assert hannah.post(f"/p/{opening.id}/anonymous").status_code == 302
    thread = db.session.get(Thread, thread_id)
    db.session.refresh(thread)
    assert thread.anonymous and db.session.get(User, member.id).thread_count == 0
    home = app.test_client().get("/").text
    assert "A very hard week" in home and member.display_name not in home


def test_she_can_put_her_post_behind_a_content_note(app, member, other_member):
    thread = factories.thread(member)
    priya = signed_in(app, other_member)
    priya.post(f"/t/{thread.id}/reply", data={"body": CRISIS})
    post = db.session.query(Post).filter_by(thread_id=thread.id, position=2).one()
    too_long = "x" * 101
    refused = priya.post(f"/p/{post.id}/note", data={"content_note": too_long})
    assert refused.status_code == 400 and too_long in refused.text
    assert (
        priya.post(f"/p/{post.id}/note", data={"content_note": "a dark night"}).status_code == 302
    )
    seen = app.test_client().get(f"/t/{thread.id}").text
    assert "Content note: <bdi>a dark night</bdi>" in seen


def test_a_content_note_added_later_refuses_direction_changing_characters(app, member):
    thread = factories.thread(member)
    opening = factories.opening_post(thread)
    response = signed_in(app, member).post(
        f"/p/{opening.id}/note", data={"content_note": "loss\u202eesrever"}
    )
    assert response.status_code == 400 and "direction" in response.text
    db.session.refresh(opening)
    assert opening.content_note is None
