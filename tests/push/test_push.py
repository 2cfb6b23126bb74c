"""Web push end to end, with no internet: a reply reaches a real push service on localhost,
signed (VAPID) and encrypted (aes128gcm), and what the lock screen would show is discreet."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from forum import queue
from forum.database import db, utcnow
from forum.models import (
    EmailTopic,
    LoginSession,
    Notification,
    PushSubscription,
    QuietDays,
    ReportReason,
)
from forum.push_transport import NotAllowedEndpoint, check_endpoint, post
from forum.services import notify, posting, push, push_delivery
from tests import factories
from tests.helpers import signed_in


def turn_on(app, user, service):
    """She turns push on from the settings page in her browser, then puts the phone down."""
    device = service.device()
    browser = signed_in(app, user)
    response = browser.post("/settings/push/subscribe", json=device.as_json())
    assert response.status_code == 201, response.text
    away(user)
    return device, browser


def away(user):
    """Her sign-ins were last used half an hour ago: she isn't on the site now."""
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id)
        .values(last_seen_at=utcnow() - timedelta(minutes=30))
    )
    db.session.commit()


def burst_over(user):
    """Ten minutes pass: her devices' last pushes and her notifications move back in time."""
    earlier = timedelta(minutes=10)
    for sub in db.session.scalars(
        select(PushSubscription).where(PushSubscription.user_id == user.id)
    ):
        sub.created_at -= earlier
        sub.last_push_at = sub.last_push_at and sub.last_push_at - earlier
    for row in db.session.scalars(select(Notification).where(Notification.user_id == user.id)):
        row.created_at, row.updated_at = row.created_at - earlier, row.updated_at - earlier
    db.session.commit()


def test_a_reply_reaches_her_phone_discreetly(app, pushing, member, other_member):
    device, _ = turn_on(app, member, pushing)
    thread = factories.thread(member, title="Pumping in the supply cupboard at work")
    factories.reply(other_member, thread, "Secret words about the cupboard")  # and the worker
    assert pushing.errors == []
    [received] = pushing.to(device)
    notification = db.session.scalars(select(Notification)).one()
    assert received.shown == {
        "title": "New reply on Blossom",
        "body": "There's a new reply in a thread you follow.",
        "url": f"/notifications/{notification.id}",
        "tag": "replies",
    }
    assert received.headers["topic"] == "replies"
    words = str(received.shown) + str(received.headers)
    for private in ("Pumping", "cupboard", "priya", other_member.display_name):
        assert private not in words


def test_an_anonymous_reply_never_names_or_labels_its_author(app, pushing, member, other_member):
    device, browser = turn_on(app, member, pushing)
    thread = factories.thread(member)
    posting.reply(other_member, thread, "Anonymous words here", anonymous=True,
                  kindness_confirmed=True, named_confirmed=True)  # fmt: skip
    db.session.commit()
    queue.run_waiting()
    [discreet] = pushing.to(device)
    assert "Anonymous" not in str(discreet.shown)
    # She chooses to see more on this device: the label, as the thread page shows it, never a name.
    sub = db.session.scalars(select(PushSubscription)).one()
    assert (
        browser.post(f"/settings/push/{sub.id}/show-more", data={"show_more": "1"}).status_code
        == 302
    )
    burst_over(member)
    away(member)
    posting.reply(other_member, thread, "More anonymous words", anonymous=True,
                  kindness_confirmed=True, named_confirmed=True)  # fmt: skip
    db.session.commit()
    queue.run_waiting()
    assert pushing.errors == []
    more = pushing.to(device)[-1]
    assert "Anonymous parent" in more.shown["body"]
    for private in ("priya", other_member.display_name, "anonymous words"):
        assert private.lower() not in str(more.shown).lower()


def test_gone_subscriptions_are_deleted(app, pushing, member, other_member):
    device, _ = turn_on(app, member, pushing)
    pushing.answer(device, 410)
    factories.reply(other_member, factories.thread(member))
    queue.run_waiting()
    assert db.session.scalars(select(PushSubscription)).all() == []
    device, _ = turn_on(app, member, pushing)
    pushing.answer(device, 404)
    factories.reply(other_member, factories.thread(member))
    queue.run_waiting()
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_a_busy_push_service_is_tried_again_later(app, pushing, member, other_member):
    device, _ = turn_on(app, member, pushing)
    pushing.answer(device, 429, headers={"Retry-After": "120"})
    pushing.answer(device, 503)
    factories.reply(other_member, factories.thread(member))
    queue.run_waiting()
    sub = db.session.scalars(select(PushSubscription)).one()
    assert sub.failures == 1 and sub.retry_at > utcnow() + timedelta(seconds=100)
    assert push_delivery.sweep_pushes.call_local() == 0  # not before it said
    db.session.execute(update(PushSubscription).values(retry_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    push_delivery.sweep_pushes.call_local()
    queue.run_waiting()
    db.session.expire_all()
    sub = db.session.scalars(select(PushSubscription)).one()
    assert sub.failures == 2  # 503: waits longer the second time (30 s, then 60 s)
    assert utcnow() + timedelta(seconds=45) < sub.retry_at < utcnow() + timedelta(seconds=61)
    assert pushing.to(device) == []
    db.session.execute(update(PushSubscription).values(retry_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    push_delivery.sweep_pushes.call_local()
    queue.run_waiting()
    assert len(pushing.to(device)) == 1
    db.session.expire_all()
    assert db.session.scalars(select(PushSubscription)).one().failures == 0
    assert len(pushing.hits) == 3


def test_a_redirect_is_never_followed(app, pushing, member, other_member):
    device, _ = turn_on(app, member, pushing)
    pushing.answer(device, 301, headers={"Location": f"{pushing.base}/elsewhere"})
    factories.reply(other_member, factories.thread(member))
    queue.run_waiting()
    assert "/elsewhere" not in pushing.hits
    assert len(pushing.hits) == 1


def test_no_push_while_she_is_on_the_site_or_in_quiet_hours(app, pushing, member, other_member):
    device, browser = turn_on(app, member, pushing)
    hour = utcnow().hour
    response = browser.post("/settings/push", data={
        "replies": "y", "moderation": "y", "quiet_days": QuietDays.EVERY_DAY,
        "quiet_from": hour, "quiet_until": (hour + 1) % 24, "time_zone": "UTC",
    })  # fmt: skip
    assert response.status_code == 302
    away(member)
    factories.reply(other_member, factories.thread(member))
    queue.run_waiting()
    push_delivery.sweep_pushes.call_local()
    queue.run_waiting()
    assert pushing.to(device) == []
    choices = push.choices_of(member)
    choices.quiet_days = QuietDays.OFF
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow()))  # she's reading
    db.session.commit()
    push_delivery.sweep_pushes.call_local()
    queue.run_waiting()
    assert pushing.to(device) == []
    away(member)
    push_delivery.sweep_pushes.call_local()
    queue.run_waiting()
    assert len(pushing.to(device)) == 1


def test_quiet_hours_read_her_own_clock():
    choices = push.PushChoices(
        quiet_days=QuietDays.WEEKDAYS, quiet_from=9, quiet_until=17, time_zone="America/New_York"
    )
    wednesday = utcnow().replace(year=2026, month=12, day=2, minute=0)
    assert push.in_quiet_hours(choices, wednesday.replace(hour=15))  # 10 am in New York
    assert not push.in_quiet_hours(choices, wednesday.replace(hour=23))  # 6 pm
    assert not push.in_quiet_hours(choices, wednesday.replace(day=5, hour=15))  # a Saturday
    night = push.PushChoices(quiet_days=QuietDays.EVERY_DAY, quiet_from=21, quiet_until=7,
                             time_zone="UTC")  # fmt: skip
    assert push.in_quiet_hours(night, wednesday.replace(hour=23))
    assert push.in_quiet_hours(night, wednesday.replace(hour=6))
    assert not push.in_quiet_hours(night, wednesday.replace(hour=12))


def test_one_push_per_burst_and_kinds_she_did_not_choose(app, pushing, member, other_member):
    device, _ = turn_on(app, member, pushing)
    thread = factories.thread(member)
    factories.reply(other_member, thread)
    queue.run_waiting()
    assert len(pushing.to(device)) == 1
    factories.reply(other_member, thread)
    queue.run_waiting()
    push_delivery.sweep_pushes.call_local()
    queue.run_waiting()
    assert len(pushing.to(device)) == 1  # the burst isn't over
    burst_over(member)
    push_delivery.sweep_pushes.call_local()
    queue.run_waiting()
    assert len(pushing.to(device)) == 2
    burst_over(member)
    notify.reacted(posting_opening(thread), "hug")  # reactions: never, by default
    db.session.commit()
    queue.run_waiting()
    push_delivery.sweep_pushes.call_local()
    queue.run_waiting()
    assert len(pushing.to(device)) == 2


def posting_opening(thread):
    return factories.opening_post(thread)


def test_an_at_risk_report_outcome_shows_the_support_lines(app, pushing, member, other_member):
    device, _ = turn_on(app, member, pushing)
    post = factories.opening_post(factories.thread(other_member))
    notify.reports_resolved(post, [(member.id, ReportReason.AT_RISK)], "actioned")
    db.session.commit()
    queue.run_waiting()
    [received] = pushing.to(device)
    first = push.safety.settings().lines[0]
    assert first.contact in received.shown["body"]
    assert received.shown["support_url"] == "/support"
    assert received.headers["urgency"] == "high"


def test_an_at_risk_push_names_her_countrys_line_in_her_language(
    app, pushing, member, other_member
):
    """A member in Mexico who reads Spanish: the first line is Mexico's, in Spanish."""
    member.country, member.locale = "MX", "es"
    device, _ = turn_on(app, member, pushing)
    post = factories.opening_post(factories.thread(other_member))
    notify.reports_resolved(post, [(member.id, ReportReason.AT_RISK)], "actioned")
    db.session.commit()
    queue.run_waiting()
    [received] = pushing.to(device)
    mexico = push.safety.settings("MX", "es").lines[0]
    assert mexico.name in received.shown["body"] and mexico.contact in received.shown["body"]
    assert push.safety.settings("US", "en").lines[0].contact not in received.shown["body"]


def test_send_a_test_and_remove(app, pushing, member):
    device, browser = turn_on(app, member, pushing)
    sub = db.session.scalars(select(PushSubscription)).one()
    page = browser.get("/settings/push")
    assert "Send a test" in page.text and "This device" in page.text
    assert browser.post(f"/settings/push/{sub.id}/test").status_code == 302
    queue.run_waiting()
    [received] = pushing.to(device)
    assert "test" in received.shown["body"]
    intruder = signed_in(app, factories.member("intruder"))
    assert intruder.post(f"/settings/push/{sub.id}/remove").status_code == 302
    assert db.session.scalars(select(PushSubscription)).one()  # not hers to remove
    assert intruder.post(f"/settings/push/{sub.id}/test").status_code == 404
    assert browser.post(f"/settings/push/{sub.id}/remove").status_code == 302
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_signing_out_on_that_device_deletes_its_subscription(app, pushing, member):
    _, browser = turn_on(app, member, pushing)
    response = browser.post("/logout")
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert db.session.scalars(select(PushSubscription)).all() == []


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "https://evil.example/push", "keys": {"p256dh": "x", "auth": "y"}},
        {"endpoint": "http://10.0.0.1/push", "keys": {}},
        {"endpoint": ["not", "text"], "keys": {"p256dh": 1, "auth": None}},
        {
            "endpoint": "https://fcm.googleapis.com/fcm/send/a",
            "keys": {"p256dh": "AAAA", "auth": "AAAA"},
        },
        {
            "endpoint": "https://fcm.googleapis.com/fcm/send/a",
            "keys": {"p256dh": "!" * 500 + "A" * 87, "auth": "?" * 300 + "A" * 22},
        },
        "a string",
        None,
    ],
)
def test_bad_subscriptions_are_refused_with_a_message(app, member, body):
    browser = signed_in(app, member)
    response = browser.post("/settings/push/subscribe", json=body)
    assert response.status_code == 400
    assert response.json["error"]
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_the_server_posts_only_to_push_services():
    allowed = ("fcm.googleapis.com", "*.push.apple.com", "localhost", "127.0.0.1")
    check_endpoint("https://fcm.googleapis.com/fcm/send/abc", allowed)
    check_endpoint("https://web.push.apple.com/x", allowed)
    check_endpoint("http://127.0.0.1:8080/push/x", allowed)  # listed as an address: plain HTTP too
    for endpoint in (
        "http://fcm.googleapis.com/fcm/send/abc",  # not https
        "https://fcm.googleapis.com.evil.example/x",
        "https://push.apple.com/x",
        "https://user:pw@fcm.googleapis.com/x",
        "file:///etc/passwd",
        "https://fcm.googleapis.com:99999/x",
        "https://[::1]/x",
    ):
        with pytest.raises(NotAllowedEndpoint):
            check_endpoint(endpoint, allowed)
    # A listed name that resolves to a loopback address is refused when it is sent to.
    with pytest.raises(NotAllowedEndpoint):
        post("https://localhost/push", b"", {}, allowed, timeout=2)


def test_her_devices_are_in_the_download_and_go_with_the_account(app, pushing, member):
    device, browser = turn_on(app, member, pushing)
    response = browser.post("/settings/privacy/download", data={"password": factories.PASSWORD})
    assert response.status_code == 200
    assert device.endpoint in response.text
    response = browser.post(
        "/settings/privacy/delete",
        data={"password": factories.PASSWORD, "posts": "keep", "understood": "y"},
    )
    assert response.status_code == 302, response.text
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'
    assert db.session.scalars(select(PushSubscription)).all() == []


def test_after_posting_she_reads_how_she_will_hear(app, pushing, member):
    _, browser = turn_on(app, member, pushing)
    response = browser.post(
        "/new",
        data={"category": "back-to-work", "title": "Back after twelve weeks",
              "body": "Today was a long day and I miss her."},
        follow_redirects=True,
    )  # fmt: skip
    assert "on this phone when someone replies" in response.text


def test_choices_refuse_bad_input_at_the_field(app, member):
    browser = signed_in(app, member)
    response = browser.post("/settings/push", data={
        "replies": "y", "quiet_days": "weekdays", "quiet_from": "9", "quiet_until": "9",
        "time_zone": "Europe/London",
    })  # fmt: skip
    assert response.status_code == 400
    assert "different times" in response.text
    response = browser.post("/settings/push", data={
        "quiet_days": "weekdays", "quiet_from": "nine", "quiet_until": "99", "time_zone": "Mars/Base",
    })  # fmt: skip
    assert response.status_code == 400
    assert push.choices_of(member).quiet_days == QuietDays.OFF


def test_the_members_told_at_once_share_one_task(app, pushing, member, other_member):
    thread = factories.thread(member)
    for number in range(3):
        factories.reply(factories.member(f"follower{number}"), thread)
    queue.huey.flush()
    posting.reply(other_member, thread, "Same here.", kindness_confirmed=True)
    db.session.commit()
    queue.huey.execute(queue.huey.dequeue())  # the fan-out: four followers hear of it
    assert queue.huey.pending_count() == 1  # and one push task for them all
    assert queue.run_waiting() == 1


def test_a_lost_task_loses_nothing(app, pushing, member, other_member):
    device, _ = turn_on(app, member, pushing)
    posting.reply(other_member, factories.thread(member), "Same here.", kindness_confirmed=True)
    db.session.commit()
    queue.huey.execute(queue.huey.dequeue())  # the fan-out
    queue.huey.flush()  # then the queue lost the push task
    assert push_delivery.sweep_pushes.call_local() == 1
    queue.run_waiting()
    assert len(pushing.to(device)) == 1
    assert push_delivery.sweep_pushes.call_local() == 0  # and it isn't sent twice


def test_without_push_she_reads_how_email_will_tell_her(app, member):
    assert notify.how_you_will_hear(member) == "We'll let you know here when someone replies."
    member.email_verified_at = utcnow()
    db.session.commit()
    assert "daily email" in notify.how_you_will_hear(member, EmailTopic.REPLIES)
