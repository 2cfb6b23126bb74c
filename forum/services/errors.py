from collections.abc import Callable

from flask_babel import gettext


class ServiceError(Exception):
    """A rule refused the request. The message is written for the member, in her language (a
    gettext, or a lazy_gettext made a str here, when it is raised); field names the input.

    Whoever catches it rolls back everything the attempt wrote; `keep`, if given, then writes
    what the refusal itself must leave (forum.database.roll_back).
    """

    status_code = 400
    reads_as_crisis = False  # the refused words read as a crisis: show the support resources

    def __init__(
        self, message: str, field: str | None = None, keep: Callable[[], object] | None = None
    ) -> None:
        message = str(message)
        super().__init__(message)
        self.message = message
        self.field = field
        self.keep = keep


class NotAllowed(ServiceError):
    status_code = 403

    def __init__(
        self,
        message: str | None = None,
        field: str | None = None,
        keep: Callable[[], object] | None = None,
    ) -> None:
        super().__init__(message or gettext("You can't do that here."), field, keep)


class AlreadyHandled(ServiceError):
    """Someone else got there first: the item is no longer in the state this action expects."""

    status_code = 409
