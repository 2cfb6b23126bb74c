"""Posting anonymously: the world the leak tests build, every page that can show one of its
anonymous posts, and the checks that look for the author's identity in a response.

The world is built around an anonymous author with a distinctive username, display name, bio,
initials and user id (73591, far from any post or thread id); the tests fetch every page that can
show one of their posts and look for any of those anywhere in the response.
"""

import json
import re
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import unquote

import pytest
from sqlalchemy import update

from forum import queue
from forum.database import db
from forum.models import Post, Thread, User
from forum.services import blocking, helpful, posting, reactions, reporting
from tests import factories

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


def text_leaks(text: str, where: str = "text", user_id: int = ANON_ID) -> list[str]:
    """What of the anonymous author this text gives away."""
    found = []
    lowered = text.lower()
    for token in (USERNAME, DISPLAY_NAME, "zephyrine", BIO, f"{USERNAME}@example.org"):
        if token.lower() in lowered:
            found.append(f"{token!r} in {where}")
    if str(user_id) in text:  # in any form: /u/…, user-…, "…", data-…
        found.append(f"user id {user_id} in {where}")
    if AVATAR.search(text) or f">{INITIALS}<" in text:
        found.append(f"avatar initials {INITIALS} in {where}")
    return found


def leaks(app, response, user_id: int = ANON_ID) -> list[str]:
    """What of the anonymous author this response gives away, and where."""
    found = []
    for where, text in response_texts(app, response).items():
        found += text_leaks(text, where, user_id)
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

    def keys(self) -> dict[str, tuple[type, int]]:
        """Each member, thread and post of the world, as its model and id."""
        return {name: (type(row), row.id) for name, row in vars(self).items() if name != "ids"}

    @classmethod
    def load(cls, keys: dict[str, tuple[type, int]], ids: dict) -> "World":
        """The world stored earlier, read again in this test's session."""
        rows = {name: db.session.get_one(model, key) for name, (model, key) in keys.items()}
        return cls(**rows, ids=ids)


def build_world(hannah: User, priya: User, moderator: User) -> World:
    """The world of the leak tests, around the anonymous author and these three members."""
    author = anonymous_author()
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
    helpful.mark_helped(author, named, True)
    reactions.toggle_reaction(priya, opening, "hug")
    reactions.toggle_reaction(hannah, anon_reply, "heart")
    reporting.report_post(priya, anon_reply, "other", "Could someone gently check in on her?")
    blocking.block(priya, author)

    t2 = factories.thread(
        hannah, title="Nursery settling-in week", body="Day three and she still cries at the door.",
        category_slug="childcare",
    )  # fmt: skip
    t2_anon = posting.reply(
        author, t2, "Ours took a fortnight; it does get easier.", anonymous=True,
        kindness_confirmed=True,
    )  # fmt: skip
    helpful.mark_helped(hannah, t2_anon, True)
    t3 = posting.start_thread(
        author, factories.category("postpartum-feelings"), T3_TITLE,
        "Everyone asks about the baby.", anonymous=True, content_note="birth trauma",
    )  # fmt: skip
    db.session.commit()
    queue.run_waiting()  # the followers are told, as the worker does, before any page is read
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
    writes: bool = False  # priya's request changes the world (a visitor's is refused)


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
               "Content note: <bdi>feeling numb</bdi>", "Content note: <bdi>night feeds</bdi>", "edited", "What helped",
               "Sending you so much warmth", "Send a hug"]),
        (200, ["Anonymous parent (original poster)", "Anonymous parent 2", "feeds are the hardest",
               "Content note: <bdi>feeling numb</bdi>", "edited", "🤗 1"])),
    "thread page 2": Surface(
        "/t/{t1}?page=2",
        (200, ["Anonymous parent (original poster)", "I told my midwife today"]),
        (200, ["Anonymous parent (original poster)", "I told my midwife today"])),
    "thread with the helped anonymous reply": Surface(
        "/t/{t2}",
        (200, ["What helped", "Anonymous parent 2", "it does get easier"]),
        (200, ["What helped", "Anonymous parent 2", "it does get easier"])),
    "waiting anonymous thread": Surface(
        "/t/{t3}", (200, ["Anonymous parent (original poster)", "Content note: <bdi>birth trauma</bdi>"]),
        (200, ["Anonymous parent (original poster)", "Content note: <bdi>birth trauma</bdi>"])),
    "quote of the anonymous opening post": Surface(
        "/t/{t1}/reply?quote={opening}",
        (200, ["**Anonymous parent** wrote:\n> Everyone says it is the best time"]), LOGIN),
    "quote of an anonymous reply": Surface(
        "/t/{t1}/reply?quote={anon_reply}",
        (200, ["**Anonymous parent** wrote:\n> Thank you. The four o'clock feeds are the hardest."]),
        LOGIN),
    "quote of the quote": Surface(  # her own words: a quotation leaves out what she quoted
        "/t/{t1}/reply?quote={quote}",
        (200, ["**priya** wrote:\n> Sending you so much warmth."]), LOGIN),
    "quote box of an anonymous reply": Surface(
        "/p/{anon_reply}/quote?selection=four+o%27clock+feeds",
        (200, ['"quotation":"**Anonymous parent** wrote:\\n> four o\'clock feeds\\n\\n"']),
        LOGIN),
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
        {"reason": "at_risk", "details": "Still worried about her"}, writes=True),
    "your reports": Surface("/me/reports", (200, [f"A post in “<bdi>{T1_TITLE}</bdi>”"]), LOGIN),
    "waiting": Surface("/waiting", (200, [T3_TITLE, "Anonymous parent"]), (200, [T3_TITLE, "Anonymous parent"])),
    "support resources": Surface("/support", (200, ["Get support now"]), (200, ["Get support now"])),
    "guidelines": Surface("/guidelines", (200, ["community guidelines"]), (200, ["community guidelines"])),
    "profile of hannah": Surface("/u/hannah", (200, ["@hannah", "helped 1 parent"]), (200, ["@hannah", "helped 1 parent"])),
    "profile of priya": Surface("/u/priya", (200, ["@priya"]), (200, ["@priya"])),
    "profile of the moderator": Surface("/u/morgan", (200, ["@morgan"]), (200, ["@morgan"])),
    "reaction with htmx": Surface(
        "/p/{opening}/react/hug", (200, ['id="reactions-{opening}"', "Send a hug"]), LOGGED_OUT,
        "POST", htmx=True, writes=True),
    "reaction to an anonymous reply with htmx": Surface(
        "/p/{anon_reply}/react/me_too", (200, ['id="reactions-{anon_reply}"', "Me too"]),
        LOGGED_OUT, "POST", htmx=True, writes=True),
    "reaction without javascript": Surface(
        "/p/{late_anon}/react/heart", (302, ["/t/{t1}?page=2#p22"]), LOGGED_OUT, "POST", writes=True),
    "marking what helped in another's thread": Surface(
        "/p/{anon_reply}/helped", (403, ["Only the parent who started the thread"]), LOGGED_OUT,
        "POST", {"helped": "1"}),
    "search finding an anonymous reply": Surface(
        "/search?q=midwife",
        (200, ["Anonymous parent (original poster)", "told my <mark>midwife</mark> today"]),
        (200, ["Anonymous parent (original poster)", "told my <mark>midwife</mark> today"])),
    "search finding the anonymous opening post": Surface(
        "/search?q=visitor", (200, [T1_TITLE, "Anonymous parent (original poster)", "Content note: <bdi>feeling numb</bdi>"]),
        (200, [T1_TITLE, "Anonymous parent (original poster)", "Content note: <bdi>feeling numb</bdi>"])),
    "search finding the anonymous reply in another's thread": Surface(
        "/search?q=fortnight+easier&category=childcare",
        (200, ["Nursery settling-in week", "Anonymous parent 2", "<mark>fortnight</mark>"]),
        (200, ["Nursery settling-in week", "Anonymous parent 2", "<mark>fortnight</mark>"])),
    "search for the waiting anonymous thread's title": Surface(
        "/search?q=%22nobody+has+asked%22", (200, [T3_TITLE, "Content note: <bdi>birth trauma</bdi>"]),
        (200, [T3_TITLE, "Content note: <bdi>birth trauma</bdi>"])),
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
        {"body": "Me too, every single night.", "anonymous": "y"}, writes=True),
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
        "/t/{t1}/follow", (302, ["/t/{t1}"]), LOGGED_OUT, "POST", {"state": "muted"}, writes=True),
    "reading every notification": Surface("/notifications/read", (302, ["/notifications"]), LOGGED_OUT, "POST", writes=True),
}  # fmt: skip


def page_cases(writes: bool) -> list:
    """Each surface with each viewer, as "name-viewer": those whose request writes, or the rest."""
    return [
        pytest.param(surface, viewer, id=f"{name}-{viewer}")
        for viewer in ("member", "visitor")
        for name, surface in SURFACES.items()
        if (viewer == "member" and surface.writes) == writes
    ]


def check_page(app, client, login, world: World, surface: Surface, viewer: str) -> None:
    """The page is the one meant, showing the anonymous post, and gives its author away
    nowhere: not in the body, a header or the session."""
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
