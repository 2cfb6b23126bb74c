"""The search pages as a member or visitor uses them: results, filters, pages, bad input, and
similar threads on the start-a-thread page, with and without JavaScript."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from forum.database import db, utcnow
from forum.models import Post, Thread
from forum.services import blocking, moderation_actions, posting
from tests import factories


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.text
    return response.get_data(as_text=True)


def results(html: str) -> list[str]:
    """The thread titles of the results shown, in order."""
    return re.findall(
        r'<li class="result">\s*<a class="thread-title"[^>]*><bdi>([^<]+)</bdi></a>', html
    )


def test_a_search_shows_title_category_date_author_and_a_marked_snippet(app, client, member):
    thread = factories.thread(
        member, title="Drop-off tears", body="I feel so guilty leaving her at daycare each morning.",
        category_slug="childcare",
    )  # fmt: skip
    html = page(client, "/search?q=guilty+daycare")
    assert results(html) == ["Drop-off tears"]
    post = factories.opening_post(thread)
    assert f'href="/p/{post.id}"' in html
    assert 'href="/c/childcare">Childcare</a>' in html
    assert "<time datetime=" in html and 'href="/u/hannah"><bdi>hannah</bdi></a>' in html
    assert "so <mark>guilty</mark> leaving her at <mark>daycare</mark> each" in html
    assert "1 post found" in html
    assert 'value="guilty daycare"' in html  # the query is kept in the box


def test_the_snippet_never_carries_the_posts_markup(app, client, member):
    factories.thread(
        member, title="Markup test",
        body='Bedtime <img src=x onerror=alert(1)> <b>bold</b> [link](javascript:alert(1)) **strong**',
    )  # fmt: skip
    html = page(client, "/search?q=bedtime")
    snippet = re.search(r'<p class="snippet">(.*?)</p>', html, re.S).group(1)
    assert re.findall(r"<[^>]+>", snippet) == ["<mark>", "</mark>"]
    assert "&lt;img" in snippet and "<img src=x" not in html and 'href="javascript:' not in html


def test_a_content_note_keeps_the_text_folded_in_results(app, client, member):
    posting.start_thread(
        member, factories.category(), "Hard news", "The scan showed no heartbeat.",
        content_note="pregnancy loss",
    )  # fmt: skip
    db.session.commit()
    html = page(client, "/search?q=heartbeat")
    assert results(html) == ["Hard news"]
    assert "Content note: <bdi>pregnancy loss</bdi>" in html and "heartbeat</mark>" not in html


@pytest.mark.parametrize("action", ["hide", "remove", "delete"])
def test_text_of_posts_nobody_may_read_never_reaches_results(
    app, client, member, other_member, moderator, action
):
    thread = factories.thread(member, title="Pickup times", body="Daycare pickup is at five.")
    hidden = factories.reply(other_member, thread, "Daycare secret: zanzibar marmalade.")
    if action == "delete":
        posting.delete_post(other_member, hidden)
    else:
        getattr(moderation_actions, f"{action}_post")(moderator, hidden, "Not kind")
    db.session.commit()
    for url in ("/search?q=daycare", "/search?q=zanzibar", "/search?q=%22daycare+secret%22"):
        html = page(client, url)
        assert "marmalade" not in html and "secret:" not in html.replace("daycare+secret", "")
    assert results(page(client, "/search?q=daycare")) == ["Pickup times"]


def test_posts_of_a_blocked_member_are_folded_as_on_thread_pages(
    app, client, login, member, other_member
):
    thread = factories.thread(member, title="Weaning", body="Purees or finger food?")
    factories.reply(other_member, thread, "Finger food worked for us.")
    blocking.block(member, other_member)
    db.session.commit()
    login(member)
    html = page(client, "/search?q=finger+food")
    assert html.count("You blocked this member") == 1
    assert '<details class="folded">' in html


# Bad input


BAD_QUERIES = ['"', "*", "AND", "NEAR(", "'; DROP", "%", "x" * 1_000, "a\x00b", '"unbalanced',
               "OR OR", "title:guilt", "-", "^", "NOT", "(((", "\\", "💛", " "]  # fmt: skip


@pytest.mark.parametrize("typed", BAD_QUERIES)
def test_any_query_gives_a_kind_page_never_an_error(app, client, member, typed):
    factories.thread(member, title="Near the end of leave", body="AND it is hard. title: guilt")
    response = client.get("/search", query_string={"q": typed})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "fts5" not in html.lower() and "syntax" not in html.lower()
    assert "went wrong" not in html
    assert "post found" in html or "posts found" in html or 'class="empty"' in html


def test_an_empty_query_invites_some_words(app, client):
    assert "Type a few words above" in page(client, "/search")
    assert "Type a few words above" in page(client, "/search?q=+++")


def test_a_query_of_only_punctuation_says_so(app, client):
    assert "couldn't find words to search for" in page(client, "/search?q=%22*%25(")


def test_a_long_query_is_cut_and_the_page_says_so(app, client, member):
    factories.thread(member, title="Sleep", body="sleep " * 5)
    html = page(client, "/search?q=" + "sleep+" * 300)
    assert "we looked for its first 200 characters" in html
    assert results(html) == ["Sleep"]


@pytest.mark.parametrize("number", ["abc", "-1", "0", "2.5", "1e3", "99999999999999999999999", ""])
def test_any_page_number_gives_a_page(app, client, member, number):
    factories.thread(member, title="Sleep", body="sleep")
    assert results(page(client, f"/search?q=sleep&page={number}")) == ["Sleep"]


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("since=2026-13-45", "search-since", "Please give a date like"),
        ("until=yesterday", "search-until", "Please give a date like"),
        ("since=0001-01-01", "search-since", "between 2000 and 2999"),
        ("until=9999-12-31", "search-until", "between 2000 and 2999"),
        ("since=2026-05-02&until=2026-05-01", "search-until", "before the first one"),
        ("category=no-such-place", "category", "We don&#39;t have that category"),
        ("since=%00", "search-since", "Please give a date like"),
    ],
)
def test_bad_filters_are_a_400_with_the_message_at_the_field(app, client, query, field, message):
    html = page(client, f"/search?q=guilt&{query}", status=400)
    assert re.search(rf'<p class="error" id="{field}-error">[^<]*{message}', html)
    assert 'value="guilt"' in html and '<details class="search-filters" open>' in html


# Filters and pages


def test_filters_by_category_and_date_through_the_address(app, client, member):
    factories.thread(member, title="Bottles at work", body="Bottles.")
    old = factories.thread(
        member, title="Bottles at nursery", body="Bottles, again.", category_slug="childcare"
    )
    db.session.execute(
        update(Post)
        .where(Post.thread_id == old.id)
        .values(created_at=utcnow() - timedelta(days=40))
    )
    db.session.commit()
    today = utcnow().date()
    assert results(page(client, "/search?q=bottles&category=childcare")) == ["Bottles at nursery"]
    assert results(page(client, f"/search?q=bottles&since={today}")) == ["Bottles at work"]
    until = today - timedelta(days=30)
    assert results(page(client, f"/search?q=bottles&until={until}")) == ["Bottles at nursery"]
    assert len(results(page(client, "/search?q=bottles&category="))) == 2


def test_twenty_a_page_with_links_that_keep_the_search(app, client, member):
    thread = factories.thread(member, title="Roll call", body="Tired parents, sound off.")
    for n in range(24):
        posting.reply(member, thread, f"Tired parent {n} checking in.", kindness_confirmed=True)
    db.session.commit()
    first = page(client, "/search?q=tired&category=back-to-work")
    assert len(results(first)) == 20 and "25 posts found · page 1 of 2" in first
    link = re.search(r'<a href="([^"]+)" aria-label="Page 2">', first).group(1)
    assert "q=tired" in link and "category=back-to-work" in link
    second = page(client, link.replace("&amp;", "&"))
    assert len(results(second)) == 5 and "page 2 of 2" in second


def test_there_is_no_author_filter(app, client, member, other_member):
    thread = factories.thread(member, title="Night feeds", body="Night feeds again.")
    factories.reply(other_member, thread, "Night feeds here too.")
    plain = results(page(client, "/search?q=night+feeds"))
    for extra in ("author=priya", "author_id=2", "user=priya", "by=priya", "q2=priya"):
        assert results(page(client, f"/search?q=night+feeds&{extra}")) == plain


def test_the_header_has_a_search_box_on_every_page(app, client):
    html = page(client, "/")
    assert re.search(
        r'<form class="site-search" method="get" action="/search" role="search">', html
    )
    assert '<input type="search" id="site-search-q" name="q"' in html
    assert 'for="site-search-q">Search Blossom</label>' in html


# Similar threads


@pytest.fixture
def existing(member):
    titles = ["Guilt about daycare drop-offs", "Daycare guilt, week two", "Sleep regression help"]
    return [factories.thread(member, title=title) for title in titles]


def test_the_title_asks_for_similar_threads_as_it_is_typed(app, client, login, member):
    login(member)
    html = page(client, "/new")
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', html).group(0)
    assert 'hx-get="/search/similar"' in title_input
    assert 'hx-target="#similar"' in title_input and "delay:" in title_input
    assert '<div id="similar" aria-live="polite"></div>' in html
    assert '<button class="button button-quiet" type="submit" name="similar" value="1"' in html


def test_the_similar_threads_fragment_lists_up_to_five(app, client, member, existing):
    response = client.get("/search/similar?title=feeling+guilty+at+daycare",
                          headers={"HX-Request": "true"})  # fmt: skip
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Threads like yours" in html
    titles = re.findall(r'class="thread-title"[^>]*>(?:<bdi>)?([^<]+)<', html)
    assert sorted(titles) == ["Daycare guilt, week two", "Guilt about daycare drop-offs"]
    for n in range(6):
        factories.thread(member, title=f"Daycare question {n}")
    html = page(client, "/search/similar?title=daycare")
    assert len(re.findall(r'class="thread-title"', html)) == 5


def test_the_fragment_is_quiet_when_nothing_is_typed_and_kind_when_nothing_matches(app, client):
    assert page(client, "/search/similar?title=").strip() == ""
    assert page(client, "/search/similar").strip() == ""
    assert "No threads like this one yet" in page(client, "/search/similar?title=zebra+crossing")
    for typed in ('"', "NEAR(", "%00", "x" * 2_000):
        page(client, f"/search/similar?title={typed}")


def test_without_javascript_the_button_shows_similar_threads_and_keeps_everything_typed(
    app, client, login, member, existing
):
    login(member)
    threads_before = db.session.scalar(select(func.count(Thread.id)))
    form = {
        "category": "childcare", "title": "Guilty at daycare", "body": "Every morning I *cry*.",
        "content_note": "tears", "anonymous": "y", "similar": "1",
    }  # fmt: skip
    response = client.post("/new", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Threads like yours" in html and "Guilt about daycare drop-offs" in html
    assert 'value="Guilty at daycare"' in html and "Every morning I *cry*.</textarea>" in html
    assert 'value="tears"' in html and re.search(r'<input[^>]*checked[^>]*name="anonymous"', html)
    assert '<option selected value="childcare">' in html
    assert db.session.scalar(select(func.count(Thread.id))) == threads_before
    started = client.post("/new", data={k: v for k, v in form.items() if k != "similar"})
    assert started.status_code == 302
    assert db.session.scalar(select(func.count(Thread.id))) == threads_before + 1


def test_the_button_with_an_empty_title_says_nothing_is_wrong(app, client, login, member):
    login(member)
    response = client.post("/new", data={"category": "childcare", "title": "", "similar": "1"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Threads like yours" not in html and 'class="error"' not in html
