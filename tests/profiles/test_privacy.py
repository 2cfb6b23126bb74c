"""Downloading your data and deleting your account: password-confirmed, recorded, and never
revealing who wrote an anonymous post."""

import json

from sqlalchemy import func, select

from forum.database import db
from forum.models import (
    Notification,
    Post,
    PostRevision,
    PrivacyRequest,
    Subscription,
    Thread,
    ThreadVisit,
    User,
)
from forum.services import accounts, blocking, consistency, helpful, posting, reactions, reporting
from tests import factories


def requests_of(user_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(PrivacyRequest.kind)
            .where(PrivacyRequest.user_id == user_id)
            .order_by(PrivacyRequest.id)
        )
    )


def test_the_settings_have_a_your_data_tab(client, login, member):
    login(member)
    page = client.get("/settings")
    assert 'href="/settings/privacy"' in page.text and "Your data" in page.text
    privacy = client.get("/settings/privacy")
    assert privacy.status_code == 200
    assert "Download my data" in privacy.text and "Delete my account" in privacy.text


def test_both_need_a_signed_in_member(client):
    assert client.get("/settings/privacy").status_code == 302
    for path in ("/settings/privacy/download", "/settings/privacy/delete"):
        assert client.post(path, data={"password": factories.PASSWORD}).status_code == 401


def test_download_with_a_wrong_password_says_so_and_records_nothing(client, login, member):
    login(member)
    response = client.post("/settings/privacy/download", data={"password": "not my password"})
    assert response.status_code == 400
    assert "That isn&#39;t your password" in response.text
    assert 'id="download-password-error"' in response.text
    assert requests_of(member.id) == []


def test_download_has_everything_and_names_no_anonymous_poster(
    client, login, member, other_member, moderator
):
    # Hannah's own thread, and an anonymous one of hers in another category.
    mine = factories.thread(member, title="Pumping at work is so awkward")
    posting.start_thread(
        member,
        factories.category("postpartum-feelings"),
        "I don't feel like myself",
        "Nobody at home knows.",
        anonymous=True,
    )
    # Priya answers Hannah anonymously, and sends a hug.
    anonymous_reply = posting.reply(
        other_member, mine, "Same here, I hide in the stairwell.", anonymous=True
    )
    reactions.toggle_reaction(other_member, factories.opening_post(mine), "hug")
    # Hannah reacts to and reports someone else's post.
    theirs = factories.thread(other_member, title="Daycare drop-off tears")
    reactions.toggle_reaction(member, factories.opening_post(theirs), "heart")
    reporting.report_post(member, factories.opening_post(theirs), "spam", "Looks like an advert")
    db.session.commit()

    login(member)
    client.get(f"/t/{theirs.id}")  # she reads Priya's thread: how far is hers to take too
    response = client.post("/settings/privacy/download", data={"password": factories.PASSWORD})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.data)

    assert data["profile"]["username"] == "hannah"
    assert data["profile"]["email"] == "hannah@example.org"
    posts = {p["body_markdown"]: p for p in data["posts"]}
    [named] = [p for body, p in posts.items() if body.startswith("It was harder than I thought")]
    assert named["anonymous"] is False
    assert posts["Nobody at home knows."]["anonymous"] is True
    assert posts["Nobody at home knows."]["shown_as"] == "Anonymous parent (original poster)"
    assert [r["kind"] for r in data["reactions_given"]] == ["heart"]
    assert data["reports_filed"][0]["details"] == "Looks like an advert"
    assert data["reports_filed"][0]["reason"] == "Spam or advertising"
    assert {f["thread_title"] for f in data["following"]} == {
        "Pumping at work is so awkward",
        "I don't feel like myself",
    }
    [read] = data["threads_read"]
    assert read["thread_title"] == "Daycare drop-off tears" and read["read_up_to_post"] == 1
    texts = [n["text"] for n in data["notifications"]]
    assert "Anonymous parent 2 replied in “Pumping at work is so awkward”" in texts
    assert any("1 parent sent a hug" in text for text in texts)
    assert data["privacy_requests"][0]["kind"] == "export"

    # Nothing that could point at Priya, who answered anonymously.
    raw = response.data.decode()
    for clue in ("priya", "Priya", other_member.email, '"author', '"user_id"'):
        assert clue not in raw
    assert anonymous_reply.body_markdown not in raw  # her words are hers, not Hannah's data
    assert requests_of(member.id) == ["export"]


def test_delete_needs_the_password_and_the_box_ticked(client, login, member):
    factories.thread(member)
    login(member)
    wrong = client.post(
        "/settings/privacy/delete",
        data={"posts": "keep", "password": "not my password", "understood": "y"},
    )
    assert wrong.status_code == 400
    assert "That isn&#39;t your password" in wrong.text
    assert (
        '<input checked id="posts-1" name="posts" required type="radio" value="keep">' in wrong.text
    )
    unticked = client.post(
        "/settings/privacy/delete", data={"posts": "remove", "password": factories.PASSWORD}
    )
    assert unticked.status_code == 400 and "Tick this box if you&#39;re sure." in unticked.text
    unchosen = client.post(
        "/settings/privacy/delete", data={"password": factories.PASSWORD, "understood": "y"}
    )
    assert unchosen.status_code == 400
    db.session.expire_all()
    assert not member.is_deleted and member.username == "hannah"
    assert requests_of(member.id) == []
    assert client.get("/settings").status_code == 200  # still signed in


def delete(client, posts: str):
    return client.post(
        "/settings/privacy/delete",
        data={"posts": posts, "password": factories.PASSWORD, "understood": "y"},
    )


def test_deleting_and_keeping_posts_leaves_them_as_a_former_members(
    app, client, login, member, other_member
):
    thread = factories.thread(member, title="Back at work after twelve weeks")
    reply = factories.reply(member, factories.thread(other_member, title="Nap strikes again"))
    anonymous = posting.reply(member, thread, "Quietly: it gets easier.", anonymous=True)
    db.session.commit()
    thread_id, reply_id, anonymous_id, member_id = thread.id, reply.id, anonymous.id, member.id

    elsewhere = app.test_client()  # the same member, signed in on another device
    elsewhere.post("/login", data={"login": "hannah", "password": factories.PASSWORD})
    assert elsewhere.get("/settings").status_code == 200
    assert elsewhere.get(f"/t/{thread_id}").status_code == 200  # how far she read goes too
    login(member)
    response = delete(client, "keep")
    assert response.status_code == 302 and response.location.endswith("/goodbye")
    goodbye = client.get("/goodbye")
    assert "Thank you for being part of Blossom" in goodbye.text

    # Signed out here and on the other device; the old password opens nothing.
    assert client.get("/settings").status_code == 302
    assert elsewhere.get("/settings").status_code == 302
    refused = client.post("/login", data={"login": "hannah", "password": factories.PASSWORD})
    assert refused.status_code == 400 and "/logout" not in refused.text

    db.session.expire_all()
    former = db.session.get(User, member_id)
    assert former.is_deleted and former.display_name == "A former member"
    for scrubbed in ("hannah", "hannah@example.org"):
        assert scrubbed not in (
            former.username,
            former.email,
            former.username_key,
            former.email_key,
        )
    assert former.bio == "" and former.email_verified_at is None
    assert requests_of(member_id) == ["delete_keep"]
    assert db.session.scalar(
        select(func.count()).select_from(Subscription).where(Subscription.user_id == member_id)
    ) == 0  # fmt: skip
    assert db.session.scalar(
        select(func.count()).select_from(ThreadVisit).where(ThreadVisit.user_id == member_id)
    ) == 0  # fmt: skip

    page = client.get(f"/t/{thread_id}")
    assert "It was harder than I thought it would be." in page.text  # the post stays
    assert "A former member" in page.text and "/u/~former" not in page.text
    assert "Quietly: it gets easier." in page.text and "Anonymous parent 2" in page.text
    assert db.session.get(Post, reply_id).is_visible
    assert db.session.get(Post, anonymous_id).anonymous
    assert client.get("/u/hannah").status_code == 404
    assert client.get(f"/u/{former.username}").status_code == 404

    # The name is free again, for anyone (the same parent, one day, with a new account).
    again = accounts.register("Hannah", "hannah@example.org", "another long quiet morning")
    db.session.commit()
    assert again.id != member_id
    assert consistency.find_drift() == []

    # Reacting to a former member's post tells nobody.
    reactions.toggle_reaction(other_member, db.session.get(Post, reply_id), "heart")
    db.session.commit()
    assert db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.user_id == member_id)
    ) == 0  # fmt: skip


def test_deleting_and_removing_posts_takes_their_words_and_keeps_counters_exact(
    client, login, member, other_member
):
    thread = factories.thread(member, title="Back at work after twelve weeks")
    answered = factories.thread(other_member, title="Nap strikes again")
    factories.reply(other_member, thread, "You're doing brilliantly.")
    reply = factories.reply(member, answered, "Ours did that at ten months too.")
    posting.edit_post(member, reply, "Ours did that at ten months, it passed.")
    anonymous = posting.reply(member, answered, "And I cried about it.", anonymous=True)
    helpful.mark_helped(other_member, reply, True)
    db.session.commit()
    ids = (thread.id, answered.id, reply.id, anonymous.id, member.id)
    thread_id, answered_id, reply_id, anonymous_id, member_id = ids

    login(member)
    assert delete(client, "remove").status_code == 302
    db.session.expire_all()
    assert requests_of(member_id) == ["delete_remove"]
    mine = list(db.session.scalars(select(Post).where(Post.author_id == member_id)))
    assert len(mine) == 3
    for post in mine:
        if post.id == anonymous_id:  # erased later, at a moment of its own (test_account_removal)
            assert not post.is_deleted and post.remove_at is not None
            continue
        assert post.is_deleted and post.body_markdown == "" and post.body_html == ""
    assert db.session.scalar(select(func.count()).select_from(PostRevision)) == 0

    started = db.session.get(Thread, thread_id)
    assert started.title == "Removed by the parent who started it"
    assert started.reply_count == 1  # Priya's reply stays, shown
    assert db.session.get(Thread, answered_id).reply_count == 1  # the anonymous one, for now
    assert db.session.get(User, member_id).post_count == 0
    assert consistency.find_drift() == []

    page = client.get(f"/t/{answered_id}")
    assert page.status_code == 200
    assert "This post was deleted by its author." in page.text
    assert "Ours did that" not in page.text
    page = client.get(f"/t/{thread_id}")
    assert "You're doing brilliantly." in page.text
    assert "It was harder than I thought" not in page.text


def test_nobody_can_pass_for_a_former_member(client, login, member):
    login(member)
    response = client.post("/settings", data={"display_name": "A  Former member", "bio": ""})
    assert response.status_code == 400
    assert "kept for members who have left" in response.text
    db.session.expire_all()
    assert member.display_name == "hannah"


def test_a_block_on_a_former_member_stays_without_dead_links(client, login, member, other_member):
    blocking.block(other_member, member)
    db.session.commit()
    login(member)
    assert delete(client, "keep").status_code == 302
    login(other_member)
    page = client.get("/settings/blocked")
    assert page.status_code == 200
    assert "A former member" in page.text and "has left Blossom" in page.text
    assert "/u/~former" not in page.text and "unblock" not in page.text
