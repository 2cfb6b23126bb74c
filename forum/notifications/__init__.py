from forum.notifications.views import bp

__all__ = ["bp"]
