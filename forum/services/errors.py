class ServiceError(Exception):
    """A rule refused the request. The message is written for the member; field names the input."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(ServiceError):
    status_code = 403

    def __init__(self, message: str = "You can't do that here.", field: str | None = None) -> None:
        super().__init__(message, field)


class AlreadyHandled(ServiceError):
    """Someone else got there first: the item is no longer in the state this action expects."""

    status_code = 409
