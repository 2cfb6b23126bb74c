"""The typed models, one module per domain."""

from forum.models.category import Category
from forum.models.post import Post, PostRevision
from forum.models.thread import Thread
from forum.models.user import Role, User

__all__ = ["Category", "Post", "PostRevision", "Role", "Thread", "User"]
