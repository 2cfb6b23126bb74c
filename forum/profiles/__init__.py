from forum.profiles.views import bp

__all__ = ["bp"]
