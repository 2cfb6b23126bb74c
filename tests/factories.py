"""Rows with sensible defaults, made through the same services the forum uses."""

from itertools import count

from sqlalchemy import select

from forum import queue
from forum.database import db
from forum.models import Category, Post, Role, Thread, User
from forum.services import accounts, posting

PASSWORD = "a long and quiet morning"
# Each post a factory writes says something new: the same words twice in a few minutes would be
# refused as a duplicate, as they are for members.
_numbers = count(1)


def _fresh(text: str) -> str:
    return f"{text} ({next(_numbers)})"


def member(username: str, role: str = Role.MEMBER, **profile) -> User:
    user = accounts.register(username, f"{username}@example.org", PASSWORD)
    user.role = role
    for name, value in profile.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def category(slug: str = "back-to-work") -> Category:
    return db.session.scalars(select(Category).where(Category.slug == slug)).one()


def thread(
    author: User,
    title: str = "First week back and I cried in the car",
    body: str | None = None,
    category_slug: str = "back-to-work",
    replies: int = 0,
    replier: User | None = None,
    anonymous: bool = False,
) -> Thread:
    body = body or _fresh("It was harder than I thought it would be.")
    started = posting.start_thread(
        author, category(category_slug), title, body, anonymous=anonymous
    )
    for number in range(replies):
        posting.reply(
            replier or author,
            started,
            _fresh(f"Reply number {number + 1}. You've got this."),
            kindness_confirmed=True,
            named_confirmed=True,
        )
    db.session.commit()
    return started


def reply(author: User, to: Thread, body: str | None = None) -> Post:
    body = body or _fresh("I'm right there with you.")
    post = posting.reply(author, to, body, kindness_confirmed=True, named_confirmed=True)
    db.session.commit()
    queue.run_waiting()  # its followers are told, as the worker would by the time anyone looks
    return post


def opening_post(of: Thread) -> Post:
    return db.session.scalars(select(Post).where(Post.thread_id == of.id, Post.position == 1)).one()
