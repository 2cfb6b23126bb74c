"""The API's contract, walked over every path of its OpenAPI document as a visitor, a member,
another member and a moderator: no anonymous post ever shows its author in any field, hidden and
blocked posts read as on the pages, and each scope opens only its own operations."""

import json

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from forum.database import db
from forum.models import AccessToken
from forum.services import blocking, moderation_actions, posting, reactions, tokens
from tests import factories
from tests.api.people import ALL_SCOPES, call, token_for

SECRET_NAME = "Seraphina Quietly"
SECRET_USERNAME = "seraphinaq"


@pytest.fixture
def forum(app, moderator):
    """An anonymous author with an anonymous thread and reply, a named writer, a hidden post,
    a deleted one, and a member who blocked the named writer."""
    hidden_author = factories.member(SECRET_USERNAME, display_name=SECRET_NAME)
    writer = factories.member("wren", display_name="Wren Named")
    reader = factories.member("rosa")
    thread = factories.thread(hidden_author, title="Back at work and lost", anonymous=True)
    named = factories.reply(writer, thread, "You are not alone in this, truly.")
    anon_reply = posting.reply(
        hidden_author, thread, "Thank you, it means a lot to me.", anonymous=True,
        kindness_confirmed=True,
    )  # fmt: skip
    hidden = factories.reply(writer, thread, "A reply a moderator will hide.")
    gone = factories.reply(writer, thread, "A reply its author deletes.")
    db.session.commit()
    moderation_actions.hide_post(moderator, hidden, "Off topic")
    posting.delete_post(writer, gone)
    reactions.toggle_reaction(writer, anon_reply, "hug")
    blocking.block(reader, writer)
    db.session.commit()
    return {
        "hidden_author": hidden_author, "writer": writer, "reader": reader, "thread": thread,
        "named": named, "anon_reply": anon_reply, "hidden": hidden, "gone": gone,
        "moderator": moderator,
    }  # fmt: skip


def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def test_the_document_is_valid_openapi_3_1(client):
    found = document(client)
    assert found["openapi"].startswith("3.1")
    validate(found)


def operations(client):
    for path, methods in document(client)["paths"].items():
        for method, operation in methods.items():
            yield path, method.upper(), operation


def fill(path: str, f: dict, post_id: int) -> str:
    return (
        path.replace("{slug}", "back-to-work")
        .replace("{thread_id}", str(f["thread"].id))
        .replace("{post_id}", str(post_id))
        .replace("{username}", "wren")
        .replace("{kind}", "hug")
    )


def query_for(path: str) -> str:
    return "?q=alone" if path.endswith("/search") else ""


def no_anonymous_author(data, anonymous_ids: set[int]) -> None:
    """Every post shown as anonymous carries its label and nulls; nothing names its author."""
    text = json.dumps(data)
    for secret in (SECRET_NAME, SECRET_USERNAME, "Seraphina"):
        assert secret not in text, text
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("anonymous") is True:
                assert item["username"] is None and item["profile_url"] is None
                assert item["avatar"] is None and item["label"].startswith("Anonymous parent")
            if item.get("id") in anonymous_ids and "author" in item and item["author"]:
                assert item["author"]["anonymous"] is True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


READERS = ("visitor", "reader", "writer", "moderator")


def test_no_path_shows_an_anonymous_author_to_anyone_else(client, forum):
    secrets = {who: token_for(forum[who]) for who in READERS if who != "visitor"}
    secrets["visitor"] = None
    anonymous_ids = {forum["anon_reply"].id, factories.opening_post(forum["thread"]).id}
    walked = set()
    for path, method, _ in operations(client):
        if method != "GET":
            continue
        for who in READERS:
            for post_id in anonymous_ids:
                url = fill(path, forum, post_id) + query_for(path)
                answer = call(client, "GET", url, secrets[who])
                assert answer.status_code < 500, (url, answer.text)
                if who == "visitor" and (path + "/").startswith("/api/v1/me/"):
                    assert answer.status_code == 401
                    continue
                assert answer.status_code == 200, (who, url, answer.text)
                no_anonymous_author(answer.get_json(), anonymous_ids)
                walked.add(path)
    assert walked == {p for p, m, _ in operations(client) if m == "GET"} - {"/api/v1/openapi.json"}


def test_writing_anonymously_answers_with_the_label_alone(client, forum):
    secret = token_for(forum["hidden_author"])
    thread = forum["thread"]
    answer = call(client, "POST", f"/api/v1/threads/{thread.id}/posts", secret,
                  {"body": "Still here, one day at a time."})  # fmt: skip
    assert answer.status_code == 201, answer.text
    post = answer.get_json()["post"]
    # She started the thread anonymously, so her reply is anonymous unless she says otherwise.
    assert post["author"] == {"label": "Anonymous parent (original poster)", "anonymous": True,
                              "username": None, "profile_url": None, "avatar": None}  # fmt: skip
    assert post["mine"] is True
    text = answer.text
    assert SECRET_NAME not in text and SECRET_USERNAME not in text


def _thread_posts(client, forum, who):
    secret = token_for(forum[who]) if who != "visitor" else None
    answer = call(client, "GET", f"/api/v1/threads/{forum['thread'].id}", secret)
    return {p["id"]: p for p in answer.get_json()["posts"]}


@pytest.mark.parametrize("who", ["visitor", "reader", "moderator"])
def test_hidden_and_deleted_posts_read_as_on_the_pages(client, forum, who):
    posts = _thread_posts(client, forum, who)
    hidden, gone = posts[forum["hidden"].id], posts[forum["gone"].id]
    assert gone["placeholder"] == "This post was deleted by its author."
    assert gone["author"] is None and gone["body_html"] is None
    if who == "moderator":
        assert hidden["placeholder"] is None and "will hide" in hidden["body_html"]
    else:
        assert hidden["placeholder"] == "This post was hidden by a moderator."
        assert (
            hidden["author"] is None and hidden["body_html"] is None and hidden["reactions"] == []
        )
    thread_page = client.get(f"/t/{forum['thread'].id}").text
    if who == "visitor":
        assert hidden["placeholder"] in thread_page and gone["placeholder"] in thread_page


def test_a_blocked_members_posts_come_folded_and_anonymous_ones_never(client, forum):
    posts = _thread_posts(client, forum, "reader")
    assert posts[forum["named"].id]["folded"] is True
    assert posts[forum["anon_reply"].id]["folded"] is False
    assert _thread_posts(client, forum, "writer")[forum["named"].id]["folded"] is False


def test_each_scope_opens_only_its_own_operations(client, forum):
    member = forum["writer"]
    target = forum["anon_reply"].id
    bodies = {
        "/api/v1/categories/{slug}/threads": {"title": "A new thread here", "body": "Words."},
        "/api/v1/threads/{thread_id}/posts": {"body": "Words for the thread."},
        "/api/v1/posts/{post_id}": {"body": "Changed words."},
        "/api/v1/posts/{post_id}/reports": {"reason": "spam"},
        "/api/v1/me/notifications/read": {},
    }
    for path, method, operation in operations(client):
        needed = [s for s in ALL_SCOPES if f"`{s}`" in operation.get("description", "")]
        if not needed:
            assert method == "GET", (method, path)  # every write needs a scope
            continue
        url = fill(path, forum, target)
        payload = bodies.get(path) if method in ("POST", "PATCH") else None
        answer = call(client, method, url, None, payload)
        assert answer.status_code == 401, (method, path)
        for scope in ALL_SCOPES:
            if scope == needed[0]:
                continue
            secret = token_for(member, [scope])
            answer = call(client, method, url, secret, payload)
            assert answer.status_code == 403, (scope, method, path, answer.text)
            assert answer.get_json()["error"]["code"] == "insufficient_scope"
        secret = token_for(member, [needed[0]])
        answer = call(client, method, url, secret, payload)
        assert answer.get_json().get("error", {}).get("code") != "insufficient_scope", (
            method,
            path,
        )
        db.session.execute(AccessToken.__table__.delete())
        db.session.commit()
    assert tokens.SCOPES.keys() == set(ALL_SCOPES)
    assert db.session.scalar(select(AccessToken)) is None


def test_no_token_reaches_the_account_itself_and_every_answer_is_json(client, member):
    """No path changes an email or password, downloads or deletes an account, or reveals an
    author; and whatever is asked under /api/, the answer is JSON with a code."""
    paths = " ".join(document(client)["paths"])
    for never in ("password", "email", "privacy", "download", "delete", "reveal", "settings"):
        assert never not in paths
    secret = token_for(member)
    for method, url in (
        ("GET", "/api/v1/nowhere"),
        ("POST", "/api/v1/categories"),
        ("GET", "/api/v2/categories"),
        ("DELETE", "/api/v1/me"),
        ("GET", "/api/v1/threads/99999999999"),
    ):
        answer = call(client, method, url, secret)
        assert answer.status_code in (404, 405), (method, url)
        assert answer.get_json()["error"]["code"] in ("not_found", "method_not_allowed")
        assert answer.headers["Cache-Control"] == "no-store"
