"""Posting anonymously: the labels, the author's own view, the profile numbers, and that the
author's identity reaches no page, header or fragment a member or a visitor can fetch.

The leak tests build one world around an anonymous author with a distinctive username, display
name, bio, initials and user id (73591, far from any post or thread id), then fetch every page
that can show one of their posts and look for any of those anywhere in the response.
"""

import json
import re
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import unquote

import pytest
from flask import session
from sqlalchemy import func, select, update

from forum.database import db
from forum.models import ModerationAction, Post, PostRevision, Reaction, Report, Thread, User
from forum.services import moderation, posting, reporting, support
from tests import factories
from tests.helpers import signed_in

ANON_ID = 73591
USERNAME = "zephyrine_q"
DISPLAY_NAME = "Zephyrine Quill"
BIO = "Lighthouse keeper, nights on the Larkspur ward"
INITIALS = "ZQ"
# The author's avatar: any colour class, with their initials inside.
AVATAR = re.compile(rf'class="avatar avatar-(?!anonymous)[^"]*"[^>]*>\s*{INITIALS}\s*<')
# Words that would tell another member something about who wrote an anonymous post.
TELLS = (
    "You posted this anonymously",
    "You blocked this member",
    "A reply from a member you blocked",
    "Started the thread",
)

T1_TITLE = "I don't feel what I thought I would"
T1_BODY = "Everyone says it is the best time of my life. I feel like a visitor in it."
T3_TITLE = "Nobody has asked how I am"
REVEAL_REASON = "At-risk report: checking she is safe"


def anonymous_author() -> User:
    """A member whose every trace is easy to spot: name, username, bio, initials and id."""
    user = factories.member(USERNAME, display_name=DISPLAY_NAME, bio=BIO)
    first_id = user.id
    db.session.expunge(user)
    db.session.execute(update(User).where(User.id == first_id).values(id=ANON_ID))
    db.session.commit()
    return db.session.get(User, ANON_ID)


def response_texts(app, response) -> dict[str, str]:
    """Every part of a response a browser receives, by where it is, with the session decoded."""
    body = response.get_data(as_text=True)
    texts = {"body": body, "body, unescaped": unescape(body)}
    serializer = app.session_interface.get_signing_serializer(app)
    for index, (name, value) in enumerate(response.headers.items()):
        if name.lower() == "set-cookie":
            cookie, _, rest = value.partition("=")
            raw = rest.split(";", 1)[0]
            if cookie == app.config["SESSION_COOKIE_NAME"] and raw:
                value = json.dumps(serializer.loads(raw), default=str)  # what the session holds
        texts[f"header {name} #{index}"] = value
        texts[f"header {name} #{index}, unquoted"] = unquote(value)
    return texts


def leaks(app, response, user_id: int = ANON_ID) -> list[str]:
    """What of the anonymous author this response gives away, and where."""
    found = []
    for where, text in response_texts(app, response).items():
        lowered = text.lower()
        for token in (USERNAME, DISPLAY_NAME, "zephyrine", BIO, f"{USERNAME}@example.org"):
            if token.lower() in lowered:
                found.append(f"{token!r} in {where}")
        if str(user_id) in text:  # in any form: /u/…, user-…, "…", data-…
            found.append(f"user id {user_id} in {where}")
        if AVATAR.search(text) or f">{INITIALS}<" in text:
            found.append(f"avatar initials {INITIALS} in {where}")
    return found


def tells(response) -> list[str]:
    return [t for t in TELLS if t in unescape(response.get_data(as_text=True))]


def articles(page: str) -> dict[int, str]:
    """The posts on a thread page, by position."""
    found = re.findall(r'(<article class="post[^"]*" id="p(\d+)".*?</article>)', page, re.S)
    return {int(position): block for block, position in found}


def byline(article: str) -> str:
    """Who a post is shown as: the anonymous label, or the member's name."""
    match = re.search(r'class="member"[^>]*>(?:<bdi>)?([^<]+)<', article)
    assert match, article
    return unescape(match.group(1)).strip()


@dataclass
class World:
    author: User  # posts anonymously; must never be named
    viewer: User  # priya: quoted, reacted to, reported and blocked the author
    hannah: User
    moderator: User
    t1: Thread  # anonymous, two pages, content note
    t2: Thread  # hannah's, with the author's anonymous reply marked as helping her
    t3: Thread  # anonymous, no replies yet: waiting
    opening: Post  # t1 #1
    named: Post  # t1 #2, hannah's, marked helped by the anonymous author
    anon_reply: Post  # t1 #3, edited, reported, content note
    hannah_anon: Post  # t1 #4
    quote: Post  # t1 #5, priya quoting the anonymous opening post
    late_anon: Post  # t1 #22, on page 2
    t2_anon: Post  # t2 #2
    ids: dict = field(default_factory=dict)


@pytest.fixture
def world(app, member, other_member, moderator) -> World:
    author = anonymous_author()
    hannah, priya = member, other_member
    t1 = posting.start_thread(
        author, factories.category("postpartum-feelings"), T1_TITLE, T1_BODY,
        anonymous=True, content_note="feeling numb",
    )  # fmt: skip
    db.session.commit()
    opening = factories.opening_post(t1)

    def say(who, body, **options):
        return posting.reply(who, t1, body, kindness_confirmed=True, **options)

    named = say(hannah, "I felt exactly like that for months. It does lift.")
    anon_reply = say(
        author, "Thank you. The four o'clock feeds are the worst.",
        anonymous=True, content_note="night feeds",
    )  # fmt: skip
    hannah_anon = say(hannah, "I never told anyone, but me too.", anonymous=True)
    quote = say(priya, posting.quotation(opening) + "Sending you so much warmth.")
    for number in range(16):  # positions 6 to 21
        say(hannah, f"Filler reply {number}, to push the thread to a second page.")
    late_anon = say(author, "Update: I told my midwife today.", anonymous=True)
    say(priya, "So glad you told her.")  # 23
    posting.edit_post(author, anon_reply, "Thank you. The four o'clock feeds are the hardest.")
    support.mark_helped(author, named, True)
    support.toggle_reaction(priya, opening, "hug")
    support.toggle_reaction(hannah, anon_reply, "heart")
    reporting.report_post(priya, anon_reply, "other", "Could someone gently check in on her?")
    support.block(priya, author)

    t2 = factories.thread(
        hannah, title="Nursery settling-in week", body="Day three and she still cries at the door.",
        category_slug="childcare",
    )  # fmt: skip
    t2_anon = posting.reply(
        author, t2, "Ours took a fortnight; it does get easier.", anonymous=True,
        kindness_confirmed=True,
    )  # fmt: skip
    support.mark_helped(hannah, t2_anon, True)
    t3 = posting.start_thread(
        author, factories.category("postpartum-feelings"), T3_TITLE,
        "Everyone asks about the baby.", anonymous=True, content_note="birth trauma",
    )  # fmt: skip
    db.session.commit()
    assert late_anon.position == 22 and anon_reply.position == 3
    ids = {
        "t1": t1.id, "t2": t2.id, "t3": t3.id, "opening": opening.id, "named": named.id,
        "anon_reply": anon_reply.id, "hannah_anon": hannah_anon.id, "quote": quote.id,
        "late_anon": late_anon.id, "t2_anon": t2_anon.id, "t3_opening": factories.opening_post(t3).id,
    }  # fmt: skip
    assert ANON_ID not in ids.values()
    return World(
        author, priya, hannah, moderator, t1, t2, t3,
        opening, named, anon_reply, hannah_anon, quote, late_anon, t2_anon, ids,
    )  # fmt: skip


# Every page and response that can show, quote, point at or act on an anonymous post.


@dataclass(frozen=True)
class Surface:
    path: str  # formatted with World.ids
    member: tuple  # (status, texts the response must hold) for priya, signed in
    visitor: tuple  # the same, for a visitor
    method: str = "GET"
    data: dict | None = None
    htmx: bool = False


LOGIN = (302, ["/login?next="])
LOGGED_OUT = (401, ["Please log in again"])
SURFACES = {
    "home": Surface("/", (200, [T1_TITLE, T3_TITLE, "Anonymous parent"]), (200, [T1_TITLE, T3_TITLE, "Anonymous parent"])),
    "category of the anonymous threads": Surface(
        "/c/postpartum-feelings?page=1",
        (200, [T1_TITLE, T3_TITLE, "Anonymous parent"]), (200, [T1_TITLE, T3_TITLE, "Anonymous parent"])),
    "category of the helped reply": Surface(
        "/c/childcare", (200, ["Nursery settling-in week"]), (200, ["Nursery settling-in week"])),
    "thread page 1": Surface(
        "/t/{t1}",
        (200, ["Anonymous parent (original poster)", "Anonymous parent 2", "feeds are the hardest",
               "Content note: feeling numb", "Content note: night feeds", "edited", "What helped",
               "Sending you so much warmth", "Send a hug"]),
        (200, ["Anonymous parent (original poster)", "Anonymous parent 2", "feeds are the hardest",
               "Content note: feeling numb", "edited", "🤗 1"])),
    "thread page 2": Surface(
        "/t/{t1}?page=2",
        (200, ["Anonymous parent (original poster)", "I told my midwife today"]),
        (200, ["Anonymous parent (original poster)", "I told my midwife today"])),
    "thread with the helped anonymous reply": Surface(
        "/t/{t2}",
        (200, ["What helped", "Anonymous parent 2", "it does get easier"]),
        (200, ["What helped", "Anonymous parent 2", "it does get easier"])),
    "waiting anonymous thread": Surface(
        "/t/{t3}", (200, ["Anonymous parent (original poster)", "Content note: birth trauma"]),
        (200, ["Anonymous parent (original poster)", "Content note: birth trauma"])),
    "quote of the anonymous opening post": Surface(
        "/t/{t1}/reply?quote={opening}",
        (200, ["**Anonymous parent** wrote:\n> Everyone says it is the best time"]), LOGIN),
    "quote of an anonymous reply": Surface(
        "/t/{t1}/reply?quote={anon_reply}",
        (200, ["**Anonymous parent** wrote:\n> Thank you. The four o'clock feeds are the hardest."]),
        LOGIN),
    "quote of the quote": Surface(
        "/t/{t1}/reply?quote={quote}",
        (200, ["**priya** wrote:\n> **Anonymous parent** wrote:"]), LOGIN),
    "quote on page 2": Surface(
        "/t/{t1}/reply?quote={late_anon}",
        (200, ["**Anonymous parent** wrote:\n> Update: I told my midwife today."]), LOGIN),
    "permalink of the opening post": Surface(
        "/p/{opening}", (302, ["/t/{t1}?page=1#p1"]), (302, ["/t/{t1}?page=1#p1"])),
    "permalink of an anonymous reply": Surface(
        "/p/{anon_reply}", (302, ["/t/{t1}?page=1#p3"]), (302, ["/t/{t1}?page=1#p3"])),
    "permalink on page 2": Surface(
        "/p/{late_anon}", (302, ["/t/{t1}?page=2#p22"]), (302, ["/t/{t1}?page=2#p22"])),
    "report page": Surface("/p/{anon_reply}/report", (200, ["Report a post", "feeds are the hardest"]), LOGIN),
    "sending a report": Surface(
        "/p/{anon_reply}/report", (302, ["/p/{anon_reply}"]), LOGGED_OUT, "POST",
        {"reason": "at_risk", "details": "Still worried about her"}),
    "your reports": Surface("/me/reports", (200, [f"A post in “<bdi>{T1_TITLE}</bdi>”"]), LOGIN),
    "waiting": Surface("/waiting", (200, [T3_TITLE, "Anonymous parent"]), (200, [T3_TITLE, "Anonymous parent"])),
    "support resources": Surface("/support", (200, ["Get support now"]), (200, ["Get support now"])),
    "guidelines": Surface("/guidelines", (200, ["community guidelines"]), (200, ["community guidelines"])),
    "profile of hannah": Surface("/u/hannah", (200, ["@hannah", "helped 1 parent"]), (200, ["@hannah", "helped 1 parent"])),
    "profile of priya": Surface("/u/priya", (200, ["@priya"]), (200, ["@priya"])),
    "profile of the moderator": Surface("/u/morgan", (200, ["@morgan"]), (200, ["@morgan"])),
    "reaction with htmx": Surface(
        "/p/{opening}/react/hug", (200, ['id="reactions-{opening}"', "Send a hug"]), LOGGED_OUT,
        "POST", htmx=True),
    "reaction to an anonymous reply with htmx": Surface(
        "/p/{anon_reply}/react/me_too", (200, ['id="reactions-{anon_reply}"', "Me too"]),
        LOGGED_OUT, "POST", htmx=True),
    "reaction without javascript": Surface(
        "/p/{late_anon}/react/heart", (302, ["/t/{t1}?page=2#p22"]), LOGGED_OUT, "POST"),
    "marking what helped in another's thread": Surface(
        "/p/{anon_reply}/helped", (403, ["Only the parent who started the thread"]), LOGGED_OUT,
        "POST", {"helped": "1"}),
    "search finding an anonymous reply": Surface(
        "/search?q=midwife",
        (200, ["Anonymous parent (original poster)", "told my <mark>midwife</mark> today"]),
        (200, ["Anonymous parent (original poster)", "told my <mark>midwife</mark> today"])),
    "search finding the anonymous opening post": Surface(
        "/search?q=visitor", (200, [T1_TITLE, "Anonymous parent (original poster)", "Content note: feeling numb"]),
        (200, [T1_TITLE, "Anonymous parent (original poster)", "Content note: feeling numb"])),
    "search finding the anonymous reply in another's thread": Surface(
        "/search?q=fortnight+easier&category=childcare",
        (200, ["Nursery settling-in week", "Anonymous parent 2", "<mark>fortnight</mark>"]),
        (200, ["Nursery settling-in week", "Anonymous parent 2", "<mark>fortnight</mark>"])),
    "search for the waiting anonymous thread's title": Surface(
        "/search?q=%22nobody+has+asked%22", (200, [T3_TITLE, "Content note: birth trauma"]),
        (200, [T3_TITLE, "Content note: birth trauma"])),
    "similar threads with htmx": Surface(
        "/search/similar?title=Has+nobody+asked+you", (200, ["Threads like yours", T3_TITLE, "Anonymous parent"]),
        (200, ["Threads like yours", T3_TITLE, "Anonymous parent"]), htmx=True),
    "similar threads without javascript": Surface(
        "/new", (200, ["Threads like yours", T3_TITLE, "Anonymous parent", "Has nobody asked you"]),
        LOGGED_OUT, "POST",
        {"category": "postpartum-feelings", "title": "Has nobody asked you", "similar": "1"}),
    "404 for a missing thread": Surface("/t/999999", (404, ["couldn't find"]), (404, ["couldn't find"])),
    "404 past the last page": Surface("/t/{t1}?page=3", (404, ["couldn't find"]), (404, ["couldn't find"])),
    "403 editing the anonymous post": Surface(
        "/p/{anon_reply}/edit", (403, ["only change your own posts"]), LOGIN),
    "403 sending an edit of the anonymous post": Surface(
        "/p/{opening}/edit", (403, ["only change your own posts", "Taken over"]), LOGGED_OUT, "POST",
        {"title": "Taken over", "body": "Taken over"}),
    "403 deleting the anonymous post": Surface(
        "/p/{late_anon}/delete", (403, ["only change your own posts"]), LOGIN),
    "kindness check": Surface(
        "/t/{t1}/reply", (400, ["read it once more", "Post anyway", "just get over it"]),
        LOGGED_OUT, "POST", {"body": "Honestly, just get over it."}),
    "replying anonymously": Surface(
        "/t/{t1}/reply", (302, ["/t/{t1}?page=2#p24"]), LOGGED_OUT, "POST",
        {"body": "Me too, every single night.", "anonymous": "y"}),
    "moderation queue": Surface("/mod/", (403, ["not open to you"]), LOGIN),
    "moderation page of the post": Surface("/mod/posts/{anon_reply}", (403, ["not open to you"]), LOGIN),
    "reveal": Surface(
        "/mod/posts/{anon_reply}/reveal", (403, ["not open to you"]), LOGGED_OUT, "POST",
        {"reason": "Just curious"}),
    "audit log": Surface("/mod/log", (403, ["not open to you"]), LOGIN),
    "notifications": Surface(
        "/notifications", (200, [f"Anonymous parent (original poster) replied in “{T1_TITLE}”"]), LOGIN),
    "following": Surface("/following", (200, [T1_TITLE]), LOGIN),
    "following the anonymous thread": Surface(
        "/t/{t1}/follow", (302, ["/t/{t1}"]), LOGGED_OUT, "POST", {"state": "muted"}),
    "reading every notification": Surface("/notifications/read", (302, ["/notifications"]), LOGGED_OUT, "POST"),
}  # fmt: skip


@pytest.mark.parametrize("viewer", ["member", "visitor"])
@pytest.mark.parametrize("surface", SURFACES.values(), ids=SURFACES.keys())
def test_no_page_gives_the_anonymous_author_away(app, client, login, world, surface, viewer):
    if viewer == "member":
        login(world.viewer)
        browser, (status, expected) = client, surface.member
    else:
        browser, (status, expected) = app.test_client(), surface.visitor
    path = surface.path.format(**world.ids)
    headers = {"HX-Request": "true"} if surface.htmx else {}
    response = browser.open(path, method=surface.method, data=surface.data, headers=headers)
    assert response.status_code == status, response.text
    shown = "\n".join(response_texts(app, response).values())
    for text in expected:  # the response is the page meant, showing the anonymous post
        assert text.format(**world.ids) in shown
    assert leaks(app, response) == []
    assert tells(response) == []


@pytest.mark.parametrize(
    "typed", [USERNAME, DISPLAY_NAME, "Quill", "Lighthouse keeper", str(ANON_ID)]
)
def test_searching_for_the_anonymous_author_finds_none_of_their_posts(app, client, world, typed):
    response = client.get("/search", query_string={"q": typed})
    assert response.status_code == 200
    assert '<li class="result">' not in response.text and "Nothing matched" in response.text


def test_search_results_label_anonymous_posts_as_their_thread_page_does(app, client, world):
    thread_page = articles(client.get(f"/t/{world.t1.id}").text)
    on_thread = {position: byline(article) for position, article in thread_page.items()}
    results = client.get("/search?q=feeds+hardest").text + client.get("/search?q=never+told").text
    shown = re.findall(r'href="/p/(\d+)".*?class="member"[^>]*>([^<]+)<', results, re.S)
    positions = {world.anon_reply.id: 3, world.hannah_anon.id: 4}
    assert {int(post_id) for post_id, _ in shown} == set(positions)
    for post_id, label in shown:
        assert unescape(label).strip() == on_thread[positions[int(post_id)]]


def test_the_leak_check_sees_each_kind_of_trace(app, world):
    """The check the leak tests rely on finds the author wherever they would show."""
    found = leaks(app, signed_in(app, world.viewer).get(f"/u/{USERNAME}"))
    for trace in (f"{USERNAME!r} in body", f"{DISPLAY_NAME!r} in body", f"{BIO!r} in body"):
        assert trace in found
    assert "avatar initials ZQ in body" in found
    forged = app.response_class(
        f'<li data-user="{ANON_ID}">x</li>', status=302,
        headers={"Location": f"/mod/members/{USERNAME.replace('_', '%5F')}"},
    )  # fmt: skip
    found = leaks(app, forged)
    assert f"user id {ANON_ID} in body" in found
    assert any(t.startswith(f"{USERNAME!r} in header Location") for t in found)
    with app.test_request_context():
        session["note"] = f"About {DISPLAY_NAME}"
        cookie = app.response_class("")
        app.session_interface.save_session(app, session, cookie)
    assert any("Set-Cookie" in trace for trace in leaks(app, cookie))


# Posting anonymously, and the labels


def test_posting_anonymously_through_the_forms_stores_the_author_and_numbers_each_once(
    app, member, other_member
):
    author = anonymous_author()
    zeph, hannah, priya = (signed_in(app, u) for u in (author, member, other_member))
    response = zeph.post(
        "/new",
        data={"category": "back-to-work", "title": "Pumping in a cupboard again",
              "body": "Third week of it.", "content_note": "breastfeeding", "anonymous": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    thread = db.session.scalars(select(Thread)).one()
    assert (thread.author_id, thread.anonymous) == (ANON_ID, True)
    assert response.headers["Location"] == f"/t/{thread.id}"
    for browser, body, anonymous in [
        (hannah, "Same, in a stairwell.", True),
        (zeph, "Thank you, that helps.", True),
        (priya, "Ask for a proper room.", True),
        (hannah, "And keep a note of every time.", True),
        (priya, "Signed: priya, HR survivor.", False),
    ]:
        data = {"body": body} | ({"anonymous": "y"} if anonymous else {})
        assert browser.post(f"/t/{thread.id}/reply", data=data).status_code == 302
    posts = db.session.scalars(select(Post).order_by(Post.position)).all()
    assert [(p.author_id, p.anonymous, p.anonymous_number) for p in posts] == [
        (ANON_ID, True, 1), (member.id, True, 2), (ANON_ID, True, 1),
        (other_member.id, True, 3), (member.id, True, 2), (other_member.id, False, None),
    ]  # fmt: skip
    assert posts[0].content_note == "breastfeeding"
    page = app.test_client().get(f"/t/{thread.id}").text
    assert [byline(a) for a in articles(page).values()] == [
        "Anonymous parent (original poster)", "Anonymous parent 2",
        "Anonymous parent (original poster)", "Anonymous parent 3", "Anonymous parent 2", "priya",
    ]  # fmt: skip
    assert "hannah" not in page and "Started the thread" not in page
    assert leaks(app, app.test_client().get(f"/t/{thread.id}")) == []
    assert author.thread_count == 0 and author.post_count == 0
    assert member.post_count == 0 and other_member.post_count == 1


def test_anonymous_numbers_are_per_thread(app, member, other_member):
    author = anonymous_author()
    first = factories.thread(member, title="Drop-off tears, every day")
    second = factories.thread(member, title="Grandparents and screen time")
    posting.reply(other_member, first, "Mine too.", anonymous=True)
    posting.reply(author, first, "And mine.", anonymous=True)
    posting.reply(author, second, "We gave in.", anonymous=True)
    db.session.commit()
    first_page = app.test_client().get(f"/t/{first.id}").text
    second_page = app.test_client().get(f"/t/{second.id}").text
    assert [byline(a) for a in articles(first_page).values()][1:] == [
        "Anonymous parent 2",
        "Anonymous parent 3",
    ]
    assert [byline(a) for a in articles(second_page).values()][1:] == ["Anonymous parent 2"]


def test_the_named_threads_author_replying_anonymously_is_not_the_original_poster(
    app, member, other_member
):
    thread = factories.thread(member, title="Partner does not get it")
    posting.reply(other_member, thread, "Have you shown him this thread?", kindness_confirmed=True)
    posting.reply(member, thread, "He would know it was me.", anonymous=True)
    posting.reply(member, thread, "Thank you all, signing this one.", kindness_confirmed=True)
    db.session.commit()
    page = app.test_client().get(f"/t/{thread.id}").text
    posts = articles(page)
    assert byline(posts[3]) == "Anonymous parent 2"
    assert "hannah" not in posts[3] and "Started the thread" not in posts[3]
    assert byline(posts[4]) == "hannah" and "Started the thread" in posts[4]  # named: tagged


def test_a_named_reply_by_the_anonymous_threads_author_is_not_tagged_as_theirs(app, other_member):
    author = anonymous_author()
    thread = posting.start_thread(
        author, factories.category(), "Back after a year off", "Terrified.", anonymous=True
    )
    posting.reply(other_member, thread, "You'll be brilliant.", kindness_confirmed=True)
    posting.reply(author, thread, "Signing this one: it went fine!", kindness_confirmed=True)
    db.session.commit()
    for browser in (app.test_client(), signed_in(app, other_member)):
        page = browser.get(f"/t/{thread.id}").text
        posts = articles(page)
        assert byline(posts[1]) == "Anonymous parent (original poster)"
        assert byline(posts[3]) == DISPLAY_NAME  # the named reply carries their name...
        assert "Started the thread" not in page  # ...and nothing that ties it to the opening post
        assert "original poster" not in posts[3]


def test_the_author_alone_is_told_they_posted_anonymously(app, world):
    page = signed_in(app, world.author).get(f"/t/{world.t1.id}").text
    posts = articles(page)
    for position in (1, 3):
        assert "You posted this anonymously." in posts[position]
    for position in (2, 4, 5):
        assert "You posted this anonymously." not in posts[position]
    assert page.count("You posted this anonymously.") == 2
    hannahs = articles(signed_in(app, world.hannah).get(f"/t/{world.t1.id}").text)
    assert "You posted this anonymously." in hannahs[4]
    assert "You posted this anonymously." not in hannahs[1] + hannahs[3]
    for browser in (signed_in(app, world.viewer), app.test_client()):
        assert "You posted this anonymously" not in browser.get(f"/t/{world.t1.id}").text


def test_blocking_the_anonymous_author_folds_none_of_their_anonymous_posts(app, world):
    page = signed_in(app, world.viewer).get(f"/t/{world.t1.id}").text
    assert "You blocked this member" not in page
    assert "feeds are the hardest" in page
    # the block is real: their named posts are folded
    posting.reply(world.author, world.t1, "Signed post.", kindness_confirmed=True)
    db.session.commit()
    page = signed_in(app, world.viewer).get(f"/t/{world.t1.id}?page=2").text
    assert page.count("You blocked this member") == 1
    assert "You blocked this member" in articles(page)[24]


# The author's profile and numbers


def test_anonymous_posts_are_not_on_the_authors_profile_nor_in_its_numbers(app, world):
    author = db.session.get(User, ANON_ID)
    assert (author.thread_count, author.post_count) == (0, 0)
    assert support.parents_helped(author) == 0  # hannah marked their anonymous reply
    for browser in (signed_in(app, world.viewer), app.test_client(), signed_in(app, author)):
        page = unescape(browser.get(f"/u/{USERNAME}").text)
        assert "0 threads started · 0 posts" in page
        assert "helped" not in page
        assert "No threads yet." in page and "No replies yet." in page
        for title in (T1_TITLE, T3_TITLE, "Nursery settling-in week"):
            assert title not in page
        for post in (world.opening, world.anon_reply, world.late_anon, world.t2_anon):
            assert f'href="/p/{post.id}"' not in page


def test_named_posts_do_count_on_the_profile(app, world):
    """The other side of the test above: the same profile shows named activity."""
    named_thread = factories.thread(world.author, title="Small win: slept five hours")
    reply = posting.reply(world.author, world.t2, "Signed: it does pass.", kindness_confirmed=True)
    support.mark_helped(world.hannah, reply, True)
    db.session.commit()
    page = unescape(app.test_client().get(f"/u/{USERNAME}").text)
    assert "1 thread started · 2 posts · helped 1 parent" in page
    assert named_thread.title in page and "Re: <bdi>Nursery settling-in week</bdi>" in page
    assert T1_TITLE not in page and T3_TITLE not in page


def test_marking_an_anonymous_reply_as_helped_does_not_raise_its_authors_number(app, world):
    browser = signed_in(app, world.hannah)
    other = posting.reply(world.author, world.t2, "Also: bring a photo of you.", anonymous=True)
    db.session.commit()
    response = browser.post(f"/p/{other.id}/helped", data={"helped": "1"})
    assert response.status_code == 302
    assert other.helped_at is not None and world.t2.helped_count == 2
    assert support.parents_helped(db.session.get(User, ANON_ID)) == 0
    assert "helped" not in app.test_client().get(f"/u/{USERNAME}").text
    page = app.test_client().get(f"/t/{world.t2.id}").text
    helped = page.split('id="helped-heading"')[1].split("</section>")[0]
    assert helped.count("Anonymous parent 2") == 2 and "zephyrine" not in helped.lower()


def test_the_helped_count_does_not_tie_an_anonymous_thread_to_its_author(app, world):
    """hannah's "helped N parents" counts the parents who marked her replies. Counting the
    anonymous thread's author by who they are would show whether they are a member who also
    marked her replies by name: one parent, not two."""
    named_thread = factories.thread(world.author, title="Signed: the commute is my only quiet")
    reply = posting.reply(world.hannah, named_thread, "Podcasts saved me.", kindness_confirmed=True)
    support.mark_helped(world.author, reply, True)
    db.session.commit()
    assert world.named.helped_at is not None  # marked by the anonymous starter of t1
    page = unescape(app.test_client().get("/u/hannah").text)
    assert "helped 2 parents" in page  # the anonymous parent and Zephyrine, as far as anyone knows


def test_deleting_hiding_and_restoring_anonymous_posts_leaves_the_numbers_alone(app, world):
    browser = signed_in(app, world.author)
    assert browser.post(f"/p/{world.late_anon.id}/delete").status_code == 302
    assert world.late_anon.is_deleted
    moderation.hide_post(world.moderator, world.anon_reply, "Checking something")
    db.session.commit()
    moderation.restore_post(world.moderator, world.anon_reply, "All fine")
    moderation.hide_post(world.moderator, world.t2_anon, "Checking something")
    db.session.commit()
    author = db.session.get(User, ANON_ID)
    assert (author.thread_count, author.post_count) == (0, 0)
    page = unescape(app.test_client().get(f"/u/{USERNAME}").text)
    assert "0 threads started · 0 posts" in page
    assert world.hannah.post_count == 1 + 16 + 1  # named t1 replies and t2's opening post


# Moderators


def test_a_moderator_reading_the_thread_sees_only_the_labels(app, world):
    page = signed_in(app, world.moderator).get(f"/t/{world.t1.id}")
    assert "Anonymous parent (original poster)" in page.text and "Moderate" in page.text
    assert leaks(app, page) == []


def test_the_queue_shows_the_anonymous_post_but_not_who_wrote_it(app, world):
    """Only an explicit reveal, which is logged, tells a moderator who wrote it."""
    page = signed_in(app, world.moderator).get("/mod/")
    assert page.status_code == 200
    assert "feeds are the hardest" in page.text and T1_TITLE in unescape(page.text)
    assert "from priya" in page.text  # the reporter is shown; the anonymous author is not
    assert leaks(app, page) == []
    assert db.session.scalar(select(func.count(ModerationAction.id))) == 0


def test_the_moderators_post_page_offers_a_reveal_without_revealing(app, world):
    page = signed_in(app, world.moderator).get(f"/mod/posts/{world.anon_reply.id}")
    assert page.status_code == 200
    assert "Reveal who wrote it" in page.text and "feeds are the hardest" in page.text
    assert "Earlier versions (1)" in page.text and "feeds are the worst" in page.text
    assert leaks(app, page) == []


def test_a_member_asking_for_moderator_pages_gets_403_without_the_name(app, world):
    browser = signed_in(app, world.viewer)
    for path in ("/mod/", f"/mod/posts/{world.anon_reply.id}", "/mod/log"):
        response = browser.get(path)
        assert response.status_code == 403
        assert leaks(app, response) == []
    response = browser.post(f"/mod/posts/{world.anon_reply.id}/reveal", data={"reason": "Curious"})
    assert response.status_code == 403 and leaks(app, response) == []
    assert db.session.scalar(select(func.count(ModerationAction.id))) == 0


def test_a_reveal_shows_that_moderator_who_it_was_and_is_logged(app, world):
    mod = signed_in(app, world.moderator)
    response = mod.post(f"/mod/posts/{world.anon_reply.id}/reveal", data={"reason": REVEAL_REASON})
    assert response.status_code == 200
    assert (
        f'href="/mod/members/{USERNAME}"><bdi>{DISPLAY_NAME}</bdi> (@{USERNAME})</a>'
        in response.text
    )
    [entry] = db.session.scalars(select(ModerationAction)).all()
    assert (entry.moderator_id, entry.action, entry.reason) == (
        world.moderator.id,
        "reveal",
        REVEAL_REASON,
    )
    assert (entry.post_id, entry.target_user_id) == (world.anon_reply.id, ANON_ID)
    for browser in (signed_in(app, world.viewer), signed_in(app, world.hannah), app.test_client()):
        page = browser.get(f"/t/{world.t1.id}")
        assert byline(articles(page.text)[3]) == "Anonymous parent (original poster)"
        assert leaks(app, page) == []
    assert leaks(app, mod.get(f"/t/{world.t1.id}")) == []  # the thread itself stays anonymous


def test_a_reveal_without_a_reason_reveals_nothing(app, world):
    response = signed_in(app, world.moderator).post(
        f"/mod/posts/{world.anon_reply.id}/reveal", data={"reason": " "}
    )
    assert response.status_code == 400
    assert "Please write a reason" in response.text
    assert db.session.scalar(select(func.count(ModerationAction.id))) == 0
    assert leaks(app, response) == []


def test_the_audit_log_does_not_name_an_anonymous_author_to_other_moderators(app, world):
    signed_in(app, world.moderator).post(
        f"/mod/posts/{world.anon_reply.id}/reveal", data={"reason": REVEAL_REASON}
    )
    other_moderator = factories.member("mo_two", role="moderator")
    page = signed_in(app, other_moderator).get("/mod/log")
    assert page.status_code == 200
    assert "revealed an anonymous author" in page.text and REVEAL_REASON in page.text
    assert leaks(app, page) == []


def test_an_appeal_against_removing_an_anonymous_post_does_not_say_who_appeals(app, world):
    decision = moderation.remove_post(world.moderator, world.anon_reply, "Please keep it kind")
    appeal = moderation.appeal(world.author, decision, "I was only saying how tired I am")
    db.session.commit()
    browser = signed_in(app, factories.member("mo_two", role="moderator"))
    queue = browser.get("/mod/")
    assert "The anonymous author" in queue.text and "only saying how tired" in queue.text
    page = browser.get(f"/mod/appeals/{appeal.id}")
    assert "Appeal from The anonymous author" in page.text
    assert leaks(app, queue) == [] and leaks(app, page) == []
    answered = browser.post(
        f"/mod/appeals/{appeal.id}", data={"decision": "overturn", "reason": "Fair enough"}
    )
    assert answered.status_code == 302
    assert world.anon_reply.status == "visible"
    assert leaks(app, browser.get("/mod/log")) == []
    assert leaks(app, browser.get(f"/mod/appeals/{appeal.id}")) == []


# What the world is made of is really stored


def test_the_world_stores_the_real_author_behind_every_anonymous_post(world):
    anonymous = db.session.scalars(select(Post).where(Post.anonymous).order_by(Post.id)).all()
    assert {p.author_id for p in anonymous} == {ANON_ID, world.hannah.id}
    assert db.session.scalar(select(func.count(PostRevision.id))) == 1
    assert db.session.scalar(select(func.count(Reaction.id))) == 2
    assert db.session.scalar(select(func.count(Report.id))) == 1
    assert support.is_blocked(world.viewer, world.author)
