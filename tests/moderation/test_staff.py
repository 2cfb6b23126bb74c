"""Staff boundaries: a suspended or banned moderator has no powers; only admins take action about
staff; and a refusal on an anonymous post says nothing of who wrote it, and is logged."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from forum import queue
from forum.database import db
from forum.models import Action, ModerationAction, Role
from forum.services import appeals, moderation_actions, posting, sanctions
from forum.services.errors import NotAllowed
from tests import factories
from tests.helpers import signed_in
from tests.moderation.test_views import REASON, SERVICE_CALLS, Scene, count, field_error

RESTRICT = {
    "suspended": lambda admin, who: sanctions.suspend(admin, who, 7, "A week away from the team"),
    "banned": lambda admin, who: sanctions.ban(admin, who, "No longer trusted"),
}


@pytest.fixture
def scene(member, other_member, moderator) -> Scene:
    return Scene(member, other_member, moderator)


@pytest.fixture
def mod_client(app, moderator):
    return signed_in(app, moderator)


def form_errors(page: str) -> list[str]:
    found = re.search(r'<div class="form-error" role="alert">(.*?)</div>', page, re.S)
    return [unescape(e) for e in re.findall(r"<p>(.*?)</p>", found.group(1))] if found else []


def restricted(scene: Scene, role: str, restriction: str):
    staff = scene.moderator if role == "moderator" else factories.member("bea", role="admin")
    RESTRICT[restriction](scene.admin, staff)
    db.session.commit()
    return staff


@pytest.mark.parametrize(("role", "restriction"), [("moderator", "suspended"), ("admin", "banned")])
@pytest.mark.parametrize("name", SERVICE_CALLS)
def test_restricted_staff_have_no_powers_in_any_service(scene, role, restriction, name):
    staff = restricted(scene, role, restriction)
    before = scene.state()
    with pytest.raises(NotAllowed):
        SERVICE_CALLS[name](scene, staff)
    db.session.rollback()
    assert scene.state() == before


@pytest.mark.parametrize("restriction", RESTRICT)
def test_restricted_staff_cannot_answer_an_appeal(scene, restriction):
    decision = sanctions.warn(scene.admin, scene.thread_author, "Please keep it kind")
    entry = appeals.appeal(scene.thread_author, decision, "I was kind, I think")
    staff = restricted(scene, "moderator", restriction)
    with pytest.raises(NotAllowed):
        appeals.resolve_appeal(staff, entry, True, "Overturned")
    db.session.rollback()
    assert entry.status == "open"


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_a_suspended_moderator_signs_in_to_no_moderators_page(app, scene, role):
    staff = restricted(scene, role, "suspended")
    browser = signed_in(app, staff)
    assert browser.get("/mod/").status_code == 403
    assert browser.get("/mod/log").status_code == 403
    assert browser.get(f"/mod/posts/{scene.post.id}").status_code == 403
    before = scene.state()
    hide = browser.post(f"/mod/posts/{scene.post.id}/hide", data={"reason": REASON})
    assert hide.status_code == 403 and scene.state() == before
    home = browser.get("/").text
    assert 'href="/mod/"' not in home
    assert "Moderate this member" not in browser.get(f"/u/{scene.author.username}").text
    sanctions.lift_suspension(scene.admin, staff, "Welcome back")
    db.session.commit()
    assert browser.get("/mod/").status_code == 200  # powers come back with the suspension lifted


STAFF_SANCTIONS = [
    ("warn", {}), ("suspend", {"days": "7"}), ("ban", {"confirm_ban": "y"}),
]  # fmt: skip


@pytest.mark.parametrize("target_role", ["moderator", "admin"])
@pytest.mark.parametrize(("action", "data"), STAFF_SANCTIONS)
def test_a_moderator_cannot_warn_suspend_or_ban_other_staff(app, mod_client, target_role, action,
                                                            data):  # fmt: skip
    target = factories.member("sam", role=target_role)
    page = mod_client.get("/mod/members/sam").text
    assert f"/mod/members/sam/{action}" not in page  # no button the service would refuse
    assert "Only an admin can take action about a member of staff." in unescape(page)
    response = mod_client.post(f"/mod/members/sam/{action}", data={**data, "reason": "Testing"})
    assert response.status_code == 403
    assert form_errors(response.text) == ["Only an admin can take action about a member of staff."]
    assert (target.unread_warnings, target.suspended_until, target.banned_at) == (0, None, None)
    assert count(ModerationAction) == 0


@pytest.mark.parametrize(("action", "data"), STAFF_SANCTIONS)
def test_an_admin_may_warn_suspend_or_ban_a_moderator(app, action, data):
    admin = factories.member("ada", role="admin")
    target = factories.member("sam", role="moderator")
    browser = signed_in(app, admin)
    assert f"/mod/members/sam/{action}" in browser.get("/mod/members/sam").text
    response = browser.post(f"/mod/members/sam/{action}", data={**data, "reason": "Testing"})
    assert response.status_code == 302
    assert target.unread_warnings == 1 or target.is_suspended or target.is_banned


def test_sanctions_on_staff_are_refused_in_the_service(moderator):
    other = factories.member("sam", role=Role.MODERATOR)
    for call in (
        lambda: sanctions.warn(moderator, other, REASON),
        lambda: sanctions.suspend(moderator, other, 7, REASON),
        lambda: sanctions.ban(moderator, other, REASON),
    ):
        with pytest.raises(NotAllowed):
            call()
        db.session.rollback()
    assert count(ModerationAction) == 0


# Refusals on anonymous posts

ADMIN = "adaline_r"
ANONYMOUS_ATTEMPTS = {
    "hide": ({}, "post-reason-error"),
    "remove": ({}, "post-reason-error"),
    "edit": ({"body": "Rewritten by a moderator"}, "reason-error"),
}


def anonymous_replies(member, moderator):
    """An admin's anonymous reply and the moderator's own, in the same thread."""
    admin = factories.member(ADMIN, role="admin", display_name="Adaline Rook")
    thread = factories.thread(member, title="Evenings are the hardest")
    by_admin = posting.reply(
        admin, thread, "Words from someone.", anonymous=True, kindness_confirmed=True
    )
    own = posting.reply(
        moderator, thread, "Words from someone else.", anonymous=True, kindness_confirmed=True
    )
    db.session.commit()
    queue.run_waiting()  # the thread's followers are told, as the worker does
    return admin, by_admin, own


def normalised(page: str, post) -> str:
    page = page.replace(f"/{post.id}/", "/ID/").replace(f'/{post.id}"', '/ID"')
    page = re.sub(r"Anonymous parent \d+", "Anonymous parent N", page)
    page = re.sub(r"<time [^>]*>.*?</time>", "<time>", page)  # posted a second apart
    for token in set(re.findall(r'csrf_token" value="([^"]+)"', page)):  # signed with the time
        page = page.replace(token, "TOKEN")
    return re.sub(r"Words from someone( else)?\.", "Words", page)


@pytest.mark.parametrize("attempt", ANONYMOUS_ATTEMPTS)
def test_acting_on_an_admins_anonymous_post_refuses_like_acting_on_ones_own(
    app, mod_client, member, moderator, attempt
):
    admin, by_admin, own = anonymous_replies(member, moderator)
    data, error_id = ANONYMOUS_ATTEMPTS[attempt]
    mod_client.get("/")  # the welcome after signing in is shown once, here
    path = "/mod/posts/{}/edit" if attempt == "edit" else f"/mod/posts/{{}}/{attempt}"
    answers = [
        mod_client.post(path.format(post.id), data={**data, "reason": f"Trying {post.id}"})
        for post in (by_admin, own)
    ]
    assert [a.status_code for a in answers] == [403, 403]
    errors = [form_errors(a.text) for a in answers]
    assert errors[0] == errors[1] == ["You can't act on this post. Please ask an admin."]
    assert [field_error(a.text, error_id) for a in answers] == ["", ""]
    pages = [normalised(a.text.replace(f"Trying {p.id}", "Trying"), p)
             for a, p in zip(answers, (by_admin, own), strict=True)]  # fmt: skip
    assert pages[0] == pages[1]
    assert (by_admin.status, own.status) == ("visible", "visible")
    # Both refusals are in the log, alike, naming the moderator who tried and nobody else.
    entries = list(db.session.scalars(select(ModerationAction).order_by(ModerationAction.id)))
    assert [(e.action, e.moderator_id, e.post_id, e.reason) for e in entries] == [
        (Action.REFUSED, moderator.id, post.id, f"Trying {post.id}") for post in (by_admin, own)
    ]
    assert entries[0].detail == entries[1].detail
    other = signed_in(app, factories.member("mo_two", role="moderator"))
    # Other moderators don't read refusals: one says whose the post may be.
    assert "Trying" not in unescape(other.get("/mod/log").text)
    admin_log = unescape(
        signed_in(app, factories.member("ada_two", role="admin")).get("/mod/log").text
    )
    assert admin_log.count("the anonymous author") == 2 and "Trying" in admin_log
    assert "adaline" not in admin_log.lower() and "Adaline" not in admin_log
    assert "Trying" not in unescape(other.get(f"/mod/log?member={ADMIN}").text)
    assert "Trying" not in unescape(other.get("/mod/log?member=morgan").text)
    assert ADMIN not in other.get(f"/mod/posts/{by_admin.id}").text


def test_answering_an_appeal_about_an_admins_anonymous_post_refuses_the_same_way(
    app, mod_client, member, moderator
):
    admin, by_admin, own = anonymous_replies(member, moderator)
    decision = moderation_actions.remove_post(
        factories.member("bea", role="admin"), by_admin, "Off"
    )
    entry = appeals.appeal(admin, decision, "It was fine")
    db.session.commit()
    queue = mod_client.get("/mod/").text
    assert "The anonymous author" in queue and ADMIN not in queue
    response = mod_client.post(
        f"/mod/appeals/{entry.id}", data={"decision": "overturn", "reason": "Looks fine"}
    )
    assert response.status_code == 403
    assert form_errors(response.text) == ["You can't act on this post. Please ask an admin."]
    assert entry.status == "open" and by_admin.status == "removed"
    refused = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == Action.REFUSED)
    ).one()
    assert (refused.moderator_id, refused.post_id) == (moderator.id, by_admin.id)
    assert "Looks fine" not in mod_client.get("/mod/log").text  # refusals: for admins only
    log = signed_in(app, factories.member("ada_two", role="admin")).get("/mod/log").text
    assert ADMIN not in log and "Looks fine" in log
