"""Pages kept rendered by each process until anything they could show changes.

A page opened again — her Today after her plan, a list a browser polls, the caseload after a
case — is sent from the process's memory when nothing it shows can have changed. The key holds
who asks (the account and the whole session but its idle clock), what (the address, the htmx
headers, the language), when (the minute, in which every page's times are written) and the
organisation's ``view_version``, which every change to a row a page could show renews in the
same transaction (``models.organisation``). The version comes with the person, in the one small
query every signed-in request runs (``security.signed_in``), so a kept page costs no query of its
own and loads nothing into the ORM session.

Kept pages stay ``no-store`` for the browser and for proxies: they live in the app's memory
only, keyed by a session that dies with Leave quickly, sign-out or the idle lock. A value that
must be new on every page sent (a help request's key) is written into the page as a placeholder
and filled in for each answer (``fresh``).
"""
from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass, field

from flask import current_app, g, request, session

from .clock import this_minute
from .compression import SECRET_MARKERS, compress_page, mark_secret_in_page, page_encoding
from .i18n import page_language
from .security import current_organisation, signed_in

_STORE = "dera_kept_pages"
# Request headers a view or template reads (htmx asks for fragments with them), as WSGI names them.
_HEADERS = ("HTTP_HX_REQUEST", "HTTP_HX_TARGET", "HTTP_HX_TRIGGER", "HTTP_HX_BOOSTED")
# The session's idle clock moves on by itself; nothing on a page shows it.
_NOT_SHOWN_IN_SESSION = frozenset({"seen"})
# The placeholder's text, new in every process: nobody can put it in a page beforehand.
_PLACEHOLDER = "dera-fresh-" + secrets.token_hex(8)


@dataclass(frozen=True)
class _Kept:
    body: bytes
    headers: tuple
    carries_secret: bool
    fresh: tuple  # (placeholder, make) pairs
    compressed: dict = field(default_factory=dict)  # encoding → the body compressed once


def fresh(make) -> str:
    """``make()``, new in every page sent: a placeholder while a kept page is being rendered."""
    pending = g.get("dera_fresh")
    if pending is None:
        return make()
    placeholder = f"{_PLACEHOLDER}-{len(pending)}"
    pending.append((placeholder, make))
    return placeholder


def _session_state() -> str:
    return repr(sorted((name, value) for name, value in session.items() if name not in _NOT_SHOWN_IN_SESSION))


def _key(person, organisation) -> tuple:
    account = person.get_id() if person is not None else None
    environ = request.environ
    return (
        request.endpoint, request.scheme, request.host, request.script_root, request.path, request.query_string,
        tuple(map(environ.get, _HEADERS)), page_language(),
        account, getattr(organisation, "id", None), getattr(organisation, "view_version", None),
        this_minute(), _session_state(),
    )


def _filled(body: bytes, fresh_values: tuple) -> bytes:
    for placeholder, make in fresh_values:
        body = body.replace(placeholder.encode(), make().encode())
    return body


def _answer(kept: _Kept):
    if kept.carries_secret:
        mark_secret_in_page()
    encoding = page_encoding()
    if kept.fresh:
        body = _filled(kept.body, kept.fresh)
        if encoding is None:
            return current_app.response_class(body, headers=kept.headers)
        body = compress_page(body, encoding, each_answer=True)
    elif encoding is None:
        return current_app.response_class(kept.body, headers=kept.headers)
    else:
        body = kept.compressed.get(encoding)
        if body is None:
            body = kept.compressed[encoding] = compress_page(kept.body, encoding)
    response = current_app.response_class(body, headers=kept.headers)
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    return response


def kept_page(view):
    """Serve the view's page from this process's memory while nothing it shows has changed.

    Only a ``GET`` answered ``200`` in HTML (a page or an htmx fragment) that changed nothing in the
    session is kept; a page with a message to show once (a flash) is always rendered.
    """

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if request.method not in ("GET", "HEAD") or "_flashes" in session:
            return view(*args, **kwargs)
        person = signed_in()
        organisation = person.organisation if person is not None else current_organisation()
        if organisation is None:
            return view(*args, **kwargs)
        store = current_app.extensions.setdefault(_STORE, {})
        key = _key(person, organisation)
        kept = store.get(key)
        if kept is not None:
            return _answer(kept)
        before = _session_state()
        g.dera_fresh = []
        try:
            response = current_app.make_response(view(*args, **kwargs))
        finally:
            pending = tuple(g.pop("dera_fresh"))
        if (
            response.status_code == 200 and response.mimetype == "text/html" and not response.is_streamed
            and "Set-Cookie" not in response.headers and _session_state() == before
        ):
            kept = _Kept(
                response.get_data(), tuple(response.headers.items()),
                any(marker in g for marker in SECRET_MARKERS), pending,
            )
            if len(store) >= current_app.config["KEPT_PAGES"]:
                store.clear()
            store[key] = kept
        if pending:
            response.set_data(_filled(response.get_data(), pending))
        return response

    return wrapped
