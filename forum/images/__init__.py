from forum.images.views import bp

__all__ = ["bp"]
