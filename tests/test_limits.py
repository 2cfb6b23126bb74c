"""Rate limits, counted in memory and in the machine's real Redis (database 5, keys under a prefix
of this test's own, removed afterwards).

The rest of the suite runs with RATELIMIT_ENABLED off (TestConfig); here each test makes an app
with limits on, on the same database as the `app` fixture, so it runs on SQLite and PostgreSQL.
"""

import os
import re
import uuid
from datetime import timedelta
from html import unescape

import pytest
import redis
from sqlalchemy import select

from forum.config import Config
from forum.database import db, utcnow
from forum.formatting import wait_in_words
from forum.limits import LIMITS, limited
from forum.models import Post, ReportReason, Thread
from forum.services import pace, reporting
from tests import factories
from tests.helpers import form_sending_to, make_app, signed_in

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
WRONG = "not my password at all"


@pytest.fixture(params=["memory", "redis"])
def storage(request):
    """Where this test's counts go, and a way to see them."""
    if request.param == "memory":
        yield "memory://", None
        return
    prefix = f"blossom-test-{uuid.uuid4().hex}"
    connection = redis.Redis.from_url(REDIS_URL)
    yield REDIS_URL, (connection, prefix)
    for key in connection.scan_iter(f"*{prefix}*"):
        connection.delete(key)
    connection.close()


@pytest.fixture
def make_limited(app, storage):
    """make_limited(**settings): an app like `app`, with rate limits on."""
    uri, seen = storage
    made = []

    def build(**settings):
        limited_app = make_app(
            app.config["SQLALCHEMY_DATABASE_URI"],
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=uri,
            RATELIMIT_KEY_PREFIX=seen[1] if seen else "blossom-test",
            MAIL_FOLDER=app.config["MAIL_FOLDER"],
            **settings,
        )
        made.append(limited_app)
        return limited_app

    yield build
    for limited_app in made:
        with limited_app.app_context():
            db.engine.dispose()
    if seen:  # the counts really were kept in Redis
        connection, prefix = seen
        assert list(connection.scan_iter(f"*{prefix}*"))


def client_at(app, address: str = "192.0.2.10"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def sign_in(client, login: str, password: str = WRONG, **headers):
    return client.post("/login", data={"login": login, "password": password}, headers=headers)


def test_twenty_wrong_passwords_are_throttled_even_with_a_new_forwarded_for_each_time(
    make_limited, member
):
    limited_app = make_limited()
    client = client_at(limited_app)
    # Username and email in turn, a new X-Forwarded-For every time: at most ten get through.
    statuses = [
        sign_in(
            client,
            "hannah" if n % 2 else "hannah@example.org",
            **{"X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n in range(20)
    ]
    assert statuses == [400] * 10 + [429] * 10
    # Even the right password waits now: the account is what is being guessed at.
    assert sign_in(client, "hannah", factories.PASSWORD).status_code == 429


def test_the_count_holds_across_real_addresses_and_spellings(make_limited, member):
    limited_app = make_limited()
    logins = ["hannah", "HANNAH", " Hannah ", "ｈａｎｎａｈ", "Hannah"]
    statuses = [
        sign_in(client_at(limited_app, f"203.0.113.{n}"), logins[n % len(logins)]).status_code
        for n in range(6)
    ]
    assert statuses == [400] * 5 + [429]
    # Another account, from one of the same addresses, is not held up.
    factories.member("priya")
    assert sign_in(client_at(limited_app, "203.0.113.1"), "priya").status_code == 400


def test_the_counts_tell_nobody_whose_address_is_whose(make_limited, member):
    """Used up on an email address, the username is still counted on its own, whether or not
    they are one member's: otherwise a 429 would confirm that hannah@example.org is hannah."""
    limited_app = make_limited()
    for email, username in (("hannah@example.org", "hannah"), ("sam@example.org", "sam")):
        statuses = [sign_in(client_at(limited_app), email).status_code for _ in range(6)]
        assert statuses == [400] * 5 + [429]
        assert sign_in(client_at(limited_app, "192.0.2.77"), username).status_code == 400


def test_odd_sign_in_text_is_counted_not_crashed_on(make_limited):
    limited_app = make_limited()
    client = client_at(limited_app)
    for login in ("nul\x00name", "x" * 5000, ""):
        assert sign_in(client, login).status_code == 400


def test_signing_in_successfully_is_not_counted_against_the_account(make_limited, member):
    limited_app = make_limited()
    for n in range(12):
        client = client_at(limited_app, f"203.0.113.{n}")
        assert sign_in(client, "hannah", factories.PASSWORD).status_code == 302


def test_one_address_trying_many_accounts_is_throttled(make_limited):
    limited_app = make_limited()
    client = client_at(limited_app)
    statuses = [sign_in(client, f"nobody{n}").status_code for n in range(31)]
    assert statuses == [400] * 30 + [429]  # thirty different accounts tried from one address
    assert sign_in(client_at(limited_app, "192.0.2.99"), "nobody").status_code == 400


def test_behind_a_trusted_proxy_the_address_it_saw_counts_and_forged_entries_do_not(
    make_limited,
):
    limited_app = make_limited(TRUSTED_PROXIES=1)
    proxy = client_at(limited_app, "10.0.0.2")  # every request comes through the proxy

    def sign_up(n: int, forwarded: str):
        data = {
            "username": f"parent{n}",
            "email": f"parent{n}@example.org",
            "password": factories.PASSWORD,
            "confirm": factories.PASSWORD,
            "agree": "y",
        }
        return proxy.post("/signup", data=data, headers={"X-Forwarded-For": forwarded})

    # The client forges a different first entry each time; the proxy appends the real address.
    statuses = [sign_up(n, f"198.51.100.{n}, 203.0.113.7").status_code for n in range(6)]
    assert statuses[:5] != [429] * 5 and 429 not in statuses[:5]
    assert statuses[5] == 429
    # Another real client behind the same proxy is counted on its own.
    assert sign_up(9, "203.0.113.8").status_code != 429


def test_a_limited_reply_keeps_the_text_and_says_so_kindly(make_limited, member, other_member):
    limited_app = make_limited()
    thread = factories.thread(other_member)
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    for n in range(3):  # a new account: three replies in ten minutes
        response = client.post(f"/t/{thread.id}/reply", data={"body": f"Reply {n}"})
        assert response.status_code == 302
    words = "One more thing I wanted to say, typed carefully."
    response = client.post(f"/t/{thread.id}/reply", data={"body": words})
    assert response.status_code == 429
    page = unescape(response.text)
    assert "Let's take a breath" in page
    assert words in page
    assert "Retry-After" in response.headers
    # Starting a thread shares the same count.
    data = {"category": "childcare", "title": "My own thread", "body": "Kept words"}
    response = client.post("/new", data=data)
    assert response.status_code == 429
    assert "Kept words" in response.text and "My own thread" in response.text


UNKIND = "You should have thought about that before going back."


def reply_to(client, thread, body: str, **data):
    return client.post(f"/t/{thread.id}/reply", data={"body": body, **data})


def test_only_published_posts_are_counted_for_posting(make_limited, member, other_member):
    """A second look, "Check for similar threads" and a refused form publish nothing, so they
    use up nothing: a new account still has her three posts for these ten minutes."""
    limited_app = make_limited()
    thread = factories.thread(other_member)
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    similar = {"category": "childcare", "title": "Sleep regression", "body": "", "similar": "1"}
    not_posted = [
        reply_to(client, thread, UNKIND).status_code,  # the kindness check asks first
        reply_to(client, thread, UNKIND + " Really.").status_code,
        reply_to(client, thread, "   ").status_code,  # nothing written
        reply_to(client, thread, "x" * 20_001).status_code,  # too long
        reply_to(client, thread, "Kind words", content_note="n" * 101).status_code,
        client.post("/new", data=similar).status_code,  # "Check for similar threads"
        client.post("/new", data=similar | {"similar": ""}).status_code,  # no body: refused
    ]
    assert not_posted == [400, 400, 400, 400, 400, 200, 400]
    assert reply_to(client, thread, "You've got this.").status_code == 302
    assert reply_to(client, thread, "You've got this.").status_code == 409  # a double tap
    statuses = [reply_to(client, thread, f"Me too, every day ({n}).").status_code for n in range(3)]
    assert statuses == [302, 302, 429]


def test_in_her_own_thread_she_can_thank_everyone_who_answered(make_limited, member, other_member):
    """A new account starts a thread and answers two others: her fourth post, thanking the
    parents who answered her, goes up, and so do the next ones in her own thread."""
    limited_app = make_limited()
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    started = {"category": "back-to-work", "title": "Week one back and I cried at my desk",
               "body": "It was so much harder than I thought.", "anonymous": "y"}  # fmt: skip
    response = client.post("/new", data=started)
    assert response.status_code == 302
    mine = db.session.scalars(select(Thread).where(Thread.title == started["title"])).one()
    elsewhere = factories.thread(other_member)
    statuses = [reply_to(client, elsewhere, f"Sending love ({n}).").status_code for n in range(3)]
    assert statuses == [302, 302, 429]  # one thread and two replies: a new account's three
    # Her name in the thread she started anonymously: asked first, and that costs nothing.
    assert reply_to(client, mine, "Thank you, Priya.").status_code == 400
    statuses = [
        reply_to(client, mine, f"Thank you, that helped ({n}).", anonymous="y").status_code
        for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]
    # Her thanks used up none of her ordinary posts, nor the other way round.
    assert reply_to(client, elsewhere, "One more thing.").status_code == 429


def test_replies_where_someone_may_be_at_risk_are_counted_gently(
    make_limited, member, other_member
):
    limited_app = make_limited()
    worried = factories.thread(other_member, title="Not coping this week", body="All grey.")
    answer = factories.reply(other_member, worried, "Still grey today.")
    ordinary = factories.thread(other_member, title="Lunch at your desk?")
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    statuses = [reply_to(client, ordinary, f"Every day ({n}).").status_code for n in range(4)]
    assert statuses == [302] * 3 + [429]
    assert reply_to(client, worried, "Thinking of you.").status_code == 429  # not flagged yet
    reporting.report_post(factories.member("sam"), answer, ReportReason.AT_RISK, "Worried.")
    db.session.commit()
    statuses = [reply_to(client, worried, f"I'm here for you ({n}).").status_code for n in range(3)]
    assert statuses == [302] * 3


def test_who_is_counted_gently_is_decided_in_one_place(app, member, other_member):
    own = factories.thread(member, title="My own thread")
    own_anonymous = factories.thread(member, title="My anonymous thread", anonymous=True)
    theirs = factories.thread(other_member, title="Their thread")
    answer = factories.reply(other_member, theirs)
    assert pace.is_gentler(member, own.id) and pace.is_gentler(member, own_anonymous.id)
    assert not pace.is_gentler(other_member, own.id)
    assert not pace.is_gentler(member, theirs.id)
    assert not pace.is_gentler(member, None)  # starting a thread
    assert not pace.is_gentler(member, 999_999)  # no such thread
    reporting.report_post(member, answer, ReportReason.UNKIND, "Harsh.")
    assert not pace.is_gentler(member, theirs.id)
    reporting.report_post(factories.member("sam"), answer, ReportReason.AT_RISK)
    assert pace.is_gentler(member, theirs.id)  # anyone answering there
    # A new account: three ordinary posts in ten minutes, ten gentle ones.
    assert pace.allowance(member, gentler=False) == "3 per 10 minutes; 10 per day"
    assert pace.allowance(member, gentler=True) == "10 per 10 minutes; 50 per day"
    member.created_at = utcnow() - timedelta(days=2)
    assert pace.allowance(member, gentler=False) == "10 per 10 minutes; 100 per day"
    assert pace.allowance(member, gentler=True) == "30 per 10 minutes; 300 per day"
    assert pace.allowance(None, gentler=False) == "10 per 10 minutes; 100 per day"


def test_the_429_page_says_the_wait_keeps_her_words_and_leads_back(
    make_limited, app, member, other_member
):
    limited_app = make_limited()
    thread = factories.thread(other_member)
    quoted = factories.opening_post(thread)
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    for n in range(3):
        assert reply_to(client, thread, f"Reply {n}").status_code == 302
    words = "Thank you <3 & I'll try the bedtime tip tonight.\n\nIt helped to read."
    sent = {"anonymous": "y", "content_note": "sleep", "quote": str(quoted.id)}
    response = reply_to(client, thread, words, **sent)
    assert response.status_code == 429
    page = unescape(response.text)
    assert "Error 429" not in page and "429" not in re.sub(r"<[^>]+>", "", page)
    assert 540 < int(response.headers["Retry-After"]) <= 600
    assert re.search(r"in about (9|10) minutes", page)  # the real wait, not "a minute"
    assert f'href="/t/{thread.id}"' in page and 'href="/support"' in page
    # Her words, her choice of anonymous, her note and quote: a form she can send again.
    action = f"/t/{thread.id}/reply"
    fields = form_sending_to(response.text, action)
    assert fields["body"] == words and "csrf_token" in fields
    assert {name: fields.get(name) for name in sent} == sent
    # Once the wait is over (here: on an app without limits), sending it as it stands posts it.
    assert signed_in(app, member).post(action, data=fields).status_code == 302
    post = db.session.scalars(select(Post).where(Post.body_markdown == words)).one()
    assert post.anonymous and post.content_note == "sleep"


@pytest.mark.parametrize(
    "seconds, words",
    [(20, "in about a minute"), (89, "in about a minute"), (90, "in about 2 minutes"),
     (241, "in about 5 minutes"), (600, "in about 10 minutes"), (3_700, "in about 62 minutes"),
     (5_400, "in about 2 hours"), (86_000, "in about 24 hours")],
)  # fmt: skip
def test_waits_are_said_in_plain_words(seconds, words):
    assert wait_in_words(seconds) == words


def test_the_429_page_for_a_new_thread_leads_back_to_where_she_was(make_limited, member):
    limited_app = make_limited()
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    data = {"category": "childcare", "title": "Nursery drop-off tears", "body": "Every morning."}
    for n in range(3):
        assert client.post("/new", data=data | {"body": f"Morning {n}"}).status_code == 302
    came_from = "http://localhost/c/childcare"
    response = client.post("/new", data=data, headers={"Referer": came_from})
    assert response.status_code == 429
    fields = form_sending_to(response.text, "/new")
    assert {name: fields[name] for name in data} == data
    assert 'href="/c/childcare"' in response.text and 'href="/support"' in response.text
    # A sign-in limit has no text to keep, and a wait of its own.
    responses = [sign_in(client_at(limited_app, "192.0.2.50"), "priya") for _ in range(6)]
    assert responses[-1].status_code == 429
    assert "in about a minute" in responses[-1].text and "<textarea" not in responses[-1].text


def test_established_accounts_may_post_more(make_limited, member, other_member):
    member.created_at = utcnow() - timedelta(days=2)
    db.session.commit()
    limited_app = make_limited()
    thread = factories.thread(other_member)
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    statuses = [
        client.post(f"/t/{thread.id}/reply", data={"body": f"Reply {n}"}).status_code
        for n in range(11)
    ]
    assert statuses == [302] * 10 + [429]


def test_reactions_and_reports_are_limited(make_limited, member, other_member):
    limited_app = make_limited()
    thread = factories.thread(other_member)
    post = factories.opening_post(thread)
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    statuses = [client.post(f"/p/{post.id}/react/heart").status_code for _ in range(61)]
    assert statuses == [302] * 60 + [429]
    data = {"reason": "spam", "details": "Looks like an advert"}
    statuses = [client.post(f"/p/{post.id}/report", data=data).status_code for _ in range(11)]
    assert 429 not in statuses[:10] and statuses[10] == 429
    # Reading is never limited.
    assert client.get(f"/t/{thread.id}").status_code == 200


def test_password_reset_is_limited_per_address_asked_about(make_limited, member):
    limited_app = make_limited()
    statuses = [
        client_at(limited_app, f"203.0.113.{n}")
        .post("/forgot", data={"email": "hannah@example.org"})
        .status_code
        for n in range(4)
    ]
    assert statuses == [200, 200, 200, 429]
    client = client_at(limited_app)
    statuses = [
        client.post("/forgot", data={"email": f"someone{n}@example.org"}).status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]


def test_editing_is_limited_like_posting_and_keeps_the_text(make_limited, member, other_member):
    limited_app = make_limited()
    post = factories.reply(member, factories.thread(other_member))
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    for n in range(3):  # a new account: three edits in ten minutes
        assert client.post(f"/p/{post.id}/edit", data={"body": f"Edit {n}"}).status_code == 302
    words = "Changed my mind about how to put this, once more."
    response = client.post(f"/p/{post.id}/edit", data={"body": words})
    assert response.status_code == 429 and words in unescape(response.text)
    # Its own count: posting is still open.
    assert client.post(f"/t/{post.thread_id}/reply", data={"body": "New"}).status_code == 302


def test_similar_threads_take_the_search_limit(make_limited):
    client = client_at(make_limited())
    statuses = [client.get("/search/similar?title=sleep").status_code for _ in range(31)]
    assert statuses == [200] * 30 + [429]


def test_emails_to_an_address_are_limited_per_member_and_per_address(
    make_limited, member, other_member
):
    limited_app = make_limited()
    hannah, priya = client_at(limited_app), client_at(limited_app, "192.0.2.11")
    sign_in(hannah, "hannah", factories.PASSWORD)
    sign_in(priya, "priya", factories.PASSWORD)
    data = {"email": "someone.else@example.org", "password": factories.PASSWORD}
    # Refused forms cost the address nothing: nobody can use it up by failing on purpose.
    factories.member("sam")
    sam = client_at(limited_app, "192.0.2.12")
    sign_in(sam, "sam", factories.PASSWORD)
    wrong = data | {"password": WRONG}
    refused = [sam.post("/settings/email-address", data=wrong).status_code for _ in range(3)]
    assert refused == [400] * 3
    statuses = [hannah.post("/settings/email-address", data=data).status_code for _ in range(4)]
    assert statuses == [302] * 3 + [429]
    # The address is used up whoever asks; her own address is counted on its own.
    assert priya.post("/settings/email-address", data=data).status_code == 429
    statuses = [priya.post("/verify/resend").status_code for _ in range(4)]
    assert statuses == [302] * 3 + [429]  # her own address: three an hour
    # Hannah's own address is fresh, but she has asked for four or five emails this hour.
    statuses = [hannah.post("/verify/resend").status_code for _ in range(3)]
    assert statuses[0] == 302 and statuses[-1] == 429


def test_wrong_passwords_on_confirming_forms_are_counted_like_sign_in(make_limited, member):
    limited_app = make_limited()
    client = client_at(limited_app)
    sign_in(client, "hannah", factories.PASSWORD)
    wrong = {"current_password": WRONG, "new_password": "a brand new quiet evening",
             "confirm": "a brand new quiet evening"}  # fmt: skip
    attempts = [
        ("/settings/password", wrong),
        ("/settings/privacy/download", {"password": WRONG}),
        ("/settings/email-address", {"email": "new@example.org", "password": WRONG}),
        ("/settings/privacy/delete", {"password": WRONG, "posts": "keep", "confirm": "y"}),
        ("/settings/password", wrong),
    ]
    assert [client.post(url, data=data).status_code for url, data in attempts] == [400] * 5
    # The sixth wrong guess, on any of them, waits; so does the right password now.
    assert client.post("/settings/privacy/download", data={"password": WRONG}).status_code == 429
    right = {"password": factories.PASSWORD}
    assert client.post("/settings/privacy/download", data=right).status_code == 429


def test_the_right_password_on_confirming_forms_is_not_counted(make_limited, member):
    client = client_at(make_limited())
    sign_in(client, "hannah", factories.PASSWORD)
    for _ in range(8):
        response = client.post("/settings/privacy/download", data={"password": factories.PASSWORD})
        assert response.status_code == 200


def test_limits_are_off_in_the_rest_of_the_suite(client, member):
    assert all(sign_in(client, "hannah").status_code == 400 for _ in range(15))


def test_limits_are_on_by_default_in_production(app):
    assert "RATELIMIT_ENABLED" in os.environ or Config.RATELIMIT_ENABLED is True
    assert Config.TRUSTED_PROXIES == int(os.environ.get("TRUSTED_PROXIES", 0))
    # Without Redis, counts go to a file every worker shares (tests/test_limits_shared.py).
    assert Config.RATELIMIT_STORAGE_URI == (os.environ.get("REDIS_URL") or None)
    default = make_app(app.config["SQLALCHEMY_DATABASE_URI"], RATELIMIT_ENABLED=True,
                       RATELIMIT_STORAGE_URI=None)  # fmt: skip
    assert default.config["RATELIMIT_STORAGE_URI"] == (
        f"sqlite:///{default.instance_path}/rate-limits.sqlite"
    )
    with default.app_context():
        db.engine.dispose()


def test_named_limits_are_one_decorator_away():
    assert {
        "sign-in",
        "sign-up",
        "password-reset",
        "posting",
        "reactions",
        "reports",
        "search",
        "editing",
        "password-check",
        "email-sending",
    } <= set(LIMITS)

    @limited("search")
    def search():
        return "results"

    assert search.rate_limits == ("search",)
    with pytest.raises(KeyError):
        limited("no-such-limit")


def test_with_redis_unreachable_the_forum_still_answers(app, member):
    unreachable = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"],
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/5",  # nothing listens there
    )
    client = client_at(unreachable)
    assert sign_in(client, "hannah").status_code == 400
    assert sign_in(client, "hannah", factories.PASSWORD).status_code == 302
    with unreachable.app_context():
        db.engine.dispose()


def test_send_it_again_after_signing_up_is_limited_per_address(make_limited):
    """Before she can sign in, "send it again" counts against the address she signed up with."""
    limited_app = make_limited()
    joined = client_at(limited_app)
    data = {"username": "sunny", "email": "sunny@example.org", "password": factories.PASSWORD,
            "confirm": factories.PASSWORD, "agree": "y"}  # fmt: skip
    assert joined.post("/signup", data=data).status_code == 200
    statuses = [joined.post("/verify/resend").status_code for _ in range(4)]
    assert statuses == [302] * 3 + [429]
    # Another browser's sign-up is counted on its own address.
    other = client_at(limited_app, "192.0.2.11")
    other_data = data | {"username": "moony", "email": "moony@example.org"}
    assert other.post("/signup", data=other_data).status_code == 200
    assert other.post("/verify/resend").status_code == 302
