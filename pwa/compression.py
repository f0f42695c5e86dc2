"""Compressed responses when Dera serves them itself (in a deployment nginx compresses too).

Compression and secrets do not mix (BREACH): when a response carries a secret — a form token,
or the help queue's token — and also text that a stranger can choose (a query string or a posted
form shown again), the compressed length leaks the secret a little with every request. Such
responses are sent uncompressed; everything else is compressed with Brotli or gzip, whichever the
browser accepts. Pages without a query string and fragments without a token are the common case,
so almost every response is still compressed.
"""
from __future__ import annotations

import gzip

import brotli
from flask import current_app, g, request

from .extensions import compress, kept_in_process

SECRET_MARKERS = ("csrf_token", "secret_in_page")
TEXT_TYPES = [
    "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
    "application/manifest+json", "image/svg+xml", "text/calendar", "text/csv", "text/plain",
]


def init_app(app) -> None:
    app.config.setdefault("COMPRESS_REGISTER", False)
    app.config.setdefault("COMPRESS_MIMETYPES", TEXT_TYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "deflate"])
    # Pages are compressed on every request: Brotli's level 2 (gzip's 3) costs a third of the
    # default level's time for a page a few percent larger. Static files get the best level once.
    app.config.setdefault("COMPRESS_BR_LEVEL", 2)
    app.config.setdefault("COMPRESS_LEVEL", 3)
    compress.init_app(app)
    app.after_request(_compress)


def mark_secret_in_page() -> None:
    """Say that the response being built carries a secret of the session (see the module's note)."""
    g.secret_in_page = True


def may_compress() -> bool:
    """False when the response carries a secret beside text a stranger could choose."""
    carries_secret = any(marker in g for marker in SECRET_MARKERS)
    echoes_input = bool(request.query_string) or request.method not in ("GET", "HEAD")
    return not (carries_secret and echoes_input)


def page_encoding() -> str | None:
    """The encoding this page may go in: Brotli or gzip, as the browser accepts; None when it goes as it is."""
    return _accepted_encoding() if may_compress() else None


def _accepted_encoding() -> str | None:
    """Brotli or gzip, the first the browser accepts."""
    accepted = request.accept_encodings
    return next((name for name in ("br", "gzip") if accepted[name] > 0), None)


# A kept page with a value new in every answer (a help request's key) is compressed again for each
# one, at the quickest level: half the time of level 2 for a page about 5 % larger.
_EACH_ANSWER_LEVELS = {"br": 1, "gzip": 1}


def compress_page(body: bytes, encoding: str, each_answer: bool = False) -> bytes:
    """``body`` compressed as pages are (a page kept rendered is compressed once, not per answer)."""
    if encoding == "br":
        return brotli.compress(body, quality=_EACH_ANSWER_LEVELS["br"] if each_answer else current_app.config["COMPRESS_BR_LEVEL"])
    level = _EACH_ANSWER_LEVELS["gzip"] if each_answer else current_app.config["COMPRESS_LEVEL"]
    return gzip.compress(body, compresslevel=level, mtime=0)


def _compress(response):
    if request.endpoint == "static":
        return _compress_static(response)
    if not may_compress():
        response.vary.add("Accept-Encoding")
        return response
    return compress.after_request(response)


# Static files never change under one address (it carries their hash): each is compressed once per
# process, at the best (slowest) level, and the same bytes are sent to every phone after that.
_STATIC_LEVELS = {"br": lambda data: brotli.compress(data, quality=11), "gzip": lambda data: gzip.compress(data, compresslevel=9, mtime=0)}


def _compress_static(response):
    if response.status_code != 200 or response.mimetype not in TEXT_TYPES or "Content-Encoding" in response.headers:
        return response
    response.vary.add("Accept-Encoding")
    encoding = _accepted_encoding()
    file_tag = response.get_etag()[0]
    if encoding is None or file_tag is None:
        return response
    response.direct_passthrough = False
    # The file's ETag changes with its contents: a kept copy is sent without reading the file again.
    body = kept_in_process("dera_compressed_static", (request.path, file_tag, encoding), lambda: _STATIC_LEVELS[encoding](response.get_data()))
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    response.set_etag(f"{file_tag}-{encoding}")
    return response
