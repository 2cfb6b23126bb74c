"""The API's blueprint: who is asking (a bearer token, never a cookie), what the token may do,
and how answers and refusals are written."""

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import Blueprint, Response, g, jsonify, request
from flask_babel import gettext, lazy_gettext
from flask_login import AnonymousUserMixin
from pydantic import BaseModel, ValidationError
from spectree import SpecTree

from forum.api.errors import ApiError, json_error
from forum.api.schemas import Error
from forum.database import SAFE_METHODS, roll_back
from forum.extensions import csrf
from forum.forms import clean_text
from forum.models import User
from forum.services import posting_rules, tokens
from forum.services.errors import AlreadyHandled, NotAllowed, ServiceError

M = TypeVar("M", bound=BaseModel)

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# No cookie is read, so no form on another site can act as anyone: nothing to forge.
csrf.exempt(bp)

# The document is generated from the views this instance decorates ("strict"), with their
# pydantic models; requests are checked by the views themselves, into the API's own errors.
spec = SpecTree(
    "flask",
    mode="strict",
    title="Blossom API",
    version="1",
    description="Threads, posts, reactions and reports, as the forum's pages show them.",
    validation_error_status=400,
    validation_error_model=Error,
)

# Words for people, not secrets.
NO_TOKEN = lazy_gettext(
    "Send a token: Authorization: Bearer blossom_pat_… (from Settings › Apps and tokens)."
)
BAD_TOKEN = lazy_gettext(
    "That token isn't valid: it may have expired or been revoked, or it was copied wrong."
)


@bp.before_request
def authenticate() -> None:
    """The member a bearer token names, or a visitor. The session cookie is never read."""
    g.api_token = None
    g.api_member = AnonymousUserMixin()
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, secret = header.strip().partition(" ")
    reading = request.method in SAFE_METHODS
    found = tokens.authenticate(secret.strip(), reading) if scheme.lower() == "bearer" else None
    if found is None:
        raise ApiError(401, "invalid_token", BAD_TOKEN)
    g.api_member, g.api_token = found


@bp.after_request
def no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(ApiError)
def api_error(error: ApiError):
    roll_back(None)
    response = json_error(error.status, error.message, error.code, error.fields)
    if error.status == 401:  # RFC 6750: how to authenticate, and what was wrong
        wrong = ', error="invalid_token"' if error.code == "invalid_token" else ""
        response.headers["WWW-Authenticate"] = f'Bearer realm="Blossom"{wrong}'
    return response


@bp.errorhandler(ServiceError)
def service_error(error: ServiceError):
    """A rule refused: the same rules and words as the pages, as JSON."""
    roll_back(error.keep)
    fields = {error.field: error.message} if error.field else {}
    if isinstance(error, posting_rules.Pause):
        return json_error(
            error.status_code, error.message, "paused", fields, pause=error.kind, words=error.words
        )
    if isinstance(error, posting_rules.DuplicatePost):
        code = "duplicate"
    elif isinstance(error, posting_rules.ThreadLocked):
        code = "locked"
    elif isinstance(error, NotAllowed):
        code = "forbidden"
    elif isinstance(error, AlreadyHandled):
        code = "conflict"
    else:
        code = "invalid"
    return json_error(error.status_code, error.message, code, fields)


def member() -> User:
    return g.api_member


def needs(scope: str) -> Callable:
    """Only with a token that carries this scope."""

    def wrap(view: Callable) -> Callable:
        @wraps(view)
        def check(*args, **kwargs):
            token = g.api_token
            if token is None:
                raise ApiError(401, "token_required", NO_TOKEN)
            if scope not in token.scope_list:
                raise ApiError(
                    403,
                    "insufficient_scope",
                    gettext("This token can't do that: it needs “%(scope)s”.", scope=scope),
                )
            return view(*args, **kwargs)

        check.api_scope = scope
        return check

    return wrap


def readable(view: Callable) -> Callable:
    """Open to visitors; a token, if sent, must carry "read"."""

    @wraps(view)
    def check(*args, **kwargs):
        token = g.api_token
        if token is not None and "read" not in token.scope_list:
            raise ApiError(
                403,
                "insufficient_scope",
                gettext("This token can't do that: it needs “%(scope)s”.", scope="read"),
            )
        return view(*args, **kwargs)

    check.api_scope = None
    return check


def parsed(model: type[M], data: object) -> M:
    """The request's query or body as the model, or a 400 with a message at each field. Text is
    cleaned as the forms clean it: no control characters (NUL breaks PostgreSQL), one line end."""
    try:
        return model.model_validate(_cleaned(data))
    except ValidationError as error:
        fields = {}
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"]) or "body"
            fields.setdefault(name, field_problem(problem))
        raise ApiError(
            400, "invalid", gettext("Some of what was sent isn't right."), fields
        ) from None


def field_problem(problem: dict) -> str:
    """What was wrong with a field, in the client's language for the usual problems (pydantic's
    own words, in English, for the rest)."""
    limits = problem.get("ctx") or {}
    kind = problem["type"]
    if kind == "missing":
        return gettext("This is needed.")
    if kind == "extra_forbidden":
        return gettext("This isn't something we take.")
    if kind == "string_too_long":
        return gettext("This can be up to %(most)s characters.", most=limits.get("max_length"))
    if kind == "string_too_short":
        return gettext("This needs at least %(least)s characters.", least=limits.get("min_length"))
    if kind in ("string_type", "int_type", "int_parsing", "bool_type", "bool_parsing",
                "list_type", "dict_type", "int_from_float"):  # fmt: skip
        return gettext("This isn't the right kind of value.")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        return gettext("This number is out of range.")
    if kind in ("literal_error", "enum"):
        return gettext("This isn't one of the values we take.")
    return problem["msg"]


def _cleaned(data: object) -> object:
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, dict):
        return {_cleaned(key): _cleaned(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_cleaned(item) for item in data]
    return data


def query(model: type[M]) -> M:
    return parsed(model, request.args.to_dict())


def body(model: type[M]) -> M:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(
            400, "invalid", gettext("Send a JSON object, with Content-Type: application/json.")
        )
    return parsed(model, data)


def answer(model: BaseModel, status: int = 200) -> Response:
    response = jsonify(model.model_dump(mode="json"))
    response.status_code = status
    return response
