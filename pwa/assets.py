"""Versioned static URLs, so files can be cached for long and still change."""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import current_app, request, url_for

from .extensions import kept_in_process


@lru_cache(maxsize=256)
def _fingerprint(path: str, mtime: float) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


@lru_cache(maxsize=256)
def _fixed_fingerprint(path: str) -> str:
    return _fingerprint(path, 0.0)


def file_version(path: Path) -> str:
    """The content hash of a file shipped with the app: computed once per process, or on every change while debugging."""
    if current_app.debug:
        return _fingerprint(str(path), path.stat().st_mtime)
    return _fixed_fingerprint(str(path))


def asset_version(filename: str) -> str:
    """The content hash of a static file."""
    return file_version(Path(current_app.static_folder) / filename)


def asset_url(filename: str) -> str:
    """``url_for('static')`` with a content hash, e.g. ``/static/css/dera.css?v=3f2a…``: built once per process."""
    if current_app.debug:
        return url_for("static", filename=filename, v=asset_version(filename))
    key = (request.script_root if request else "", filename)
    return kept_in_process("dera_asset_urls", key, lambda: url_for("static", filename=filename, v=asset_version(filename)))


def init_app(app) -> None:
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:
        # Static URLs carry a content hash, so browsers may keep the files for a year.
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 365 * 24 * 3600
    app.jinja_env.globals["asset_url"] = asset_url
    app.after_request(_revalidate_unversioned)


def _revalidate_unversioned(response):
    """A script asked for without its hash (an ES module's ``import``) is checked again each time."""
    if request.endpoint == "static" and request.path.endswith(".js") and "v" not in request.args and response.status_code in (200, 304):
        response.headers["Cache-Control"] = "no-cache"
    return response
