"""Integers from the URL and the query string that the database can hold: an id beyond the
range of an id column is « not found » (404) or « absent », never an OverflowError (SQLite,
above 2^63) nor a NumericValueOutOfRange (PostgreSQL INTEGER, above 2^31) answered with a 500."""

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids are INTEGER columns: the PostgreSQL int4 range


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


def _clean(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


class RequestParameters(ImmutableMultiDict):
    """Query strings and forms as the database can take them: NUL characters are dropped
    (PostgreSQL text refuses them) and `.get(name, type=int)` treats a huge integer as absent."""

    def __init__(self, mapping=None):
        pairs = MultiDict(mapping).items(multi=True) if mapping is not None else ()
        super().__init__([(_clean(key), _clean(value)) for key, value in pairs])

    def get(self, key, default=None, type=None):  # noqa: A002
        return super().get(key, default, bounded_int if type is int else type)


def register_converters(app: Flask) -> None:
    """Install the bounded `int` converter, and clean query/form parameters on the app's request
    class (extensions such as htmx-flask install their own subclass first)."""
    app.url_map.converters["int"] = BoundedIntegerConverter
    base: type[Request] = app.request_class
    app.request_class = type("BoundedRequest", (base,),
                             {"parameter_storage_class": RequestParameters})
