from forum.drafts.views import bp

__all__ = ["bp"]
