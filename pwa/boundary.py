"""The input boundary: what a request may carry before any view reads it.

Every request passes here, so a new route cannot forget it: form endpoints take
form encodings only and no files, JSON endpoints (marked with ``json_endpoint``)
take JSON that a schema has checked, and an ``<int:…>`` path parameter outside
the database's range, or a path segment with a control character, is a plain 404.
"""
from __future__ import annotations

import functools

from flask import current_app, jsonify, request
from jsonschema import Draft202012Validator
from werkzeug.routing import IntegerConverter, UnicodeConverter

# The largest id a PostgreSQL ``integer`` column holds.
DATABASE_INT_MAX = 2**31 - 1
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_JSON_SCHEMA = "_dera_json_schema"
_UPLOAD_LIMIT = "_dera_upload_limit"


def digits_up_to(limit: int) -> str:
    """A regular expression for the decimal numbers from 0 to ``limit`` (leading zeros allowed)."""
    digits = str(limit)
    alternatives = [rf"\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - i - 1
            alternatives.append(digits[:i] + f"[0-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    alternatives.append(digits)
    return "0*(?:" + "|".join(alternatives) + ")"


class DatabaseIntConverter(IntegerConverter):
    """``<int:…>`` that matches only ids the database can hold; anything larger is a 404.

    The range is in the pattern itself, not only in ``to_python``: a value that
    matches no pattern is a 404 even where another method has a rule (not a 405).
    """

    regex = digits_up_to(DATABASE_INT_MAX)

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=DATABASE_INT_MAX if max is None else max, signed=signed)
        self.regex = digits_up_to(self.max)


class CleanStringConverter(UnicodeConverter):
    """A ``<name>`` path segment without control characters (a NUL breaks PostgreSQL): anything else is a 404."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength=minlength, maxlength=maxlength, length=length)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f-\x9f]")


class BodyRefused(Exception):
    """A request body of a kind this endpoint does not take."""

    def __init__(self, status: int, kind: str):
        super().__init__(kind)
        self.status, self.kind = status, kind


def init_app(app) -> None:
    """Register the converters (before any blueprint) and the check every request passes."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.url_map.converters["default"] = app.url_map.converters["string"] = CleanStringConverter
    app.before_request(check_body)


def json_endpoint(schema: dict):
    """Mark a view as taking a JSON body checked against ``schema``; the view gets it as ``body``."""
    validator = Draft202012Validator(schema)

    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            data = request.get_json(silent=True)
            if data is None or not validator.is_valid(data):
                return jsonify(error="bad request"), 400
            return view(*args, body=data, **kwargs)

        setattr(wrapped, _JSON_SCHEMA, schema)
        return wrapped

    return decorate


def upload_endpoint(max_bytes: int):
    """Mark a form view that takes a file (or a file's contents carried on in the form), up to ``max_bytes``.

    Everywhere else a file is refused, and a body is held to ``MAX_CONTENT_LENGTH``.
    """

    def decorate(view):
        setattr(view, _UPLOAD_LIMIT, max_bytes)
        return view

    return decorate


def _view(endpoint: str | None):
    return current_app.view_functions.get(endpoint) if endpoint else None


def takes_json(endpoint: str | None) -> bool:
    return getattr(_view(endpoint), _JSON_SCHEMA, None) is not None


def check_body() -> None:
    """Refuse a body of the wrong kind before a view (or a form) reads it."""
    if request.method not in _BODY_METHODS or not _has_body():
        return
    if takes_json(request.endpoint):
        if request.mimetype != "application/json":
            raise BodyRefused(415, "not_json")
        return
    if request.mimetype not in FORM_TYPES:
        raise BodyRefused(415, "not_form")
    upload_limit = getattr(_view(request.endpoint), _UPLOAD_LIMIT, None)
    if upload_limit is not None:
        # The file itself, or its contents sent on again in base64 (a third larger).
        request.max_content_length = request.max_form_memory_size = upload_limit * 4 // 3 + 64 * 1024
        return
    if request.files:
        raise BodyRefused(415, "file")


def _has_body() -> bool:
    if request.content_length is not None:
        return request.content_length > 0
    return request.headers.get("Transfer-Encoding", "").lower() == "chunked"


def refused_response(error: BodyRefused):
    """JSON endpoints answer in JSON; pages get the calm, translated error page."""
    if takes_json(request.endpoint):
        return jsonify(error="unsupported body"), error.status
    from .errors import render_error

    return render_error(error.kind, error.status)
