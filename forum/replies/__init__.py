from forum.replies.views import bp

__all__ = ["bp"]
