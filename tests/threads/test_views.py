from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select, update

from forum.database import db, utcnow
from forum.models import Post, Thread
from tests import factories


def test_home_lists_categories_with_counts_and_latest_threads(client, member):
    factories.thread(member, title="Pumping at work, any tips?", replies=2)
    page = client.get("/")
    assert page.status_code == 200
    html = page.text
    for name in ["Back to work", "Missed milestones", "Childcare", "Partner &amp; family",
                 "Postpartum feelings", "Small wins"]:  # fmt: skip
        assert name in html
    assert "1 thread" in html
    assert "Pumping at work, any tips?" in html
    assert "2 replies" in html


def test_home_without_threads_invites_the_first(client):
    assert "Yours could be the first" in client.get("/").text


def test_category_lists_pinned_first_then_latest_activity(client, member):
    old = factories.thread(member, title="An older conversation")
    new = factories.thread(member, title="A newer conversation")
    pinned = factories.thread(member, title="Pinned welcome thread")
    db.session.execute(
        update(Thread)
        .where(Thread.id == pinned.id)
        .values(pinned=True, last_post_at=utcnow() - timedelta(days=30))
    )
    factories.reply(member, old)  # activity brings it above "newer"
    html = client.get("/c/back-to-work").text
    order = [html.index(t) for t in ("Pinned welcome", "An older", "A newer")]
    assert order == sorted(order)
    assert '<span class="tag">Pinned</span>' in html
    assert html.count('<span class="tag">Pinned</span>') == 1  # only the pinned thread says so
    assert "A newer conversation" in html and new.id


def test_category_pages_hold_25_threads(client, member, app):
    for number in range(30):
        posting_title = f"Thread number {number:02d}"
        factories.thread(member, title=posting_title)
    first = client.get("/c/back-to-work").text
    second = client.get("/c/back-to-work?page=2").text
    assert first.count('class="thread-row"') == 25
    assert second.count('class="thread-row"') == 5
    assert 'aria-label="Page 2"' in first
    assert client.get("/c/back-to-work?page=3").status_code == 404


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1.5", "", "%00"])
def test_odd_page_numbers_show_the_first_page(client, member, page):
    thread = factories.thread(member)
    for url in (f"/t/{thread.id}?page={page}", f"/c/back-to-work?page={page}"):
        response = client.get(url)
        assert response.status_code == 200, url


def test_unknown_category_and_thread_are_kind_404s(client):
    for url in ("/c/nope", "/t/999999", "/t/abc", "/t/1?page=99999"):
        response = client.get(url)
        assert response.status_code == 404
        assert "couldn't find that page" in unescape(response.text)


def test_thread_page_shows_posts_by_position_20_a_page(client, member, other_member):
    thread = factories.thread(member, replies=44, replier=other_member)
    first = client.get(f"/t/{thread.id}").text
    last = client.get(f"/t/{thread.id}?page=3").text
    assert first.count('<article class="post') == 20
    assert 'id="p1"' in first and 'id="p20"' in first and 'id="p21"' not in first
    assert last.count('<article class="post') == 5
    assert 'id="p45"' in last
    assert 'rel="next"' in first and 'rel="prev"' in last


def test_thread_page_shows_author_avatar_and_both_times(client, member):
    thread = factories.thread(member)
    html = client.get(f"/t/{thread.id}").text
    assert 'class="avatar avatar-' in html
    assert ">H<" in html  # the initial of "hannah"
    assert "/u/hannah" in html
    assert "just now" in html
    assert "UTC" in html  # the exact time, in the title of the relative one


def test_start_thread_needs_login(client):
    response = client.get("/new")
    assert response.status_code == 302
    assert "/login?next=%2Fnew" in response.headers["Location"]


def test_start_a_thread(client, member, login):
    login(member)
    form = client.get("/new?category=childcare").text
    assert '<option selected value="childcare">' in form
    response = client.post(
        "/new",
        data={
            "category": "childcare",
            "title": "  Nursery drop-off guilt  ",
            "body": "**Hard** day.",
        },
    )
    assert response.status_code == 302
    thread = db.session.scalars(select(Thread)).one()
    assert thread.title == "Nursery drop-off guilt"
    assert thread.post_count == 1 and thread.reply_count == 0
    assert thread.category.slug == "childcare" and thread.category.thread_count == 1
    assert member.thread_count == 1 and member.post_count == 1
    page = client.get(response.headers["Location"]).text
    assert "<strong>Hard</strong> day." in page


@pytest.mark.parametrize(
    ("title", "body", "category", "message"),
    [
        ("Hi", "A body", "childcare", "at least 5 characters"),
        ("x" * 151, "A body", "childcare", "151 characters; it can be up to 150"),
        ("   ", "A body", "childcare", "Give your thread a title"),
        ("A fine title", "   \n  ", "childcare", "Write a few words first"),
        ("A fine title", "y" * 20_001, "childcare", "20,001 characters; it can be up to 20,000"),
        ("A fine title", "A body", "no-such-category", "Choose where your thread belongs"),
        ("A fine title", "A body", "", "Choose where your thread belongs"),
    ],
)
def test_start_thread_refuses_bad_input_and_keeps_the_text(
    client, member, login, title, body, category, message
):
    login(member)
    response = client.post("/new", data={"category": category, "title": title, "body": body})
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert f'value="{title}"' in response.text or not title.strip()
    if body.strip():
        assert body[:200] in response.text
    assert db.session.scalar(select(Thread.id)) is None
    assert db.session.scalar(select(Post.id)) is None


def test_start_thread_with_missing_fields_is_a_400_not_a_500(client, member, login):
    login(member)
    assert client.post("/new", data={}).status_code == 400


def test_nul_and_control_characters_are_dropped(client, member, login):
    login(member)
    response = client.post(
        "/new",
        data={
            "category": "childcare",
            "title": "Nul\x00 in title",
            "body": "Body\x00 with\x07 nul",
        },
    )
    assert response.status_code == 302
    thread = db.session.scalars(select(Thread)).one()
    assert thread.title == "Nul in title"
    assert factories.opening_post(thread).body_markdown == "Body with nul"
