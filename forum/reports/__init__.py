from forum.reports.views import bp

__all__ = ["bp"]
