"""Integers from the URL and the query string that the database can hold: an id above 2^63 is
« not found » (404) or « absent », never an OverflowError (500)."""

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1  # PostgreSQL BIGINT and SQLite INTEGER


class BoundedIntegerConverter(IntegerConverter):
    """`<int:…>` that stops matching above MAX_ID, so the route answers 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=MAX_ID if max is None else max, signed=signed)


def bounded_int(value) -> int:
    """`int` for query strings and forms: out-of-range values are a ValueError like « abc »."""
    number = int(value)
    if abs(number) > MAX_ID:
        raise ValueError("out of range")
    return number


class BoundedArgs(ImmutableMultiDict):
    """`request.args.get(name, type=int)` treats a huge integer as absent (the default)."""

    def get(self, key, default=None, type=None):  # noqa: A002
        return super().get(key, default, bounded_int if type is int else type)


def register_converters(app: Flask) -> None:
    """Install the bounded `int` converter, and bounded query/form ints on the app's request
    class (extensions such as htmx-flask install their own subclass first)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    base: type[Request] = app.request_class
    app.request_class = type("BoundedRequest", (base,), {"parameter_storage_class": BoundedArgs})
