from forum.support.views import bp

__all__ = ["bp"]
