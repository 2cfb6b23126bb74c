"""Email, against a real SMTP server on localhost: discreet by default, never naming an
anonymous author, always with a way out, and never lost when the server is down."""

import re
from pathlib import Path

from sqlalchemy import func, select

from forum import queue
from forum.database import db, utcnow
from forum.models import Notification, OutgoingEmail
from forum.services import digest, mail, posting, reactions
from tests import factories
from tests.helpers import free_port, signed_in


def verified(name: str, **choices):
    """A member with a confirmed address; replies in her own threads reach her as replies do
    (unless a test says otherwise), as these tests were written before they had a choice."""
    choices.setdefault("email_own_threads", choices.get("email_replies", "daily"))
    user = factories.member(name, email_verified_at=utcnow(), **choices)
    return user


def body(message, subtype: str) -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def link(message, pattern: str) -> str:
    found = re.search(rf"http://127\.0\.0\.1:5000({pattern}[^\s\"<]*)", body(message, "plain"))
    assert found, body(message, "plain")
    return found.group(1)


def everything(message) -> str:
    """Every header and both parts, as the receiving mail app has them."""
    headers = "\n".join(f"{name}: {value}" for name, value in message.items())
    return "\n".join([headers, body(message, "plain"), body(message, "html")])


def test_an_immediate_reply_email_is_discreet_with_both_parts_and_a_way_out(app, client, mailbox):
    hannah = verified("hannah", email_replies="immediately")
    priya = factories.member("priya")
    thread = factories.thread(hannah, title="Crying in the car park", body="Week one back.")
    response = signed_in(app, priya).post(
        f"/t/{thread.id}/reply", data={"body": "I did that too. It passes."}
    )
    assert response.status_code == 302
    [message] = mailbox.to("hannah@example.org")
    assert message["X-Envelope-To"] == "hannah@example.org"
    assert message["Subject"] == "New reply on Blossom"
    assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
    text = everything(message)
    for secret in ("Crying in the car park", "It passes", "priya", "Week one back"):
        assert secret not in text
    assert "There's a new reply in a thread you follow." in body(message, "plain")
    # The link goes to the reply itself.
    [notification] = db.session.scalars(select(Notification)).all()
    path = link(message, "/notifications/")
    assert path == f"/notifications/{notification.id}"
    assert client.get(path).status_code == 302  # behind the sign-in: nothing for a passer-by
    reply = db.session.scalars(select(posting.Post).where(posting.Post.position == 2)).one()
    response = signed_in(app, hannah).get(path)
    assert response.location == f"/t/{thread.id}?page=1#p{reply.position}"
    db.session.refresh(notification)
    assert notification.read_at is not None  # opening it from the email clears the bell
    # One-click unsubscribe: the headers, and the link works with no sign-in.
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert (
        f"List-Unsubscribe: <{unsubscribe}>".encode() in message.raw
    )  # whole, as mail apps read it
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in body(message, "plain")
    path = unsubscribe.removeprefix("http://127.0.0.1:5000")
    assert "Stop these emails?" in client.get(path).text
    db.session.refresh(hannah)
    assert hannah.email_own_threads == "immediately"  # opening the link changes nothing
    assert "You're unsubscribed" in client.post(path).text
    db.session.refresh(hannah)
    assert hannah.email_own_threads == "never"  # replies in her own threads


def test_a_member_who_opts_in_sees_titles_and_names(app, mailbox):
    hannah = verified("hannah", email_replies="immediately", email_show_content=True)
    thread = factories.thread(hannah, title="Crying in the car park")
    factories.reply(factories.member("priya"), thread, "It passes.")
    queue.run_waiting()  # the worker tells her, and sends what it wrote
    [message] = mailbox.to("hannah@example.org")
    assert message["Subject"] == "priya replied in “Crying in the car park”"


def test_no_email_ever_names_an_anonymous_author(app, mailbox):
    hannah = verified("hannah", email_replies="immediately", email_reactions="immediately",
                      email_show_content=True)  # fmt: skip
    secret = factories.member("zephyrine_q", display_name="Zephyrine Quill")
    thread = factories.thread(hannah, title="Nobody asks")
    opening = factories.opening_post(thread)
    posting.reply(secret, thread, "I see you.", anonymous=True)
    reactions.toggle_reaction(secret, opening, "hug")
    db.session.commit()
    queue.run_waiting()
    messages = mailbox.to("hannah@example.org")
    assert len(messages) == 2
    # The reply's email is written by the worker telling followers, so it may go second.
    assert "Anonymous parent 2 replied in “Nobody asks”" in {m["Subject"] for m in messages}
    for message in messages:
        text = everything(message)
        for trace in ("zephyrine", "Zephyrine", "Quill", f"/u/{secret.username}"):
            assert trace not in text


def test_unverified_addresses_get_no_notification_emails(app, mailbox):
    hannah = factories.member("hannah", email_replies="immediately")
    factories.reply(factories.member("priya"), factories.thread(hannah))
    queue.run_waiting()
    assert mailbox.messages == []


def test_without_a_mail_server_emails_become_files_and_the_log_says_where(app, caplog):
    hannah = verified("hannah", email_replies="immediately")
    folder = Path(app.config["MAIL_FOLDER"])
    before = set(folder.glob("*.eml"))
    factories.reply(factories.member("priya"), factories.thread(hannah))
    queue.run_waiting()
    [written] = set(folder.glob("*.eml")) - before
    assert "Subject: New reply on Blossom" in written.read_text()
    assert str(written) in caplog.text


def test_a_server_that_is_down_fails_no_request_and_loses_no_email(app, mailbox, smtp_server):
    hannah = verified("hannah", email_replies="immediately")
    thread = factories.thread(hannah)
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    response = signed_in(app, factories.member("priya")).post(
        f"/t/{thread.id}/reply", data={"body": "Sending love."}
    )
    assert response.status_code == 302
    [waiting] = db.session.scalars(select(OutgoingEmail)).all()
    # Nothing was tried, so the outage uses up none of the email's attempts.
    assert waiting.sent_at is None and waiting.attempts == 0
    runner = app.test_cli_runner()
    for _ in range(app.config["MAIL_MAX_ATTEMPTS"] + 1):  # a long outage, every run failing
        assert "0 will be tried again" not in runner.invoke(args=["send-emails"]).output
    app.config["MAIL_PORT"] = smtp_server.port
    result = runner.invoke(args=["send-emails"])
    assert "Sent 1 emails; 0 will be tried again." in result.output
    assert len(mailbox.to("hannah@example.org")) == 1
    assert "Sent 0 emails" in runner.invoke(args=["send-emails"]).output  # never twice


def test_a_refused_message_stays_in_the_outbox_for_the_next_run(app, mailbox):
    hannah = verified("hannah", email_replies="immediately")
    mailbox.refuse.add("hannah@example.org")
    factories.reply(factories.member("priya"), factories.thread(hannah))
    assert mail.send_pending().failed == 1
    [waiting] = db.session.scalars(select(OutgoingEmail)).all()
    assert waiting.sent_at is None and "550" in waiting.last_error
    mailbox.refuse.clear()
    assert mail.send_pending().sent == 1
    assert len(mailbox.to("hannah@example.org")) == 1


def test_a_message_that_keeps_failing_stops_after_the_last_attempt(app, mailbox):
    hannah = verified("hannah", email_replies="immediately")
    mailbox.refuse.add("hannah@example.org")
    factories.reply(factories.member("priya"), factories.thread(hannah))
    for _ in range(app.config["MAIL_MAX_ATTEMPTS"] + 2):
        mail.send_pending()
    [waiting] = db.session.scalars(select(OutgoingEmail)).all()
    assert waiting.attempts == app.config["MAIL_MAX_ATTEMPTS"]


def test_the_digest_gathers_what_was_missed_and_never_sends_twice(app, mailbox):
    hannah = verified("hannah")  # replies: daily digest by default
    priya = verified("priya")
    thread = factories.thread(hannah, title="Secret title")
    factories.reply(priya, thread, "One")
    factories.reply(priya, thread, "Two")
    factories.reply(hannah, factories.thread(priya), "Hello")
    assert mailbox.messages == []  # nothing straight away
    runner = app.test_cli_runner()
    result = runner.invoke(args=["send-digests"])
    assert "Wrote digests for 2 members. Sent 2 emails" in result.output
    [to_hannah] = mailbox.to("hannah@example.org")
    assert to_hannah["Subject"] == "Your Blossom digest"
    assert body(to_hannah, "plain").count("There's a new reply in a thread you follow.") == 2
    assert "Secret title" not in everything(to_hannah)
    assert to_hannah["List-Unsubscribe"]
    assert (
        "Wrote digests for 0 members. Sent 0 emails" in runner.invoke(args=["send-digests"]).output
    )
    assert len(mailbox.messages) == 2


def test_what_was_read_in_the_app_is_not_in_the_digest(app, mailbox):
    hannah = verified("hannah")
    factories.reply(factories.member("priya"), factories.thread(hannah))
    signed_in(app, hannah).post("/notifications/read")
    assert digest.send_digests().members == 0
    assert mailbox.messages == []


def test_a_digest_run_that_stops_halfway_loses_and_doubles_nothing(app, mailbox):
    """Each member's digest is queued in the same transaction that clears their notifications."""
    hannah, priya = verified("hannah"), verified("priya")
    factories.reply(priya, factories.thread(hannah), "To hannah")
    factories.reply(hannah, factories.thread(priya), "To priya")
    # The first run dies after writing hannah's digest, before priya's and before sending.
    with app.test_request_context():
        assert digest._digest_for(hannah.id)
        db.session.commit()
    pending = select(func.count()).select_from(Notification).where(Notification.digest_pending)
    assert db.session.scalar(pending) == 1  # priya's is still waiting
    run = digest.send_digests()
    assert run.members == 1 and run.emails.sent == 2
    assert len(mailbox.to("hannah@example.org")) == 1
    assert len(mailbox.to("priya@example.org")) == 1
    assert db.session.scalar(pending) == 0


def test_the_digest_unsubscribe_link_stops_every_daily_email(app, client, mailbox):
    hannah = verified("hannah", email_helped="daily", email_moderation="immediately")
    factories.reply(factories.member("priya"), factories.thread(hannah))
    digest.send_digests()
    [message] = mailbox.to("hannah@example.org")
    path = message["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:5000")
    assert "the daily digest" in client.get(path).text
    client.post(path)
    db.session.refresh(hannah)
    assert (hannah.email_replies, hannah.email_helped) == ("never", "never")
    assert hannah.email_moderation == "immediately"


def test_changed_or_made_up_unsubscribe_links_are_refused_kindly(app, client, mailbox):
    hannah = verified("hannah", email_replies="immediately")
    factories.reply(factories.member("priya"), factories.thread(hannah))
    mail.send_pending()
    [message] = mailbox.to("hannah@example.org")
    path = message["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:5000")
    for bad in (path[:-3] + "xyz", "/unsubscribe/abc", "/unsubscribe/" + "a" * 3000):
        response = client.post(bad)
        assert response.status_code == 400, bad
        assert "Try copying the whole link" in response.text
    db.session.refresh(hannah)
    assert hannah.email_replies == "immediately"


def test_email_choices_are_saved_and_bad_choices_refused(app, member):
    client = signed_in(app, member)
    page = client.get("/settings/email").text
    assert '<input checked id="replies-1" name="replies" type="radio" value="daily">' in page
    data = {"replies": "immediately", "reactions": "daily", "helped": "never",
            "moderation": "immediately", "show_content": "y"}  # fmt: skip
    assert client.post("/settings/email", data=data).status_code == 302
    db.session.refresh(member)
    assert (member.email_replies, member.email_reactions, member.email_helped) == (
        "immediately", "daily", "never")  # fmt: skip
    assert member.email_show_content
    response = client.post("/settings/email", data=data | {"replies": "hourly"})
    assert response.status_code == 400
    db.session.refresh(member)
    assert member.email_replies == "immediately"
