from forum.messages.views import bp

__all__ = ["bp"]
