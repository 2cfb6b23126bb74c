from forum.push.views import bp

__all__ = ["bp"]
