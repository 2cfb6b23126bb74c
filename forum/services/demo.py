"""Demo content: a few members and threads, so a new forum doesn't open empty."""

import secrets
import tomllib
from dataclasses import dataclass
from datetime import timedelta
from importlib import resources

from sqlalchemy import select

from forum.database import db, utcnow
from forum.models import Category, Post, ReactionKind, Report, Role, Thread, User
from forum.services import accounts, care, helpful, posting, reactions, reporting, sanctions
from forum.services.categories import create_default_categories


@dataclass(frozen=True)
class Seeded:
    threads: int
    moderator: str
    moderator_password: str


def seed_demo() -> Seeded:
    """Add the demo members, threads, moderator and reports that are missing."""
    data = tomllib.loads(resources.files("forum").joinpath("data/demo.toml").read_text())
    create_default_categories()
    categories = {c.slug: c for c in db.session.scalars(select(Category))}
    members = {}
    for entry in data["members"]:
        member = accounts.find_by_username(entry["username"])
        if member is None:
            # Demo members can't be logged into: nobody knows their passwords.
            member = accounts.register(
                entry["username"], f"{entry['username']}@demo.invalid", secrets.token_urlsafe(24)
            )
            accounts.update_profile(member, entry["display_name"], entry["bio"])
        members[entry["username"]] = member

    added = 0
    now = utcnow()
    for entry in data["threads"]:
        author = members[entry["author"]]
        exists = db.session.scalar(
            select(Thread.id).where(Thread.author_id == author.id, Thread.title == entry["title"])
        )
        if exists:
            continue
        at = now - timedelta(hours=entry["hours_ago"])
        thread = posting.start_thread(
            author,
            categories[entry["category"]],
            entry["title"],
            entry["body"],
            anonymous=entry.get("anonymous", False),
            content_note=entry.get("content_note"),
            at=at,
        )
        replies = []
        for answer in entry.get("replies", []):
            at = min(at + timedelta(minutes=answer["minutes_after"]), now)
            replies.append(
                posting.reply(
                    members[answer["author"]],
                    thread,
                    answer["body"],
                    anonymous=answer.get("anonymous", False),
                    kindness_confirmed=True,
                    at=at,
                )
            )
        _warm_responses(thread, replies, list(members.values()))
        added += 1

    moderator = _demo_moderator(data["moderator"])
    members[moderator.username] = moderator
    for name in data.get("helpers", []):
        if care.helper_of(members[name]) is None:
            care.save_helper(members[name], category_ids=[], quiet_from=None, quiet_until=None,
                             daily_cap=3, paused=False, email=False)  # fmt: skip
    for entry in data["reports"]:
        _demo_report(members, entry)
    return Seeded(added, moderator.username, data["moderator"]["password"])


def _warm_responses(thread: Thread, replies: list[Post], members: list[User]) -> None:
    """Reactions from other members, and the first kind reply marked as helping: always the
    same ones, so the demo looks lived in and seeds the same way twice."""
    kinds = list(ReactionKind)
    for post in replies:
        for index, member in enumerate(members):
            if member.id != post.author_id and (post.position * 7 + index * 3) % 5 == 0:
                reactions.toggle_reaction(member, post, kinds[(post.position + index) % len(kinds)])
    helping = next((r for r in replies if r.author_id != thread.author_id), None)
    if helping is not None:
        helpful.mark_helped(thread.author, helping, True)


def _demo_moderator(entry: dict) -> User:
    """A moderator with a published password, so a newcomer can try the queue. Demo only."""
    moderator = accounts.find_by_username(entry["username"])
    if moderator is None:
        moderator = accounts.register(
            entry["username"], f"{entry['username']}@demo.invalid", entry["password"]
        )
        accounts.update_profile(moderator, entry["display_name"], entry["bio"])
        sanctions.set_role(None, moderator, Role.MODERATOR, "Demo moderator.")
    return moderator


def _demo_report(members: dict[str, User], entry: dict) -> None:
    reporter, author = members[entry["reporter"]], members[entry["author"]]
    post = db.session.scalar(
        select(Post)
        .join(Thread)
        .where(Thread.title == entry["thread"], Post.author_id == author.id)
        .order_by(Post.position.desc())
        .limit(1)
    )
    already = db.session.scalar(
        select(Report.id).where(Report.post_id == post.id, Report.reporter_id == reporter.id)
    )
    if not already:
        reporting.report_post(reporter, post, entry["reason"], entry["details"])
