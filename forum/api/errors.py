"""Errors from the API as JSON: a stable code for programs, a kind message for people, and a
message for each field that was not right. Never a page, never a 500 page."""

from flask import Response, jsonify, request

PREFIX = "/api/"

CODES = {
    400: "invalid",
    401: "token_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


class ApiError(Exception):
    """`message` (and each field's) in the language the client asked for; `code` stays as it is."""

    def __init__(
        self, status: int, code: str, message: str, fields: dict[str, str] | None = None
    ) -> None:
        super().__init__(str(message))
        self.status, self.code, self.message = status, code, str(message)
        self.fields = {name: str(words) for name, words in (fields or {}).items()}


def is_api() -> bool:
    return request.path.startswith(PREFIX)


def json_error(
    status: int,
    message: str,
    code: str | None = None,
    fields: dict[str, str] | None = None,
    *,
    pause: str | None = None,
    words: list[str] | None = None,
    retry_after: int | None = None,
) -> Response:
    body = {
        "error": {
            "code": code or CODES.get(status, "invalid" if status < 500 else "server_error"),
            "message": str(message),
            "fields": {name: str(words) for name, words in (fields or {}).items()},
            "pause": pause,
            "words": words or [],
            "retry_after": retry_after,
        }
    }
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"  # also for paths outside the blueprint
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response
