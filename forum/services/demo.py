"""Demo content: a few members and threads, so a new forum doesn't open empty."""

import secrets
import tomllib
from datetime import timedelta
from importlib import resources

from sqlalchemy import select

from forum.database import db, utcnow
from forum.models import Category, Thread
from forum.services import accounts, posting
from forum.services.categories import create_default_categories


def seed_demo() -> int:
    """Add the demo members and threads that are missing; returns how many threads it added."""
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
            author, categories[entry["category"]], entry["title"], entry["body"], at=at
        )
        for answer in entry.get("replies", []):
            at = min(at + timedelta(minutes=answer["minutes_after"]), now)
            posting.reply(members[answer["author"]], thread, answer["body"], at=at)
        added += 1
    return added
