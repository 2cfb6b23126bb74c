"""Writing through the API goes through the pages' services: the same second looks, crisis
support first, refusals as JSON with a message at the field, nothing half-written."""

import base64
import json

from sqlalchemy import func, select

from forum.database import db
from forum.models import Post, Report
from tests import factories
from tests.api.people import call, token_for


def test_read_a_thread_reply_and_react_as_the_readme_shows(client, member, other_member):
    thread = factories.thread(other_member)
    secret = token_for(member)
    read = call(client, "GET", f"/api/v1/threads/{thread.id}", secret)
    assert read.status_code == 200 and read.get_json()["posts"][0]["position"] == 1
    posted = call(client, "POST", f"/api/v1/threads/{thread.id}/posts", secret,
                  {"body": "Sending you a big hug, it gets easier."})  # fmt: skip
    assert posted.status_code == 201 and posted.get_json()["support"] is None
    opening = read.get_json()["posts"][0]["id"]
    reacted = call(client, "PUT", f"/api/v1/posts/{opening}/reactions/hug", secret)
    assert reacted.get_json()["reacted"] is True
    again = call(client, "PUT", f"/api/v1/posts/{opening}/reactions/hug", secret)
    assert again.get_json()["reactions"][1] == {"kind": "hug", "count": 1, "mine": True}
    taken = call(client, "DELETE", f"/api/v1/posts/{opening}/reactions/hug", secret)
    assert taken.get_json()["reacted"] is False


def test_a_kindness_pause_is_a_structured_answer_and_confirming_posts_it(
    client, member, other_member
):
    thread = factories.thread(other_member)
    secret = token_for(member)
    words = {"body": "You should just get over it and toughen up."}
    paused = call(client, "POST", f"/api/v1/threads/{thread.id}/posts", secret, words)
    error = paused.get_json()["error"]
    assert paused.status_code == 400 and error["code"] == "paused" and error["pause"] == "kindness"
    assert error["words"] and "body" in error["fields"]
    count = db.session.scalar(select(func.count(Post.id)))
    posted = call(client, "POST", f"/api/v1/threads/{thread.id}/posts", secret,
                  {**words, "confirm_kindness": True})  # fmt: skip
    assert posted.status_code == 201
    assert db.session.scalar(select(func.count(Post.id))) == count + 1


def test_words_that_read_as_a_crisis_answer_with_support_first(client, member):
    secret = token_for(member)
    started = call(client, "POST", "/api/v1/categories/back-to-work/threads", secret,
                   {"title": "I can't do this any more", "body": "I want to end my life."})  # fmt: skip
    assert started.status_code == 201, started.text
    support = started.get_json()["support"]
    assert support is not None and support["lines"] and support["intro"]
    assert db.session.scalar(select(Report.reason)) == "at_risk"  # the at-risk report is filed


def test_refusals_are_json_with_a_message_at_the_field_and_nothing_written(
    client, member, other_member
):
    thread = factories.thread(other_member)
    secret = token_for(member)
    url = f"/api/v1/threads/{thread.id}/posts"
    before = db.session.scalar(select(func.count(Post.id)))
    for sent, field in (
        ({"body": "   "}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"body": 5}, "body"),
        ({"words": "hello"}, "body"),
    ):
        answer = call(client, "POST", url, secret, sent)
        assert answer.status_code == 400, answer.text
        assert field in answer.get_json()["error"]["fields"]
    not_json = client.post(url, data="body=hi", headers={"Authorization": f"Bearer {secret}"})
    assert not_json.status_code == 400 and not_json.get_json()["error"]["code"] == "invalid"
    start = call(client, "POST", "/api/v1/categories/back-to-work/threads", secret,
                 {"title": "Hi", "body": "Short title"})  # fmt: skip
    assert start.status_code == 400 and "title" in start.get_json()["error"]["fields"]
    own = factories.opening_post(thread)
    mine = call(client, "PUT", f"/api/v1/posts/{own.id}/reactions/nope", secret)
    assert mine.status_code == 404
    assert (
        call(client, "PATCH", f"/api/v1/posts/{own.id}", secret, {"body": "Mine now"}).status_code
        == 403
    )
    assert db.session.scalar(select(func.count(Post.id))) == before


def test_ids_and_cursors_past_what_a_database_holds_are_refused_kindly(client, member):
    secret = token_for(member)
    marked = call(client, "POST", "/api/v1/me/notifications/read", secret, {"ids": [2**63]})
    assert marked.status_code == 400 and "ids.0" in marked.get_json()["error"]["fields"]
    cursor = base64.urlsafe_b64encode(json.dumps([True, "2026-01-01T00:00:00", 2**63]).encode())
    listed = client.get(f"/api/v1/categories/back-to-work/threads?cursor={cursor.decode()}")
    assert listed.status_code == 400 and listed.get_json()["error"]["fields"] == {
        "cursor": "Not ours."
    }
    for junk in ("e30", "!!!!", "W10", "bnVsbA"):
        answer = client.get(f"/api/v1/categories/back-to-work/threads?cursor={junk}")
        assert answer.status_code == 400, junk
    odd = (
        '[true, "2024-01-01T00:00:00", Infinity]', '[true, "2024-01-01T00:00:00", NaN]',
        '[true, "2024-01-01T00:00:00", 1.5]', '[true, 20240101, 1]', '["yes", "2024-01-01", 1]',
        '[true, "2024-01-01T00:00:00", true]',
    )  # fmt: skip
    for raw in odd:
        junk = base64.urlsafe_b64encode(raw.encode()).decode()
        answer = client.get(f"/api/v1/categories/back-to-work/threads?cursor={junk}")
        assert answer.status_code == 400, junk


def test_control_characters_are_dropped_as_the_forms_drop_them(client, member, other_member):
    thread = factories.thread(other_member)
    secret = token_for(member)
    posted = call(client, "POST", f"/api/v1/threads/{thread.id}/posts", secret,
                  {"body": "Hugs\x00 to you\r\nand yours"})  # fmt: skip
    assert posted.status_code == 201, posted.text
    assert "\x00" not in db.session.get(Post, posted.get_json()["post"]["id"]).body_markdown
    invisible = call(
        client, "POST", f"/api/v1/threads/{thread.id}/posts", secret, {"body": "\u200b\x00"}
    )
    assert invisible.status_code == 400
    found = client.get("/api/v1/search?q=hugs%00&category=back%00to")
    assert found.status_code == 400 and "category" in found.get_json()["error"]["fields"]
