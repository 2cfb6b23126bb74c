"""Private replies to an anonymous post: both sides only by post-scoped aliases, everywhere."""

import json
import re
from html import unescape

from sqlalchemy import select, update

from forum import queue
from forum.database import db
from forum.models import Conversation, ModerationAction, User
from forum.services import mail, messaging, posting
from tests import factories
from tests.helpers import signed_in
from tests.messages.people import accepted, ready, talked
from tests.support.anonymity import ANON_ID, anonymous_author, leaks, text_leaks

REPLIER_ID = 73857
REPLIER = ("marigold_v", "Marigold Vance", "Beekeeper in the Fennwick hills")


def distinctive_replier() -> User:
    user = factories.member(REPLIER[0], display_name=REPLIER[1], bio=REPLIER[2])
    first = user.id
    db.session.expunge(user)
    db.session.execute(update(User).where(User.id == first).values(id=REPLIER_ID))
    db.session.commit()
    return ready(db.session.get(User, REPLIER_ID))


def replier_leaks(text: str) -> list[str]:
    lowered = unescape(text).lower()
    found = [token for token in REPLIER if token.lower() in lowered]
    if str(REPLIER_ID) in text:
        found.append("replier's id")
    return found


def anonymous_post(author: User):
    thread = factories.thread(author, title="Back at work and so tired", anonymous=True)
    ready(author)
    post = factories.opening_post(thread)
    return thread, post


def test_private_replies_are_off_until_the_author_allows_them(app):
    author = anonymous_author()
    replier = distinctive_replier()
    thread, post = anonymous_post(author)
    them = signed_in(app, replier)
    assert "Reply privately" not in them.get(f"/t/{thread.id}").text
    assert them.get(f"/p/{post.id}/private-reply").status_code == 404
    # Only its author may turn them on; anyone else gets what a missing post gets.
    assert them.post(f"/p/{post.id}/private-replies", data={"allow": "1"}).status_code == 404
    her = signed_in(app, author)
    assert "Allow private replies" in her.get(f"/t/{thread.id}").text
    assert her.post(f"/p/{post.id}/private-replies", data={"allow": "1"}).status_code == 302
    page = them.get(f"/t/{thread.id}").text
    assert "Reply privately to Anonymous parent (original poster)" in page
    # A named post never offers it.
    named = factories.reply(author, thread)
    assert them.get(f"/p/{named.id}/private-reply").status_code == 404


def test_the_alias_never_reveals_either_account(app, moderator, mailbox):
    author = anonymous_author()
    author.email_replies = "immediately"
    author.email_verified_at = author.created_at
    replier = distinctive_replier()
    thread, post = anonymous_post(author)
    posting_post = db.session.get(type(post), post.id)
    posting_post.private_replies = True
    db.session.commit()
    them, her = signed_in(app, replier), signed_in(app, author)
    responses = {}
    responses["their request form"] = them.get(f"/p/{post.id}/private-reply")
    sent = them.post(f"/p/{post.id}/private-reply", data={"body": "Me too. How are nights?"})
    assert sent.status_code == 302
    queue.run_waiting()  # she hears of it after the response has gone
    conversation = db.session.scalar(select(Conversation))
    key = conversation.key
    url = f"/messages/{key}"
    responses["her list"] = her.get("/messages")
    responses["her notifications"] = her.get("/notifications")
    responses["her request"] = her.get(url)
    assert "A parent from the thread" in responses["her request"].text
    her.post(f"{url}/accept")
    her.post(url, data={"body": "Thank you, nights are long"})
    them.post(url, data={"body": "They get easier"})
    responses["their list"] = them.get("/messages")
    responses["their conversation"] = them.get(url)
    responses["their notifications"] = them.get("/notifications")
    responses["her conversation"] = her.get(url)
    assert "Anonymous parent (original poster)" in responses["their conversation"].text
    message_id = re.findall(r'id="m(\d+)"', responses["her conversation"].text)[-1]
    responses["her report form"] = her.get(f"{url}/{message_id}/report")
    her.post(f"{url}/{message_id}/report", data={"reason": "unkind", "context": "2"})
    mod = signed_in(app, moderator)
    report_id = re.search(r"/mod/messages/(\d+)/read", mod.get("/mod/").text).group(1)
    responses["moderator's reading"] = mod.post(f"/mod/messages/{report_id}/read")
    assert "They get easier" in responses["moderator's reading"].text
    their_data = them.post("/settings/privacy/download", data={"password": factories.PASSWORD})
    her_data = her.post("/settings/privacy/download", data={"password": factories.PASSWORD})

    for where, response in responses.items():
        assert response.status_code == 200, where
        # Each reads her own name in the header, and never the other side's.
        if not where.startswith("her"):
            assert leaks(app, response) == [], where  # the anonymous author
        if where.startswith(("her", "moderator")):
            assert replier_leaks(response.get_data(as_text=True)) == [], where
        # No profile link or avatar for either side.
        body = response.get_data(as_text=True)
        if where.startswith(("their conv", "her conv", "her req")):
            assert "/u/" not in body.split("<main", 1)[1].split("</main>")[0], where
            assert "avatar" not in body.split("<main", 1)[1], where
    mail.send_pending()  # what the queue wrote, as `send-emails` sends it
    emails = mailbox.to(f"{author.username}@example.org")
    assert emails, "the request and the message are emailed to her, straight away"
    for emailed in emails:  # to her, so only the replier must not show
        assert replier_leaks(emailed.as_string()) == []
        assert "Marigold" not in emailed.as_string()
    assert json.loads(their_data.data)["conversations"][0]["with"] == (
        "Anonymous parent (original poster)"
    )
    assert text_leaks(their_data.get_data(as_text=True), "their download") == []
    assert replier_leaks(json.dumps(json.loads(her_data.data)["conversations"])) == []
    # The moderator learns who only through the reveal, which is logged.
    revealed = mod.post(
        f"/mod/messages/{report_id}/reveal", data={"reason": "Checking on a pattern"}
    )
    assert REPLIER[0] in revealed.text
    assert (
        db.session.scalar(
            select(ModerationAction.action).where(ModerationAction.action == "reveal")
        )
        == "reveal"
    )
    assert ANON_ID  # the author's id is the one leaks() looks for


def test_names_show_only_when_both_choose(app, member, other_member):
    thread, post = anonymous_post(member)
    post.private_replies = True
    db.session.commit()
    ready(other_member)
    conversation = messaging.request(other_member, None, "Hello there", post=post).conversation
    messaging.accept(member, conversation)
    db.session.commit()
    hannah, priya = signed_in(app, member), signed_in(app, other_member)
    url = f"/messages/{conversation.key}"
    priya.post(f"{url}/name/show")
    assert "hannah" not in priya.get(url).text and "Anonymous parent" in priya.get(url).text
    assert "priya" not in hannah.get(url).text.lower().replace("privately", "")
    hannah.post(f"{url}/name/show")
    assert "hannah" in priya.get(url).text and "priya" in hannah.get(url).text


def test_blocking_from_a_private_reply_acts_on_the_hidden_account_without_folding_posts(
    app, member, other_member
):
    thread, post = anonymous_post(member)
    post.private_replies = True
    db.session.commit()
    ready(other_member)
    conversation = messaging.request(other_member, None, "Hello there", post=post).conversation
    db.session.commit()
    hannah = signed_in(app, member)
    assert hannah.post(f"/messages/{conversation.key}/block").status_code == 302
    blocked = hannah.get("/settings/blocked").text
    assert "blocked 1 parent from private replies" in blocked and "priya" not in blocked
    # Priya's named posts aren't folded for Hannah: that would say who wrote to her.
    named = factories.reply(other_member, thread)
    page = hannah.get(f"/t/{thread.id}").text
    assert named.body_markdown.split(" (")[0] in page
    # And Priya can't reach her again, answered as any request.
    other_member.messages_from = "anyone"
    member.messages_from = "anyone"
    db.session.commit()
    again = messaging.request(other_member, member, "Hi again")
    assert again.conversation.silenced


def test_a_deleted_post_takes_no_private_replies(app, member, other_member):
    thread, post = anonymous_post(member)
    post.private_replies = True
    db.session.commit()
    ready(other_member)
    posting.delete_post(member, post)
    db.session.commit()
    priya = signed_in(app, other_member)
    assert priya.get(f"/p/{post.id}/private-reply").status_code == 404


def test_a_private_reply_to_someone_she_blocked_by_name_is_answered_as_any_other(
    app, member, other_member
):
    """Her own block of the hidden author must not say who the author is."""
    from forum.services import blocking

    thread, post = anonymous_post(member)
    post.private_replies = True
    ready(other_member)
    blocking.block(other_member, member)
    db.session.commit()
    priya = signed_in(app, other_member)
    answer = priya.post(f"/p/{post.id}/private-reply", data={"body": "Thinking of you"})
    assert answer.status_code == 302
    conversation = db.session.scalar(select(Conversation))
    assert conversation.silenced
    assert conversation.key not in signed_in(app, member).get("/messages").text


def private_reply(author: User, replier: User) -> tuple:
    """A private reply to the author's anonymous post, accepted."""
    thread, post = anonymous_post(author)
    post.private_replies = True
    db.session.commit()
    ready(replier)
    conversation = messaging.request(replier, None, "Hello there", post=post).conversation
    messaging.accept(author, conversation)
    db.session.commit()
    return thread, conversation


def test_a_block_from_a_private_reply_is_never_named_back_to_either_side(app, member, other_member):
    """Neither the one who blocked an alias nor the one blocked is told "you've blocked this
    member" when writing to the other by name: that would say who the alias was."""
    carmen = factories.member("carmen")
    thread, conversation = private_reply(member, other_member)
    talked(member, other_member, carmen)
    for who in (member, other_member, carmen):
        who.messages_from = "anyone"
    db.session.commit()
    # The replier blocks the alias: each side then writes to the other by name.
    priya, hannah = signed_in(app, other_member), signed_in(app, member)
    assert priya.post(f"/messages/{conversation.key}/block").status_code == 302
    for writer, browser, to in ((other_member, priya, "hannah"), (member, hannah, "priya")):
        browser.get("/")
        answer = browser.post(f"/u/{to}/message", data={"body": "Hi, a question"})
        assert answer.status_code == 302, answer.text
        assert "blocked" not in browser.get(answer.location).text.lower(), writer
        sent = db.session.scalar(select(Conversation).order_by(Conversation.id.desc()))
        assert sent.silenced
        messaging.leave(writer, sent)  # so that the other may write in turn
        db.session.commit()


def test_a_block_ends_only_the_conversations_of_its_own_kind(app, member, other_member):
    """A block by name leaves private replies open and a block of an alias leaves named
    conversations open: otherwise blocking, looking and unblocking would unmask the alias."""
    from forum.services import blocking

    talked(member, other_member)
    named = accepted(member, other_member, "Hello by name")
    thread, alias = private_reply(member, other_member)
    blocking.block(member, other_member)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Conversation, named.id).state == "closed"
    assert db.session.get(Conversation, alias.id).state == "open"
    priya = signed_in(app, other_member)
    sent = priya.post(f"/messages/{alias.key}", data={"body": "Still here for you"})
    assert sent.status_code == 302
    blocking.unblock(member, other_member)
    db.session.commit()
    again = accepted(member, other_member, "Sorry, hello again")
    hannah = signed_in(app, member)
    assert hannah.post(f"/messages/{alias.key}/block").status_code == 302
    db.session.expire_all()
    assert db.session.get(Conversation, alias.id).state == "closed"
    assert db.session.get(Conversation, again.id).state == "open"
    sent = hannah.post(f"/messages/{again.key}", data={"body": "How are you?"})
    assert sent.status_code == 302


def test_an_alias_stays_an_alias_when_its_account_is_deleted(app, member, other_member):
    from forum.services import privacy

    thread, conversation = private_reply(member, other_member)
    privacy.delete_account(member, factories.PASSWORD, keep_posts=True)
    db.session.commit()
    page = signed_in(app, other_member).get(f"/messages/{conversation.key}").text
    assert "Anonymous parent (original poster)" in page and "former member" not in page.lower()
