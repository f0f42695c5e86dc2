"""Compressed responses when Dera serves them itself (in a deployment nginx compresses too).

Compression and secrets do not mix (BREACH): when a response carries a secret — a form token,
or the help queue's token — and also text that a stranger can choose (a query string or a posted
form shown again), the compressed length leaks the secret a little with every request. Such
responses are sent uncompressed; everything else is compressed with Brotli or gzip, whichever the
browser accepts. Pages without a query string and fragments without a token are the common case,
so almost every response is still compressed.
"""
from __future__ import annotations

from flask import g, request

from .extensions import compress

_SECRET_MARKERS = ("csrf_token", "secret_in_page")
TEXT_TYPES = [
    "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
    "application/manifest+json", "image/svg+xml", "text/calendar", "text/csv", "text/plain",
]


def init_app(app) -> None:
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_MIMETYPES", TEXT_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    compress.init_app(app)
    app.after_request(_compress)


def mark_secret_in_page() -> None:
    """Say that the response being built carries a secret of the session (see the module's note)."""
    g.secret_in_page = True


def may_compress() -> bool:
    """False when the response carries a secret beside text a stranger could choose."""
    carries_secret = any(marker in g for marker in _SECRET_MARKERS)
    echoes_input = bool(request.query_string) or request.method not in ("GET", "HEAD")
    return not (carries_secret and echoes_input)


def _compress(response):
    if not may_compress():
        response.vary.add("Accept-Encoding")
        return response
    return compress.after_request(response)
