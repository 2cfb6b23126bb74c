"""The API's reads with a token run a small, fixed number of queries at any size, as the pages
do (tests/test_query_counts.py counts them as a visitor)."""

from forum.database import db
from forum.services import blocking, following, reactions
from tests import factories
from tests.api.people import token_for
from tests.helpers import count_queries

LIMIT = 6
URLS = (
    "/api/v1/me",
    "/api/v1/me/notifications",
    "/api/v1/me/following",
    "/api/v1/categories",
    "/api/v1/categories/back-to-work/threads",
    "/api/v1/threads/{thread}",
    "/api/v1/threads/{thread}?from=2&limit=2",
    "/api/v1/search?q=hello",
    "/api/v1/members/{writer}",
)


def grow(reader, writers, thread, rounds, start=0):
    for n in range(start, start + rounds):
        writer = writers[n % len(writers)]
        other = factories.thread(writer, title=f"Hello from round {n}", anonymous=n % 2 == 0)
        following.set_follow(reader, other, "following")
        post = factories.reply(writer, thread, f"Hello again, round {n}.")
        reactions.toggle_reaction(reader, post, "hug")
        reactions.toggle_reaction(writers[(n + 1) % len(writers)], post, "heart")
    db.session.commit()


def measure(client, names):
    return {url: count_queries(client, url.format(**names)) for url in URLS}


def test_api_reads_with_a_token_run_the_same_few_queries_at_any_size(app, member):
    writers = [factories.member(f"writer{n}") for n in range(3)]
    thread = factories.thread(member, title="Hello and welcome back")
    blocking.block(member, writers[2])
    db.session.commit()
    grow(member, writers, thread, 3)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token_for(member)}"
    client.get("/api/v1/me")  # "last used" is written on the first request only
    names = {"thread": thread.id, "writer": writers[0].username}
    small = measure(client, names)
    grow(member, writers, thread, 25, start=3)
    large = measure(client, names)
    assert max(large.values()) <= LIMIT, large
    assert small == large
