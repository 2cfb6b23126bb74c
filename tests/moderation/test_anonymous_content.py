"""Moderating anonymous content: every action a moderator can take on an anonymous post or thread,
then every page a moderator can read, none of which may name the author. Only the audited reveal
does (tests/support/anonymity.py builds the world and looks for her name, id and avatar)."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from forum.database import db
from forum.models import Action, Appeal, ModerationAction
from forum.services import appeals, posting, reporting, sanctions
from tests import factories
from tests.helpers import signed_in
from tests.support.anonymity import (
    T1_TITLE,
    T3_TITLE,
    USERNAME,
    World,
    build_world,
    leaks,
    text_leaks,
)

MARK = "anon-sweep"  # in every reason given for an action on anonymous content
NAMED_WARNING = "A named warning, about her own words"
ADMIN = "adaline_r"  # an admin whose anonymous reply a moderator tries to hide


class Sweep:
    """The world, with the author's own named reply reported (so the queue shows her history),
    a warning she was given by name, an admin's anonymous reply, and a second moderator."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.author = world.author
        self.other_moderator = factories.member("mo_two", role="moderator")
        self.admin = factories.member(ADMIN, role="admin", display_name="Adaline Rook")
        self.named_own = posting.reply(
            world.author, world.t2, "Named words from her: settling in took us ages too.",
            kindness_confirmed=True, named_confirmed=True,
        )  # fmt: skip
        self.admin_anon = posting.reply(
            self.admin, world.t3, "An admin, writing anonymously.", anonymous=True,
            kindness_confirmed=True,
        )  # fmt: skip
        reporting.report_post(world.hannah, self.named_own, "unkind", "Felt a bit sharp")
        sanctions.warn(world.moderator, world.author, NAMED_WARNING)
        db.session.commit()
        self.ids = {
            **world.ids, "named_own": self.named_own.id, "admin_anon": self.admin_anon.id,
        }  # fmt: skip
        self.reasons: list[str] = []

    def act(self, browser, path: str, status: int = 302, **data) -> None:
        """One action on anonymous content, with a reason that marks it; its answer and the page
        it leads to name nobody (but a reveal, which answers with the author)."""
        reason = f"{MARK} {len(self.reasons) + 1}: {path.rsplit('/', 1)[-1]}"
        self.reasons.append(reason)
        response = browser.post(path.format(**self.ids), data={**data, "reason": reason})
        assert response.status_code == status, response.text
        if path.endswith("/reveal"):
            return
        assert leaks(browser.application, response) == []
        if status == 302 and response.headers["Location"] != "/mod/":  # the queue: see below
            assert leaks(browser.application, browser.get(response.headers["Location"])) == []


def moderator_pages(sweep: Sweep) -> list[str]:
    """Every page a moderator can read that does not name the author by design."""
    ids = sweep.ids
    anonymous = ["opening", "anon_reply", "hannah_anon", "late_anon", "t2_anon", "t3_opening",
                 "admin_anon"]  # fmt: skip
    posts = [*anonymous, "named", "quote"]
    return [
        "/mod/log", "/mod/log?page=2",
        *[f"/mod/log?action={action.value}" for action in Action],
        "/mod/log?moderator=morgan", "/mod/log?moderator=mo_two", f"/mod/log?moderator={ADMIN}",
        "/mod/log?member=hannah", "/mod/log?member=priya", "/mod/log?member=morgan",
        f"/mod/log?member={ADMIN}&action=refused",
        *[f"/mod/posts/{ids[name]}" for name in posts],
        *[f"/mod/posts/{ids[name]}/edit" for name in anonymous],
        *[f"/mod/appeals/{appeal.id}" for appeal in appeals_made()],
        "/mod/members/hannah", "/mod/members/priya", "/mod/members/morgan", "/mod/members/mo_two",
    ]  # fmt: skip


def appeals_made() -> list[Appeal]:
    return list(db.session.scalars(select(Appeal)))


def history(page: str) -> list[str]:
    """The actions a moderation history lists, by name."""
    lists = "".join(re.findall(r'<ul class="plain-list history">(.*?)</ul>', page, re.S))
    return [unescape(name) for name in re.findall(r"<li><strong>([^<]+)</strong>", lists)]


def without_named_warning(page: str) -> str:
    """The page without the log's row about the warning she was given by name."""
    row = rf"<tr>(?:(?!</tr>).)*{re.escape(NAMED_WARNING)}(?:(?!</tr>).)*</tr>"
    return re.sub(row, "", page, flags=re.S)


def log_actions(page: str) -> list[str]:
    return [unescape(a).strip() for a in re.findall(r'<td data-label="Action">(.*?)</td>', page)]


def queue_sections(page: str) -> dict[int, str]:
    found = re.findall(
        r'(<section class="card queue-item[^"]*" aria-labelledby="item-(\d+)">.*?</section>)',
        page,
        re.S,
    )
    return {int(post_id): body for body, post_id in found}


def check_every_page(sweep: Sweep, browser) -> None:
    for path in moderator_pages(sweep):
        page = browser.get(path)
        assert page.status_code == 200, path
        text = without_named_warning(page.text)
        assert text_leaks(text, path) == [], path
        # What the moderator typed comes back in the filters, and in the footer's language
        # form as the page to return to.
        typed = re.sub(r'<form class="(filters|language-choice)".*?</form>', "", text, flags=re.S)
        assert "adaline" not in typed.lower(), path
    assert USERNAME in browser.get("/mod/log").text  # the warning given by name names her
    # The queue names her beside her named reply, whose history leaves out anonymous content.
    queue = browser.get("/mod/").text
    sections = queue_sections(queue)
    own = sections.pop(sweep.named_own.id)
    assert USERNAME in own and MARK not in own
    assert history(own) == ["warned"]
    rest = queue.replace(own, "")
    assert text_leaks(rest, "/mod/") == [] and "adaline" not in rest.lower()
    # Pages about her, by name: nothing of her anonymous content, only what she did by name.
    for path in (f"/mod/members/{USERNAME}", f"/mod/posts/{sweep.named_own.id}"):
        text = unescape(browser.get(path).text)
        assert history(text) == ["warned"] and NAMED_WARNING in text, path
        assert not any(told in text for told in (MARK, T1_TITLE, T3_TITLE)), path
    for name in (USERNAME, USERNAME.upper()):
        text = unescape(browser.get(f"/mod/log?member={name}").text)
        assert log_actions(text) == ["warned"] and NAMED_WARNING in text, name
        assert not any(told in text for told in (MARK, T1_TITLE, T3_TITLE)), name


def test_no_moderator_page_names_the_author_of_anonymous_content(
    app, member, other_member, moderator
):
    sweep = Sweep(build_world(member, other_member, moderator))
    world = sweep.world
    mod = signed_in(app, world.moderator)
    for action in ("lock", "unlock", "pin", "unpin"):
        sweep.act(mod, f"/mod/threads/{{t1}}/{action}")
    sweep.act(mod, "/mod/threads/{t1}/move", category="childcare")
    sweep.act(mod, "/mod/threads/{t3}/lock")
    for action in ("dismiss", "hide", "restore"):
        sweep.act(mod, f"/mod/posts/{{anon_reply}}/{action}")
    sweep.act(mod, "/mod/posts/{anon_reply}/edit", body="The feeds are hard, edited kindly.")
    sweep.act(mod, "/mod/posts/{opening}/edit", title=f"{T1_TITLE}, edited", body="Edited kindly.")
    sweep.act(mod, "/mod/posts/{anon_reply}/remove")
    sweep.act(mod, "/mod/posts/{t2_anon}/reveal", status=200)
    sweep.act(mod, "/mod/posts/{admin_anon}/hide", status=403)  # refused, and logged
    sweep.act(mod, "/mod/posts/{admin_anon}/edit", status=403, body="Rewritten")
    for name in ("uma", "vera", "wren"):  # three reports hide it automatically
        reporting.report_post(factories.member(name), world.late_anon, "spam")
    removal = db.session.scalars(
        select(ModerationAction).where(ModerationAction.action == Action.REMOVE)
    ).one()
    appeals.appeal(world.author, removal, f"{MARK}: I was only saying how tired I am")
    db.session.commit()

    log = unescape(mod.get("/mod/log").text)
    # Each action was taken and is in the log; refusals too, which only admins read.
    admin_log = unescape(signed_in(app, sweep.admin).get("/mod/log").text)
    for reason in sweep.reasons:
        assert reason in admin_log
    assert "hidden automatically" in log
    for browser in (mod, signed_in(app, sweep.other_moderator)):
        check_every_page(sweep, browser)

    other = signed_in(app, sweep.other_moderator)
    sweep.ids["appeal"] = appeals_made()[0].id
    sweep.act(other, "/mod/appeals/{appeal}", decision="overturn")
    assert sweep.reasons[-1] in unescape(mod.get("/mod/log").text)
    for browser in (mod, other):
        check_every_page(sweep, browser)


@pytest.mark.parametrize("where", ["thread", "post"])
def test_the_log_filtered_by_member_leaves_out_her_anonymous_content(app, member, moderator, where):
    """A named reply in her anonymous thread is hers by name; the thread's actions are not."""
    thread = posting.start_thread(
        member, factories.category(), "Anonymous and tired", "Nobody knows it's me.",
        anonymous=True,
    )  # fmt: skip
    named = posting.reply(
        member, thread, "Replying by name this time.", kindness_confirmed=True, named_confirmed=True
    )
    db.session.commit()
    mod = signed_in(app, moderator)
    if where == "thread":
        mod.post(f"/mod/threads/{thread.id}/lock", data={"reason": f"{MARK} lock"})
    else:
        mod.post(f"/mod/posts/{named.id}/hide", data={"reason": "Named reply hidden"})
    page = unescape(mod.get("/mod/log?member=hannah").text)
    if where == "thread":
        assert MARK not in page and "Nothing in the log matches those filters." in page
        assert "hannah" not in unescape(mod.get("/mod/log").text)
    else:
        assert "Named reply hidden" in page
