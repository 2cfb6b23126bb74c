from forum.care.views import bp

__all__ = ["bp"]
