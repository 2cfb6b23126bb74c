"""Ids in addresses: only numbers a database row could have, so a huge one is a 404, not an error."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest INTEGER primary key on PostgreSQL


def record_id(value: str) -> int:
    """Parse an id from a query string; ValueError (so None from request.args.get) otherwise."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(value)
    return number


class IdConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs) -> None:
        super().__init__(map, min=1, max=MAX_ID)
