"""The moderators' side: who may use it, the queue, every action and its audit entry, the log."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import func, select, update

from forum import create_app
from forum.config import TestConfig
from forum.database import db, utcnow
from forum.models import (
    Action,
    Category,
    MemberWarning,
    ModerationAction,
    Post,
    PostRevision,
    Report,
    Role,
    User,
)
from forum.services import appeals, moderation_actions, posting, reporting, sanctions
from forum.services.errors import NotAllowed
from tests import factories
from tests.helpers import signed_in

REASON = "Kept kind, as the guidelines ask."
MISSING_REASON = "Please write a reason: it goes in the log, and often to the member."


# Helpers


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def audit() -> list[ModerationAction]:
    return list(db.session.scalars(select(ModerationAction).order_by(ModerationAction.id)))


def report_statuses(post: Post | None = None) -> list[str]:
    statement = select(Report.status).order_by(Report.id)
    if post is not None:
        statement = statement.where(Report.post_id == post.id)
    return list(db.session.scalars(statement))


def queue_items(page: str) -> list[tuple[int, bool, str]]:
    """(post id, flagged at risk, the item's text) for each item of the queue, in order."""
    found = re.findall(
        r'<section class="card queue-item( at-risk)?" aria-labelledby="item-(\d+)">(.*?)</section>',
        page,
        re.S,
    )
    return [(int(post_id), bool(risk), unescape(body)) for risk, post_id, body in found]


def log_reasons(page: str) -> list[str]:
    return [unescape(r).strip() for r in re.findall(r'<td data-label="Reason">(.*?)</td>', page)]


def field_error(page: str, error_id: str) -> str:
    found = re.search(rf'<p class="error" id="{error_id}">(.*?)</p>', page, re.S)
    return unescape(found.group(1)) if found else ""


def report(reporter: User, post: Post, reason: str = "unkind", details: str = "") -> None:
    reporting.report_post(reporter, post, reason, details)
    db.session.commit()


@pytest.fixture
def mod(client, moderator, login):
    """The test's client, signed in as the moderator."""
    login(moderator)
    return client


@pytest.fixture
def busy_thread(member, other_member):
    """A thread an hour old by hannah, with two replies by priya a minute apart."""
    start = utcnow() - timedelta(hours=1)
    thread = posting.start_thread(
        member, factories.category(), "Pumping in a cupboard at work", "Is this normal?", at=start
    )
    first = posting.reply(
        other_member, thread, "It was a broom cupboard for me.", at=start + timedelta(minutes=1)
    )
    second = posting.reply(
        other_member, thread, "Ask HR for a proper room.", at=start + timedelta(minutes=2)
    )
    db.session.commit()
    return thread, first, second


class Scene:
    """A thread by hannah, an anonymous reply by priya that hannah reported, and an admin."""

    def __init__(self, member: User, other_member: User, moderator: User) -> None:
        self.admin = factories.member("ada", role="admin")
        self.moderator = moderator
        self.thread_author = member
        self.author = other_member
        self.thread = factories.thread(member, title="Back at my desk, heart at home")
        self.post = posting.reply(
            other_member,
            self.thread,
            "Honestly, just stop complaining.",
            anonymous=True,
            kindness_confirmed=True,
        )
        reporting.report_post(member, self.post, "unkind", "She told me to stop complaining.")
        db.session.commit()

    def url(self, template: str) -> str:
        return template.format(
            post=self.post.id, thread=self.thread.id, username=self.author.username
        )

    def state(self) -> dict:
        """Everything any moderation action could change."""
        post, thread, author = self.post, self.thread, self.author
        return {
            "post": (post.status, post.moderation_reason, post.body_markdown, post.edited_at),
            "thread": (thread.locked, thread.pinned, thread.category_id, thread.reply_count),
            "author": (
                author.role, author.banned_at, author.suspended_until, author.unread_warnings,
                author.post_count, author.restriction_reason,
            ),
            "reports": report_statuses(),
            "categories": sorted(db.session.execute(select(Category.slug, Category.thread_count))),
            "rows": [count(m) for m in (ModerationAction, MemberWarning, PostRevision)],
        }  # fmt: skip


@pytest.fixture
def scene(member, other_member, moderator) -> Scene:
    return Scene(member, other_member, moderator)


# Who may use the moderators' pages

ROUTE_ACTIONS = {
    "/mod/posts/<id:post_id>/<action>": ["dismiss", "hide", "remove", "restore", "reveal"],
    "/mod/threads/<id:thread_id>/<action>": ["lock", "unlock", "pin", "unpin", "move"],
    "/mod/members/<username>/<action>": [
        "warn", "suspend", "unsuspend", "ban", "unban", "role",
    ],
}  # fmt: skip


def moderation_routes() -> list:
    """Every method of every route under /mod, each action of a route taking one."""
    routes = []
    for rule in create_app(TestConfig).url_map.iter_rules():
        if not rule.rule.startswith("/mod"):
            continue
        actions = (
            ROUTE_ACTIONS.get(rule.rule, ["anything"]) if "action" in rule.arguments else [None]
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for action in actions:
                name = f"{method} {rule.rule}" + (f" {action}" if action else "")
                routes.append(pytest.param(rule.rule, method, action, id=name))
    return routes


MOD_ROUTES = moderation_routes()

EVERY_FIELD = {
    "reason": "Because I can",
    "days": "30",
    "category": "childcare",
    "role": "admin",
    "title": "A forged new title",
    "body": "Forged words",
    "decision": "overturn",
}


@pytest.fixture
def everything(member, other_member):
    """Something for each moderation route to act on: a removed reply, and its appeal."""
    admin = factories.member("ada", role="admin")
    thread = factories.thread(member)
    post = factories.reply(other_member, thread, "Words that were removed")
    decision = moderation_actions.remove_post(admin, post, "Unkind to a new parent")
    entry = appeals.appeal(other_member, decision, "I was having a bad day")
    db.session.commit()
    values = {
        "post_id": post.id,
        "thread_id": thread.id,
        "appeal_id": entry.id,
        "username": other_member.username,
        "slug": "reply-times",
        "report_id": 1,  # a reported message: refused before it is looked up
    }
    return values, post, thread, entry


def build(app, rule_text: str, values: dict, action: str | None) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.rule == rule_text)
    arguments = {name: action if name == "action" else values[name] for name in rule.arguments}
    return rule.build(arguments)[1]


def assert_nothing_changed(everything, member, other_member) -> None:
    _, post, thread, entry = everything
    assert [e.action for e in audit()] == [Action.REMOVE]
    assert post.status == "removed" and post.body_markdown == "Words that were removed"
    assert entry.status == "open"
    assert not thread.locked and not thread.pinned and thread.category.slug == "back-to-work"
    assert thread.title == "First week back and I cried in the car"
    assert (other_member.role, member.role) == ("member", "member")
    assert other_member.banned_at is None and other_member.suspended_until is None
    assert other_member.unread_warnings == 0


def test_the_route_list_covers_the_moderation_pages():
    rules = {param.values[0] for param in MOD_ROUTES}
    assert {
        "/mod/", "/mod/log", "/mod/posts/<id:post_id>", "/mod/posts/<id:post_id>/edit",
        "/mod/posts/<id:post_id>/<action>", "/mod/threads/<id:thread_id>/<action>",
        "/mod/members/<username>", "/mod/members/<username>/<action>",
        "/mod/appeals/<id:appeal_id>",
    } <= rules  # fmt: skip
    assert len(MOD_ROUTES) >= 24


@pytest.mark.parametrize(("rule", "method", "action"), MOD_ROUTES)
def test_a_member_gets_403_on_every_moderation_route(
    app, client, login, member, other_member, everything, rule, method, action
):
    login(member)
    url = build(app, rule, everything[0], action)
    response = client.open(url, method=method, data=EVERY_FIELD if method == "POST" else None)
    assert response.status_code == 403, url
    assert "Words that were removed" not in response.text
    assert_nothing_changed(everything, member, other_member)


@pytest.mark.parametrize(("rule", "method", "action"), MOD_ROUTES)
def test_a_visitor_is_sent_to_log_in(
    app, client, member, other_member, everything, rule, method, action
):
    url = build(app, rule, everything[0], action)
    response = client.open(url, method=method, data=EVERY_FIELD if method == "POST" else None)
    if method == "GET":
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/login?next=")
    else:  # a form sent after the session ended: asked to log in, with the text kept
        assert response.status_code == 401, url
        assert "Please log in again" in response.text and 'href="/login"' in response.text
        assert "Because I can" in response.text
    assert_nothing_changed(everything, member, other_member)


def test_moderators_and_admins_may_use_the_queue(app, mod, member):
    assert mod.get("/mod/").status_code == 200
    admin = factories.member("ada", role="admin")
    assert signed_in(app, admin).get("/mod/").status_code == 200


def test_the_header_counts_open_items_for_moderators_only(
    app, mod, moderator, member, other_member, scene
):
    report(factories.member("tomas"), scene.post)  # a second report on the same post: one item
    report(other_member, factories.opening_post(scene.thread), "at_risk", "She sounds so low")
    page = mod.get("/").text
    assert '<span class="count" aria-label="2 open">2</span>' in page
    for viewer in (signed_in(app, member), app.test_client()):
        page = viewer.get("/").text
        assert ' open">' not in page and 'href="/mod/"' not in page
    mod.post(f"/mod/posts/{scene.post.id}/dismiss", data={"reason": "Blunt, not unkind"})
    assert 'aria-label="1 open"' in mod.get("/").text
    # an open appeal is an item too
    decision = sanctions.warn(scene.admin, scene.author, "Please keep it gentle")
    appeals.appeal(scene.author, decision, "I didn't mean it that way")
    db.session.commit()
    assert 'aria-label="2 open"' in mod.get("/").text


# The queue


def test_the_queue_puts_someone_at_risk_first_then_most_reporters_then_oldest(
    mod, member, other_member
):
    thread = factories.thread(member, replies=4)
    posts = list(db.session.scalars(select(Post).order_by(Post.position)))
    tomas = factories.member("tomas")
    now = utcnow()
    plan = {  # post: the reports on it, and how many hours ago they came
        0: ([(other_member, "unkind"), (tomas, "spam")], 4),
        1: ([(other_member, "at_risk")], 1),
        2: ([(tomas, "unkind")], 5),
        3: ([(other_member, "other")], 3),
        4: ([(other_member, "spam"), (tomas, "unkind")], 2),
    }
    for index, (reports, hours) in plan.items():
        for reporter, reason in reports:
            reporting.report_post(reporter, posts[index], reason, "")
        db.session.execute(
            update(Report)
            .where(Report.post_id == posts[index].id)
            .values(created_at=now - timedelta(hours=hours))
        )
    db.session.commit()
    items = queue_items(mod.get("/mod/").text)
    assert [post_id for post_id, _, _ in items] == [posts[i].id for i in (1, 0, 4, 2, 3)]
    assert [at_risk for _, at_risk, _ in items] == [True, False, False, False, False]
    assert "Someone may be at risk" in items[0][2]
    assert "2 members reported a post in" in items[1][2]
    assert "1 member reported a post in" in items[3][2]
    assert thread.reply_count == 4  # two reporters hide nothing


def test_a_queue_item_shows_the_whole_post_its_author_reporters_and_history(
    app, mod, member, other_member
):
    admin = factories.member("ada", role="admin")
    sanctions.warn(admin, other_member, "Please keep it gentle, everyone here is tired.")
    thread = factories.thread(member)
    post = factories.reply(
        other_member, thread, "First you chose work.\n\nNow *live with it* and stop moaning."
    )
    report(member, post, "unkind", "She said I'm failing my baby.")
    report(factories.member("tomas"), post, "harassment", "Third time this week")
    report(factories.member("uma"), post, "spam")
    assert post.status == "pending"  # hidden by the reports, and still shown in full here
    [(post_id, at_risk, item)] = queue_items(mod.get("/mod/").text)
    assert post_id == post.id and not at_risk
    assert "3 members reported a post in" in item
    assert f'href="/p/{post.id}"' in item
    assert "<p>First you chose work.</p>" in item
    assert "<p>Now <em>live with it</em> and stop moaning.</p>" in item
    assert '<span class="tag">pending</span>' in item
    assert f'href="/mod/members/{other_member.username}"><bdi>priya</bdi> (@priya)</a>' in item
    assert "Posted anonymously" not in item
    assert "<strong>Unkind or judgemental</strong> from hannah" in item
    assert "“She said I'm failing my baby.”" in item
    assert "<strong>Harassment or bullying</strong> from tomas" in item
    assert "“Third time this week”" in item
    assert "<strong>Spam or advertising</strong> from uma" in item
    assert "<strong>warned</strong>" in item and "by ada" in item
    assert "Please keep it gentle, everyone here is tired." in item
    # others see only that it waits for a moderator
    page = app.test_client().get(f"/t/{thread.id}").text
    assert "This post is waiting for a moderator." in page and "stop moaning" not in page


def test_a_queue_item_marks_an_anonymous_post_and_names_nobody_until_revealed(
    app, mod, member, other_member
):
    """Moderators too learn who wrote an anonymous post only through a logged reveal."""
    thread = factories.thread(member)
    post = posting.reply(other_member, thread, "I resent my baby some days.", anonymous=True)
    report(member, post, "at_risk", "Please check on her")
    [(_, at_risk, item)] = queue_items(mod.get("/mod/").text)
    assert at_risk
    assert "priya" not in item and f"/mod/members/{other_member.username}" not in item
    assert "Anonymous parent 2" in item
    assert "Anonymous: reveal the author from the post's page" in item


def test_closed_reports_leave_the_queue(mod, scene):
    assert [i[0] for i in queue_items(mod.get("/mod/").text)] == [scene.post.id]
    data = {"reason": "Blunt, not unkind", "from_queue": "1", "next": "/mod/"}
    response = mod.post(f"/mod/posts/{scene.post.id}/dismiss", data=data)
    assert response.headers["Location"] == "/mod/"
    page = mod.get("/mod/").text
    assert queue_items(page) == []
    assert "No open reports." in page


def test_a_queue_decision_on_reports_another_moderator_closed_changes_nothing(app, mod, scene):
    mina = signed_in(app, factories.member("mina", role="moderator"))
    data = {"reason": "Checked", "from_queue": "1", "next": "/mod/"}
    assert mina.post(f"/mod/posts/{scene.post.id}/dismiss", data=data).status_code == 302
    response = mod.post(f"/mod/posts/{scene.post.id}/hide", data=data)
    assert response.status_code == 409
    assert scene.post.status == "visible" and report_statuses() == ["dismissed"]
    assert [e.action for e in audit()] == [Action.DISMISS]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_after_an_action_next_never_leaves_the_site(mod, scene, target):
    data = {"reason": "Fine as it is", "next": target}
    response = mod.post(f"/mod/posts/{scene.post.id}/dismiss", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/mod/posts/{scene.post.id}"


# Every action: a written reason, an audit entry, and a check in the service


@dataclass(frozen=True)
class Case:
    url: str
    action: Action
    target: str  # "post", "thread" or "member": what the audit entry points at
    error_id: str  # where a missing reason is said
    done: Callable  # (scene, response) -> whether the action took effect
    data: dict | None = None
    before: Callable | None = None  # makes the action possible, done by the admin
    detail: str | None = None
    by_admin: bool = False
    status: int = 302


def _revised_by_moderator(s: Scene, _) -> bool:
    revision = db.session.scalars(select(PostRevision)).one()
    return (
        s.post.body_markdown == "Please be kind to each other."
        and revision.editor_id == s.moderator.id
        and revision.body_markdown == "Honestly, just stop complaining."
    )


CASES = {
    "dismiss": Case(
        "/mod/posts/{post}/dismiss", Action.DISMISS, "post", "post-reason-error",
        lambda s, _: s.post.status == "visible" and report_statuses() == ["dismissed"],
    ),
    "hide": Case(
        "/mod/posts/{post}/hide", Action.HIDE, "post", "post-reason-error",
        lambda s, _: s.post.status == "hidden" and report_statuses() == ["actioned"],
    ),
    "remove": Case(
        "/mod/posts/{post}/remove", Action.REMOVE, "post", "post-reason-error",
        lambda s, _: s.post.status == "removed" and report_statuses() == ["actioned"],
    ),
    "restore": Case(
        "/mod/posts/{post}/restore", Action.RESTORE, "post", "post-reason-error",
        lambda s, _: s.post.status == "visible",
        before=lambda s: moderation_actions.hide_post(s.admin, s.post, "Hidden for now"),
    ),
    "reveal": Case(
        "/mod/posts/{post}/reveal", Action.REVEAL, "post", "post-reason-error",
        lambda s, response: "<bdi>priya</bdi> (@priya)" in response.text, status=200,
    ),
    "edit": Case(
        "/mod/posts/{post}/edit", Action.EDIT, "post", "reason-error", _revised_by_moderator,
        data={"body": "Please be kind to each other."},
    ),
    "lock": Case(
        "/mod/threads/{thread}/lock", Action.LOCK, "thread", "thread-reason-error",
        lambda s, _: s.thread.locked,
    ),
    "unlock": Case(
        "/mod/threads/{thread}/unlock", Action.UNLOCK, "thread", "thread-reason-error",
        lambda s, _: not s.thread.locked,
        before=lambda s: moderation_actions.set_thread_flag(s.admin, s.thread, Action.LOCK, "Cool off"),
    ),
    "pin": Case(
        "/mod/threads/{thread}/pin", Action.PIN, "thread", "thread-reason-error",
        lambda s, _: s.thread.pinned,
    ),
    "unpin": Case(
        "/mod/threads/{thread}/unpin", Action.UNPIN, "thread", "thread-reason-error",
        lambda s, _: not s.thread.pinned,
        before=lambda s: moderation_actions.set_thread_flag(s.admin, s.thread, Action.PIN, "Helpful"),
    ),
    "move": Case(
        "/mod/threads/{thread}/move", Action.MOVE, "thread", "move-reason-error",
        lambda s, _: s.thread.category.slug == "childcare",
        data={"category": "childcare"}, detail="to Childcare",
    ),
    "warn": Case(
        "/mod/members/{username}/warn", Action.WARN, "member", "warn-reason-error",
        lambda s, _: s.author.unread_warnings == 1 and count(MemberWarning) == 1,
    ),
    "suspend": Case(
        "/mod/members/{username}/suspend", Action.SUSPEND, "member", "member-reason-error",
        lambda s, _: s.author.is_suspended, data={"days": "7"}, detail="7 days",
    ),
    "unsuspend": Case(
        "/mod/members/{username}/unsuspend", Action.UNSUSPEND, "member", "member-reason-error",
        lambda s, _: not s.author.is_suspended,
        before=lambda s: sanctions.suspend(s.admin, s.author, 3, "Cooling off"),
    ),
    "ban": Case(
        "/mod/members/{username}/ban", Action.BAN, "member", "member-reason-error",
        lambda s, _: s.author.is_banned, data={"confirm_ban": "y"},
    ),
    "unban": Case(
        "/mod/members/{username}/unban", Action.UNBAN, "member", "member-reason-error",
        lambda s, _: not s.author.is_banned,
        before=lambda s: sanctions.ban(s.admin, s.author, "Spam"),
    ),
    "role": Case(
        "/mod/members/{username}/role", Action.SET_ROLE, "member", "role-reason-error",
        lambda s, _: s.author.role == "moderator",
        data={"role": "moderator"}, detail="moderator", by_admin=True,
    ),
}  # fmt: skip


def _prepare(scene: Scene, case: Case):
    if case.before is not None:
        case.before(scene)
        db.session.commit()
    return scene.admin if case.by_admin else scene.moderator


@pytest.mark.parametrize("name", CASES)
def test_each_action_takes_effect_and_is_logged(app, scene, name):
    case = CASES[name]
    actor = _prepare(scene, case)
    logged = count(ModerationAction)
    data = {**(case.data or {}), "reason": f"  {REASON}\n"}
    response = signed_in(app, actor).post(scene.url(case.url), data=data)
    assert response.status_code == case.status, response.text
    assert case.done(scene, response)
    assert count(ModerationAction) == logged + 1
    entry = audit()[-1]
    assert entry.moderator_id == actor.id
    assert entry.action == case.action
    assert entry.reason == REASON
    assert entry.detail == case.detail
    about = scene.thread_author if case.target == "thread" else scene.author
    assert entry.target_user_id == about.id
    assert entry.post_id == (scene.post.id if case.target == "post" else None)
    assert entry.thread_id == (None if case.target == "member" else scene.thread.id)
    assert abs(entry.created_at - utcnow()) < timedelta(minutes=1)
    log = signed_in(app, scene.moderator).get("/mod/log").text
    assert log_reasons(log)[0] == REASON


@pytest.mark.parametrize("reason", [None, "", " \n\t "])
@pytest.mark.parametrize("name", CASES)
def test_an_action_without_a_reason_is_refused_at_the_field(app, scene, name, reason):
    case = CASES[name]
    actor = _prepare(scene, case)
    before = scene.state()
    data = dict(case.data or {})
    if reason is not None:
        data["reason"] = reason
    response = signed_in(app, actor).post(scene.url(case.url), data=data)
    assert response.status_code == 400
    assert field_error(response.text, case.error_id) == MISSING_REASON
    assert scene.state() == before


SERVICE_CALLS = {
    "dismiss": lambda s, who: moderation_actions.dismiss_reports(who, s.post, REASON),
    "hide": lambda s, who: moderation_actions.hide_post(who, s.post, REASON),
    "remove": lambda s, who: moderation_actions.remove_post(who, s.post, REASON),
    "restore": lambda s, who: moderation_actions.restore_post(who, s.post, REASON),
    "edit": lambda s, who: moderation_actions.edit_post(who, s.post, "New words", None, REASON),
    "reveal": lambda s, who: moderation_actions.reveal_author(who, s.post, REASON),
    "lock": lambda s, who: moderation_actions.set_thread_flag(who, s.thread, Action.LOCK, REASON),
    "pin": lambda s, who: moderation_actions.set_thread_flag(who, s.thread, Action.PIN, REASON),
    "move": lambda s, who: moderation_actions.move_thread(
        who, s.thread, factories.category("childcare"), REASON
    ),
    "warn": lambda s, who: sanctions.warn(who, s.author, REASON),
    "suspend": lambda s, who: sanctions.suspend(who, s.author, 7, REASON),
    "unsuspend": lambda s, who: sanctions.lift_suspension(who, s.author, REASON),
    "ban": lambda s, who: sanctions.ban(who, s.author, REASON),
    "unban": lambda s, who: sanctions.unban(who, s.author, REASON),
    "role": lambda s, who: sanctions.set_role(who, s.author, Role.MODERATOR, REASON),
}


@pytest.mark.parametrize("name", SERVICE_CALLS)
def test_the_service_refuses_a_member_whatever_the_page_does(scene, name):
    before = scene.state()
    with pytest.raises(NotAllowed):
        SERVICE_CALLS[name](scene, scene.thread_author)
    db.session.rollback()
    assert scene.state() == before


def test_the_service_refuses_a_moderator_changing_a_role(scene):
    with pytest.raises(NotAllowed):
        sanctions.set_role(scene.moderator, scene.author, Role.ADMIN, REASON)
    db.session.rollback()
    assert scene.author.role == "member" and count(ModerationAction) == 0


# Acting on what is already handled

ALREADY = {
    "dismiss without open reports": (
        "dismiss", lambda s: moderation_actions.dismiss_reports(s.admin, s.post, "Fine"), {},
        "These reports were already handled",
    ),
    "hide twice": (
        "hide", lambda s: moderation_actions.hide_post(s.admin, s.post, "Hidden"), {},
        "This post was already handled",
    ),
    "hide a removed post": (
        "hide", lambda s: moderation_actions.remove_post(s.admin, s.post, "Removed"), {},
        "This post was already handled",
    ),
    "remove twice": (
        "remove", lambda s: moderation_actions.remove_post(s.admin, s.post, "Removed"), {},
        "This post was already handled",
    ),
    "restore a visible post": ("restore", None, {}, "This post was already handled"),
    "edit a post its author deleted": (
        "edit", lambda s: posting.delete_post(s.author, s.post), {},
        "This post was deleted by its author",
    ),
    "lock twice": (
        "lock", lambda s: moderation_actions.set_thread_flag(s.admin, s.thread, Action.LOCK, "Locked"),
        {}, "This thread is already locked",
    ),
    "unlock an open thread": ("unlock", None, {}, "This thread is already unlocked"),
    "pin twice": (
        "pin", lambda s: moderation_actions.set_thread_flag(s.admin, s.thread, Action.PIN, "Pinned"),
        {}, "This thread is already pinned",
    ),
    "unpin an unpinned thread": ("unpin", None, {}, "This thread is already unpinned"),
    "move into its own category": (
        "move", None, {"category": "back-to-work"}, "This thread is already in Back to work",
    ),
    "ban twice": (
        "ban", lambda s: sanctions.ban(s.admin, s.author, "Spam"), {},
        "This member is already banned",
    ),
    "unban a member in good standing": ("unban", None, {}, "This member isn't banned"),
    "lift a suspension there is not": ("unsuspend", None, {}, "This member isn't suspended"),
    "give the role they have": ("role", None, {"role": "member"}, "priya is already member"),
}  # fmt: skip


def _act_on_handled(app, scene: Scene, situation: str):
    name, before_action, data, _ = ALREADY[situation]
    case = CASES[name]
    if before_action is not None:
        before_action(scene)
        db.session.commit()
    actor = scene.admin if case.by_admin else scene.moderator
    before = scene.state()
    response = signed_in(app, actor).post(
        scene.url(case.url), data={**(case.data or {}), **data, "reason": REASON}
    )
    return response, before


@pytest.mark.parametrize("situation", ALREADY)
def test_acting_on_what_is_already_handled_is_409_and_changes_nothing(app, scene, situation):
    response, before = _act_on_handled(app, scene, situation)
    assert response.status_code == 409
    assert scene.state() == before


@pytest.mark.parametrize("situation", ALREADY)
def test_the_moderator_is_told_why_nothing_changed(app, scene, situation):
    response, _ = _act_on_handled(app, scene, situation)
    assert ALREADY[situation][3] in unescape(response.text)


# Posts: dismiss, hide, remove, restore, edit, reveal


@pytest.mark.parametrize(("reporters", "status_before"), [(1, "visible"), (3, "pending")])
def test_dismissing_leaves_the_post_up_or_brings_it_back(
    app, mod, moderator, busy_thread, member, other_member, reporters, status_before
):
    thread, first, second = busy_thread
    for reporter in [member, factories.member("tomas"), factories.member("uma")][:reporters]:
        report(reporter, second, "unkind", "")
    assert second.status == status_before
    response = mod.post(f"/mod/posts/{second.id}/dismiss", data={"reason": "Blunt, not unkind"})
    assert response.status_code == 302
    assert second.status == "visible" and second.moderation_reason is None
    assert (thread.reply_count, other_member.post_count) == (2, 2)
    assert thread.last_post_at == second.created_at == thread.category.last_post_at
    reports = list(db.session.scalars(select(Report)))
    assert len(reports) == reporters
    for closed in reports:
        assert closed.status == "dismissed" and closed.resolved_by_id == moderator.id
        assert closed.resolved_at is not None and closed.resolution == "Reviewed and left up"
    assert "Ask HR for a proper room." in app.test_client().get(f"/t/{thread.id}").text


@pytest.mark.parametrize("action", ["hide", "remove"])
def test_taking_down_a_reply_and_restoring_it_keeps_counters_exact(
    app, mod, busy_thread, member, other_member, action
):
    thread, first, second = busy_thread
    category = thread.category
    assert (thread.reply_count, thread.post_count, other_member.post_count) == (2, 3, 2)
    assert thread.last_post_at == second.created_at == category.last_post_at
    response = mod.post(f"/mod/posts/{second.id}/{action}", data={"reason": "Off topic"})
    assert response.status_code == 302
    assert second.status == {"hide": "hidden", "remove": "removed"}[action]
    assert second.moderation_reason == "Off topic"
    assert (thread.reply_count, thread.post_count, other_member.post_count) == (1, 3, 1)
    assert member.post_count == 1
    assert thread.last_post_at == first.created_at == category.last_post_at
    page = app.test_client().get(f"/t/{thread.id}").text
    assert f"This post was {second.status} by a moderator." in page
    assert "Ask HR for a proper room." not in page
    if action == "hide":  # from hidden to removed: it was already uncounted
        response = mod.post(f"/mod/posts/{second.id}/remove", data={"reason": "Worse"})
        assert response.status_code == 302
        assert second.status == "removed"
        assert (thread.reply_count, other_member.post_count) == (1, 1)
    response = mod.post(f"/mod/posts/{second.id}/restore", data={"reason": "On reflection"})
    assert response.status_code == 302
    assert second.status == "visible" and second.moderation_reason is None
    assert (thread.reply_count, thread.post_count, other_member.post_count) == (2, 3, 2)
    assert thread.last_post_at == second.created_at == category.last_post_at


def test_hiding_the_opening_post_uncounts_the_author_not_a_reply(app, mod, busy_thread, member):
    thread, first, second = busy_thread
    opening = factories.opening_post(thread)
    response = mod.post(f"/mod/posts/{opening.id}/hide", data={"reason": "Names her employer"})
    assert response.status_code == 302
    assert (thread.reply_count, member.post_count) == (2, 0)
    assert thread.last_post_at == second.created_at
    page = app.test_client().get(f"/t/{thread.id}").text
    assert "This post was hidden by a moderator." in page and "Is this normal?" not in page


def test_a_post_hidden_by_reports_is_uncounted_once_whatever_follows(
    mod, busy_thread, member, other_member
):
    thread, first, second = busy_thread
    for reporter in (member, factories.member("tomas"), factories.member("uma")):
        report(reporter, second)
    assert second.status == "pending"
    assert (thread.reply_count, other_member.post_count) == (1, 1)
    assert mod.post(f"/mod/posts/{second.id}/hide", data={"reason": "Agreed"}).status_code == 302
    assert second.status == "hidden"
    assert (thread.reply_count, other_member.post_count) == (1, 1)
    assert report_statuses() == ["actioned"] * 3
    assert mod.post(f"/mod/posts/{second.id}/restore", data={"reason": "Oops"}).status_code == 302
    assert (thread.reply_count, other_member.post_count) == (2, 2)
    assert thread.last_post_at == second.created_at


def test_the_author_sees_their_post_was_removed_and_why(
    app, mod, busy_thread, member, other_member
):
    thread, first, second = busy_thread
    why = "Please don't name colleagues: it could identify them."
    assert mod.post(f"/mod/posts/{second.id}/remove", data={"reason": why}).status_code == 302
    author = signed_in(app, other_member)
    page = unescape(author.get(f"/t/{thread.id}").text)
    assert f"Removed by a moderator: {why}" in page
    assert "Ask HR for a proper room." in page  # still theirs to read
    notices = unescape(author.get("/me/notices").text)
    assert "Your post was removed" in notices and why in notices
    others = unescape(signed_in(app, member).get(f"/t/{thread.id}").text)
    assert "This post was removed by a moderator." in others
    assert "Ask HR for a proper room." not in others and why not in others
    # moderators still read it in full
    page = mod.get(f"/mod/posts/{second.id}").text
    assert "Ask HR for a proper room." in page and '<span class="tag">removed</span>' in page


def test_a_moderator_edit_keeps_a_revision_by_the_moderator(app, mod, moderator, member):
    thread = factories.thread(
        member, title="My manager said something awful", body="Her name is Jane Smith at Acme."
    )
    opening = factories.opening_post(thread)
    form = mod.get(f"/mod/posts/{opening.id}/edit")
    assert form.status_code == 200
    assert "Her name is Jane Smith at Acme." in form.text
    assert 'value="My manager said something awful"' in form.text
    response = mod.post(
        f"/mod/posts/{opening.id}/edit",
        data={
            "title": "My manager said something awful (edited)",
            "body": "Her name is *removed*.",
            "reason": "It names a real person",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/mod/posts/{opening.id}"
    assert opening.body_markdown == "Her name is *removed*."
    assert opening.body_html == "<p>Her name is <em>removed</em>.</p>"
    assert opening.edited_at is not None
    assert thread.title == "My manager said something awful (edited)"
    revision = db.session.scalars(select(PostRevision)).one()
    assert revision.editor_id == moderator.id and revision.post_id == opening.id
    assert revision.body_markdown == "Her name is Jane Smith at Acme."
    assert revision.title == "My manager said something awful"
    [entry] = audit()
    assert (entry.action, entry.reason, entry.post_id) == (
        "edit",
        "It names a real person",
        opening.id,
    )
    page = app.test_client().get(f"/t/{thread.id}").text
    assert "Jane Smith" not in page and "edited" in page


def test_moderators_can_read_what_a_reported_post_said_before_its_edits(mod, moderator, scene):
    posting.edit_post(scene.author, scene.post, "Sorry, that came out wrong. Hugs.")
    db.session.commit()
    queue = mod.get("/mod/").text
    assert "edited after it was reported" in queue and "see what it said before" in queue
    moderation_actions.edit_post(moderator, scene.post, "Hugs.", None, "Trimmed")
    db.session.commit()
    page = unescape(mod.get(f"/mod/posts/{scene.post.id}").text)
    assert "Earlier versions (2)" in page
    earlier = page[page.index("Earlier versions") :]
    assert earlier.index("by morgan") < earlier.index("Sorry, that came out wrong. Hugs.")
    assert earlier.index("by the author") < earlier.index("Honestly, just stop complaining.")
    assert scene.author.username not in page  # the post is anonymous: "the author", unnamed
    never_edited = factories.opening_post(scene.thread)
    assert "Earlier versions" not in mod.get(f"/mod/posts/{never_edited.id}").text


def test_a_moderator_edit_of_a_reply_leaves_the_title(mod, member, other_member):
    thread = factories.thread(member, title="Missed her first smile")
    post = factories.reply(other_member, thread, "My number is 07700 900123, text me")
    assert 'name="title"' not in mod.get(f"/mod/posts/{post.id}/edit").text
    data = {"title": "Hijacked title", "body": "Message me here instead.", "reason": "Privacy"}
    assert mod.post(f"/mod/posts/{post.id}/edit", data=data).status_code == 302
    assert thread.title == "Missed her first smile"
    assert post.body_markdown == "Message me here instead."


def test_a_moderator_edit_that_changes_nothing_is_refused(mod, member, other_member):
    thread = factories.thread(member)
    post = factories.reply(other_member, thread, "Same words")
    data = {"body": "Same words", "reason": "Tidying"}
    response = mod.post(f"/mod/posts/{post.id}/edit", data=data)
    assert response.status_code == 400
    assert "Nothing was changed in the post." in response.text
    assert count(PostRevision) == 0 and count(ModerationAction) == 0 and post.edited_at is None


@pytest.mark.parametrize("where", ["opening post", "reply"])
def test_revealing_an_anonymous_author_shows_that_moderator_and_is_logged(
    app, mod, moderator, member, other_member, where
):
    if where == "opening post":
        thread = posting.start_thread(
            other_member, factories.category(), "I don't feel like a mother",
            "Some days I resent my baby.", anonymous=True,
        )  # fmt: skip
        post = factories.opening_post(thread)
    else:
        thread = factories.thread(member)
        post = posting.reply(other_member, thread, "Some days I resent my baby.", anonymous=True)
    db.session.commit()
    visitor = app.test_client()
    page = visitor.get(f"/t/{thread.id}").text
    assert "Anonymous parent" in page and "priya" not in page
    reason = "Checking on her after an at-risk report"
    response = mod.post(f"/mod/posts/{post.id}/reveal", data={"reason": reason})
    assert response.status_code == 200
    assert 'href="/mod/members/priya"><bdi>priya</bdi> (@priya)</a>' in response.text
    assert "This is shown to you only" in response.text
    [entry] = audit()
    assert (entry.moderator_id, entry.action, entry.reason) == (moderator.id, "reveal", reason)
    assert (entry.post_id, entry.target_user_id) == (post.id, other_member.id)
    page = visitor.get(f"/t/{thread.id}").text
    assert "Anonymous parent" in page and "priya" not in page  # still anonymous to everyone else


def test_revealing_a_post_that_is_not_anonymous_is_refused(mod, member, other_member):
    post = factories.reply(other_member, factories.thread(member), "Signed with my name")
    response = mod.post(f"/mod/posts/{post.id}/reveal", data={"reason": "Curious"})
    assert response.status_code == 400
    assert count(ModerationAction) == 0
    assert "This post isn't anonymous" in unescape(response.text)


def test_the_moderators_post_page_shows_a_hidden_post_in_full(mod, scene):
    moderation_actions.hide_post(scene.admin, scene.post, "Not kind")
    db.session.commit()
    page = mod.get(f"/mod/posts/{scene.post.id}")
    assert page.status_code == 200
    assert "Honestly, just stop complaining." in page.text
    assert '<span class="tag">hidden</span>' in page.text and "Not kind" in page.text
    assert f'href="/p/{scene.post.id}"' in page.text
    assert mod.get("/mod/posts/999999").status_code == 404
    assert mod.get("/mod/members/nobody-here").status_code == 404


# Threads: lock, pin, move


def test_locking_stops_replies_and_unlocking_allows_them(app, mod, member, other_member):
    thread = factories.thread(member)
    opening = factories.opening_post(thread)
    here = f"/mod/posts/{opening.id}"
    response = mod.post(
        f"/mod/threads/{thread.id}/lock", data={"reason": "Going in circles", "next": here}
    )
    assert response.status_code == 302 and response.headers["Location"] == here
    assert thread.locked
    priya = signed_in(app, other_member)
    assert priya.post(f"/t/{thread.id}/reply", data={"body": "One more thing"}).status_code == 403
    response = mod.post(f"/mod/threads/{thread.id}/unlock", data={"reason": "Calmer"})
    assert response.status_code == 302
    assert not thread.locked
    assert priya.post(f"/t/{thread.id}/reply", data={"body": "One more thing"}).status_code == 302
    assert thread.reply_count == 1


def test_a_pinned_thread_leads_its_category_until_unpinned(app, mod, member):
    older = posting.start_thread(
        member, factories.category(), "Read this first: how we look after each other",
        "Be gentle.", at=utcnow() - timedelta(days=2),
    )  # fmt: skip
    factories.thread(member, title="Today was a good day")

    def titles() -> list[str]:
        page = app.test_client().get("/c/back-to-work").text
        return re.findall(r'class="thread-title" href="/t/\d+"><bdi>(.*?)</bdi></a>', page)

    assert titles() == ["Today was a good day", "Read this first: how we look after each other"]
    assert mod.post(f"/mod/threads/{older.id}/pin", data={"reason": "Helpful"}).status_code == 302
    assert older.pinned
    assert titles() == ["Read this first: how we look after each other", "Today was a good day"]
    assert mod.post(f"/mod/threads/{older.id}/unpin", data={"reason": "Done"}).status_code == 302
    assert titles() == ["Today was a good day", "Read this first: how we look after each other"]


def test_moving_a_thread_keeps_category_counts_exact(app, mod, member):
    source, target = factories.category("back-to-work"), factories.category("childcare")
    staying = posting.start_thread(
        member, source, "Staying right here", "Body", at=utcnow() - timedelta(hours=2)
    )
    moving = factories.thread(member, title="Nursery waiting lists are brutal")
    assert (source.thread_count, target.thread_count) == (2, 0)
    assert source.last_post_at == moving.last_post_at and target.last_post_at is None
    data = {"category": "childcare", "reason": "About childcare, not work"}
    assert mod.post(f"/mod/threads/{moving.id}/move", data=data).status_code == 302
    assert moving.category_id == target.id
    assert (source.thread_count, target.thread_count) == (1, 1)
    assert source.last_post_at == staying.last_post_at
    assert target.last_post_at == moving.last_post_at
    visitor = app.test_client()
    assert "Nursery waiting lists" in visitor.get("/c/childcare").text
    assert "Nursery waiting lists" not in visitor.get("/c/back-to-work").text
    [entry] = audit()
    assert (entry.action, entry.detail, entry.thread_id) == ("move", "to Childcare", moving.id)


@pytest.mark.parametrize("slug", ["no-such-place", ""])
def test_moving_to_an_unknown_category_is_refused(mod, member, slug):
    thread = factories.thread(member)
    data = {"category": slug, "reason": "Somewhere better"}
    assert mod.post(f"/mod/threads/{thread.id}/move", data=data).status_code == 400
    assert thread.category.slug == "back-to-work" and thread.category.thread_count == 1
    assert count(ModerationAction) == 0


# Members: warn, suspend, ban


def test_a_warning_reaches_the_member_as_a_banner(app, mod, moderator, other_member):
    priya = signed_in(app, other_member)
    banner = "A moderator has sent you a message."
    assert banner not in priya.get("/").text
    why = "Please keep replies kind; she's struggling."
    response = mod.post("/mod/members/priya/warn", data={"reason": why})
    assert response.status_code == 302
    assert response.headers["Location"] == "/mod/members/priya"
    [warning] = db.session.scalars(select(MemberWarning))
    [entry] = audit()
    assert (warning.user_id, warning.message, warning.action_id) == (other_member.id, why, entry.id)
    assert warning.acknowledged_at is None
    assert other_member.unread_warnings == 1
    assert banner in priya.get("/").text  # on their next page, whichever it is
    assert why in unescape(priya.get("/me/notices").text)
    mod.post("/mod/members/priya/warn", data={"reason": "And again, please."})
    assert other_member.unread_warnings == 2 and count(MemberWarning) == 2


@pytest.mark.parametrize("days", [1, 3, 7, 30])
def test_a_suspension_lasts_the_days_chosen(app, mod, member, other_member, days):
    thread = factories.thread(member)
    priya = signed_in(app, other_member)
    data = {"days": str(days), "reason": "Cooling off"}
    assert mod.post("/mod/members/priya/suspend", data=data).status_code == 302
    until = utcnow() + timedelta(days=days)
    assert abs(other_member.suspended_until - until) < timedelta(minutes=1)
    assert other_member.restriction_reason == "Cooling off"
    [entry] = audit()
    assert entry.detail == f"{days} day{'s' if days > 1 else ''}"
    # The suspension signed them out everywhere; signed in again, they can read but not write.
    assert priya.post(f"/t/{thread.id}/reply", data={"body": "Let me say"}).status_code == 401
    priya = signed_in(app, other_member)
    assert priya.post(f"/t/{thread.id}/reply", data={"body": "Let me say"}).status_code == 403
    assert thread.reply_count == 0
    assert "Suspended until" in mod.get("/mod/members/priya").text


@pytest.mark.parametrize("days", ["2", "365", "forever", ""])
def test_a_suspension_only_comes_in_the_set_lengths(mod, other_member, days):
    data = {"days": days, "reason": "Cooling off"}
    assert mod.post("/mod/members/priya/suspend", data=data).status_code == 400
    assert other_member.suspended_until is None and count(ModerationAction) == 0


def test_a_suspension_ends_when_lifted_or_when_its_time_is_up(app, mod, member, other_member):
    thread = factories.thread(member)
    priya = signed_in(app, other_member)
    mod.post("/mod/members/priya/suspend", data={"days": "7", "reason": "Cooling off"})
    assert other_member.is_suspended
    response = mod.post("/mod/members/priya/unsuspend", data={"reason": "She apologised"})
    assert response.status_code == 302
    assert other_member.suspended_until is None
    priya = signed_in(app, other_member)  # the suspension signed her out
    assert priya.post(f"/t/{thread.id}/reply", data={"body": "Thank you"}).status_code == 302
    mod.post("/mod/members/priya/suspend", data={"days": "1", "reason": "Again"})
    priya = signed_in(app, other_member)
    assert priya.post(f"/t/{thread.id}/reply", data={"body": "Hello?"}).status_code == 403
    other_member.suspended_until = utcnow() - timedelta(minutes=1)  # a day has gone by
    db.session.commit()
    assert priya.post(f"/t/{thread.id}/reply", data={"body": "I'm back"}).status_code == 302
    assert thread.reply_count == 2
    logged = count(ModerationAction)
    response = mod.post("/mod/members/priya/unsuspend", data={"reason": "Just in case"})
    assert response.status_code == 409 and count(ModerationAction) == logged


@pytest.mark.parametrize("remember", [False, True])
def test_a_ban_ends_the_open_session_and_stops_logging_in(app, mod, other_member, remember):
    priya = app.test_client()
    credentials = {"login": "priya", "password": factories.PASSWORD}
    signing_in = {**credentials, "remember": "y"} if remember else credentials
    assert priya.post("/login", data=signing_in).status_code == 302
    assert priya.get("/new").status_code == 200
    why = "Repeated harassment after two warnings"
    banning = {"reason": why, "confirm_ban": "y"}
    assert mod.post("/mod/members/priya/ban", data=banning).status_code == 302
    assert other_member.banned_at is not None and other_member.restriction_reason == why
    response = priya.get("/new")  # the very next request
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    refused = priya.post("/login", data=credentials)
    assert refused.status_code == 400
    text = unescape(refused.text)
    assert "This account has been banned, so it can't sign in." in text and why in text
    assert priya.get("/new").status_code == 302
    assert mod.post("/mod/members/priya/unban", data={"reason": "Served"}).status_code == 302
    assert other_member.banned_at is None
    assert priya.post("/login", data=credentials).status_code == 302
    assert priya.get("/new").status_code == 200


# Roles, and who may act against whom


def test_an_admin_changes_a_members_role(app, other_member):
    admin = factories.member("ada", role="admin")
    priya = signed_in(app, other_member)
    assert priya.get("/mod/").status_code == 403
    data = {"role": "moderator", "reason": "Trusted, kind, and here every day"}
    response = signed_in(app, admin).post("/mod/members/priya/role", data=data)
    assert response.status_code == 302
    assert other_member.role == "moderator"
    assert priya.get("/mod/").status_code == 200  # the same session, from its next request
    [entry] = audit()
    assert (entry.moderator_id, entry.action, entry.detail) == (admin.id, "set_role", "moderator")


def test_only_an_admin_changes_roles_and_never_their_own(app, mod, moderator, other_member):
    admin = factories.member("ada", role="admin")
    data = {"role": "admin", "reason": "Promotion"}
    assert mod.post("/mod/members/priya/role", data=data).status_code == 403
    assert mod.post("/mod/members/morgan/role", data=data).status_code == 403
    ada = signed_in(app, admin)
    demote = {"role": "member", "reason": "Stepping back"}
    assert ada.post("/mod/members/ada/role", data=demote).status_code == 403
    assert ada.post("/mod/members/priya/role", data={**data, "role": "owner"}).status_code == 400
    assert (other_member.role, moderator.role, admin.role) == ("member", "moderator", "admin")
    assert count(ModerationAction) == 0
    assert "/mod/members/priya/role" not in mod.get("/mod/members/priya").text
    assert "/mod/members/priya/role" in ada.get("/mod/members/priya").text
    assert "/mod/members/ada/role" not in ada.get("/mod/members/ada").text


AGAINST_AN_ADMIN = [
    ("/mod/members/ada/warn", {}),
    ("/mod/members/ada/suspend", {"days": "7"}),
    ("/mod/members/ada/ban", {}),
    ("/mod/posts/{post}/hide", {}),
    ("/mod/posts/{post}/remove", {}),
    ("/mod/posts/{post}/edit", {"title": "Rewritten title", "body": "Rewritten by a moderator"}),
]


@pytest.mark.parametrize(("url", "data"), AGAINST_AN_ADMIN)
def test_a_moderator_cannot_act_against_an_admin(mod, url, data):
    admin = factories.member("ada", role="admin")
    post = factories.opening_post(factories.thread(admin, body="Welcome to Blossom, everyone."))
    response = mod.post(url.format(post=post.id), data={**data, "reason": "Testing limits"})
    assert response.status_code == 403
    assert admin.banned_at is None and admin.suspended_until is None
    assert admin.unread_warnings == 0 and admin.post_count == 1
    assert post.status == "visible" and post.body_markdown == "Welcome to Blossom, everyone."
    assert count(ModerationAction) == 0 and count(PostRevision) == 0


@pytest.mark.parametrize(
    ("url", "data"),
    [("/mod/members/morgan/ban", {}), ("/mod/members/morgan/suspend", {"days": "1"}),
     ("/mod/members/morgan/warn", {}), ("/mod/posts/{post}/hide", {})],
)  # fmt: skip
def test_a_moderator_cannot_act_on_their_own_account_or_posts(mod, moderator, url, data):
    post = factories.opening_post(factories.thread(moderator))
    response = mod.post(url.format(post=post.id), data={**data, "reason": "Just me"})
    assert response.status_code == 403
    assert not moderator.is_banned and not moderator.is_suspended
    assert moderator.unread_warnings == 0 and post.status == "visible"
    assert count(ModerationAction) == 0


@pytest.mark.parametrize("action", ["dismiss", "restore"])
def test_a_moderator_cannot_clear_reports_about_their_own_post(
    mod, moderator, member, other_member, action
):
    post = factories.opening_post(factories.thread(moderator))
    for reporter in (member, other_member, factories.member("uma")):
        report(reporter, post)
    assert post.status == "pending"
    response = mod.post(f"/mod/posts/{post.id}/{action}", data={"reason": "It was fine"})
    assert response.status_code == 403
    assert post.status == "pending" and report_statuses(post) == ["open"] * 3
    assert [entry.action for entry in audit()] == [Action.AUTO_HIDE]
    other = signed_in(mod.application, factories.member("mo_two", role="moderator"))
    assert other.post(f"/mod/posts/{post.id}/{action}", data={"reason": "Fine"}).status_code == 302
    assert post.status == "visible"


def test_an_admin_may_act_against_another_admin(app):
    ada = factories.member("ada", role="admin")
    bea = factories.member("bea", role="admin")
    response = signed_in(app, ada).post("/mod/members/bea/warn", data={"reason": "Be gentle"})
    assert response.status_code == 302
    assert bea.unread_warnings == 1


# Appeals


def test_overturning_an_appeal_brings_a_removed_post_back(app, mod, moderator, busy_thread):
    thread, first, second = busy_thread
    admin = factories.member("ada", role="admin")
    decision = moderation_actions.remove_post(admin, second, "Unkind to a new parent")
    entry = appeals.appeal(second.author, decision, "I meant it kindly; HR helped me.")
    db.session.commit()
    author = second.author
    assert (thread.reply_count, author.post_count) == (1, 1)
    queue = mod.get("/mod/").text
    assert f'href="/mod/appeals/{entry.id}"' in queue and "HR helped me." in unescape(queue)
    assert "I meant it kindly" in unescape(mod.get(f"/mod/appeals/{entry.id}").text)
    missing = mod.post(f"/mod/appeals/{entry.id}", data={"reason": "Fine"})
    assert missing.status_code == 400 and entry.status == "open"
    answer = {"decision": "overturn", "reason": "Read again, it was kind."}
    response = mod.post(f"/mod/appeals/{entry.id}", data=answer)
    assert response.status_code == 302 and response.headers["Location"] == "/mod/"
    assert entry.status == "overturned" and entry.resolved_by_id == moderator.id
    assert second.status == "visible"
    assert (thread.reply_count, author.post_count) == (2, 2)
    assert thread.last_post_at == second.created_at
    logged = audit()
    assert (logged[-1].action, logged[-1].detail, logged[-1].moderator_id) == (
        "appeal", "overturned", moderator.id,
    )  # fmt: skip
    notices = unescape(signed_in(app, author).get("/me/notices").text)
    assert "Your appeal was accepted" in notices and "Read again, it was kind." in notices
    # answering again changes nothing
    again = mod.post(f"/mod/appeals/{entry.id}", data={"decision": "uphold", "reason": "No"})
    assert again.status_code == 409
    assert entry.status == "overturned" and entry.response == "Read again, it was kind."
    assert len(audit()) == len(logged)


def test_overturning_a_suspension_lifts_it(mod, other_member):
    admin = factories.member("ada", role="admin")
    decision = sanctions.suspend(admin, other_member, 30, "Too harsh, too often")
    entry = appeals.appeal(other_member, decision, "I've calmed down, I promise.")
    db.session.commit()
    assert other_member.is_suspended
    data = {"decision": "overturn", "reason": "Welcome back"}
    assert mod.post(f"/mod/appeals/{entry.id}", data=data).status_code == 302
    assert other_member.suspended_until is None


# The audit log


def add_entry(moderator: User | None, action: Action, about: User, reason: str, at) -> None:
    db.session.add(
        ModerationAction(
            moderator_id=moderator.id if moderator else None, action=action, reason=reason,
            target_user_id=about.id, created_at=at,
        )
    )  # fmt: skip


@pytest.fixture
def log_entries(moderator, member, other_member):
    admin = factories.member("ada", role="admin")
    now = utcnow()
    add_entry(moderator, Action.WARN, member, "e1 morgan warns hannah", now - timedelta(hours=5))
    add_entry(admin, Action.BAN, other_member, "e2 ada bans priya", now - timedelta(hours=4))
    add_entry(moderator, Action.BAN, member, "e3 morgan bans hannah", now - timedelta(hours=3))
    add_entry(admin, Action.WARN, other_member, "e4 ada warns priya", now - timedelta(hours=2))
    add_entry(
        None, Action.AUTO_HIDE, other_member, "e5 hidden by reports", now - timedelta(hours=1)
    )
    db.session.commit()


@pytest.mark.parametrize(
    ("query", "expected"),
    [("", ["e5", "e4", "e3", "e2", "e1"]),
     ("?moderator=morgan", ["e3", "e1"]),
     ("?moderator=MORGAN", ["e3", "e1"]),
     ("?action=ban", ["e3", "e2"]),
     ("?member=priya", ["e5", "e4", "e2"]),
     ("?moderator=ada&action=warn&member=priya", ["e4"]),
     ("?moderator=morgan&member=priya", []),
     ("?moderator=nobody-by-that-name", []),
     ("?member=nobody-by-that-name", []),
     ("?moderator=%20morgan%20", ["e3", "e1"]),
     ("?moderator=mor%00gan", []),
     ("?member=pri%00ya", []),
     ("?member=" + "p" * 5000, []),
     ("?action=%00", ["e5", "e4", "e3", "e2", "e1"])],
)  # fmt: skip
def test_the_log_is_newest_first_and_filters(mod, log_entries, query, expected):
    page = mod.get(f"/mod/log{query}")
    assert page.status_code == 200
    assert [reason.split()[0] for reason in log_reasons(page.text)] == expected
    if not expected:
        assert "Nothing in the log matches those filters." in page.text


def test_the_log_names_automatic_actions(mod, log_entries):
    page = mod.get("/mod/log?action=auto_hide").text
    assert "Blossom (automatic)" in page and "hidden automatically" in page


def test_the_log_pages_fifty_at_a_time(mod, moderator, member):
    start = utcnow() - timedelta(days=1)
    for number in range(1, 121):
        add_entry(
            moderator, Action.WARN, member, f"Entry {number:03}", start + timedelta(seconds=number)
        )
    db.session.commit()

    def visit(url: str) -> tuple[list[int], str | None, str | None]:
        page = mod.get(url).text
        numbers = [int(reason.split()[1]) for reason in log_reasons(page)]
        older = re.search(r'<a href="([^"]+)" rel="next">Older</a>', page)
        newer = re.search(r'<a href="([^"]+)" rel="prev">Newer</a>', page)
        return numbers, *(unescape(link.group(1)) if link else None for link in (older, newer))

    numbers, older, newer = visit("/mod/log")
    assert numbers == list(range(120, 70, -1)) and newer is None
    numbers, older, newer = visit(older)
    assert numbers == list(range(70, 20, -1)) and newer is not None
    numbers, last_older, last_newer = visit(older)
    assert numbers == list(range(20, 0, -1)) and last_older is None
    assert visit(last_newer)[0] == list(range(70, 20, -1))
    assert visit(newer)[0] == list(range(120, 70, -1))
    assert visit("/mod/log?page=abc")[0][0] == 120
    assert visit("/mod/log?page=9")[0] == []


@pytest.mark.parametrize("page", ["2147483648", "9223372036854775807", "99999999999999999999999"])
def test_a_log_page_no_database_could_reach_is_a_kind_404(mod, log_entries, page):
    response = mod.get(f"/mod/log?page={page}")
    assert response.status_code == 404 and "couldn't find" in unescape(response.text)


def test_no_route_changes_or_deletes_the_log(app, mod, log_entries):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/mod/log")]
    assert rules
    for rule in rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert mod.open("/mod/log", method=method, data={"reason": "x"}).status_code == 405
    assert count(ModerationAction) == 5
