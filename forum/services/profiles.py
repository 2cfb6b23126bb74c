"""A member's public profile, with the numbers it shows, read in one query."""

from dataclasses import dataclass

from sqlalchemy import false, select

from forum.database import db
from forum.models import Block, User
from forum.services import accounts
from forum.services.helpful import parents_helped_statement


@dataclass(frozen=True)
class Profile:
    member: User
    parents_helped: int
    blocked: bool  # by the viewer


def profile(username: str, viewer: User) -> Profile | None:
    """A member's profile numbers, and whether the viewer blocked them, in one query."""
    blocked = (
        select(Block.id).where(Block.blocker_id == viewer.id, Block.blocked_id == User.id).exists()
        if viewer.is_authenticated
        else false()
    )
    statement = accounts.by_username(
        username, parents_helped_statement(User.id).scalar_subquery(), blocked
    )
    row = None if statement is None else db.session.execute(statement).first()
    return None if row is None else Profile(row[0], row[1], bool(row[2]))


def choose_language(user: User, language: str) -> None:
    """Her pages, emails and pushes from now on, in the language she chose."""
    user.locale = language
