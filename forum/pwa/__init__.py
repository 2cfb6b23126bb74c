from forum.pwa.views import bp

__all__ = ["bp"]
