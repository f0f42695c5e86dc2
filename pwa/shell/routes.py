"""The installable app shell: web app manifest, service worker, offline page."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Blueprint, current_app, g, make_response, render_template, request, url_for

from flask_babel import gettext as _

from ..assets import asset_url, asset_version, file_version
from ..i18n import page_language

bp = Blueprint("shell", __name__)

# Files the service worker keeps from install on: the app shell.
SHELL_ASSETS = (
    "css/dera.css",
    "js/exit.js",
    "js/enhance.js",
    "js/offline.js",
    "js/push.js",
    "js/trusted-people.js",
    "js/offline-queue.js",
    "vendor/htmx-2.0.11/htmx.min.js",
    "icons/icon.svg",
    "icons/icon-192.png",
    "js/near-me.js",
    "js/open-now.js",
    "js/text-messages.js",
)
# ES modules imported by other modules: requested without a version, so kept under their plain URL.
SHELL_MODULES = ("js/directory.js", "js/trusted-people.js")
# Pages with nothing personal on them: cached (as an anonymous copy) for use offline. Trusted
# people are drawn by a script from the phone's own storage, so their page is one of these.
PUBLIC_PAGES = ("/contacts", "/services", "/trusted-people")
PUBLIC_DATA = ("/services/directory.json",)
# Pages kept on the phone only when the person turns on "keep my plan on this phone".
PRIVATE_PAGES = ("/today", "/plan", "/appointments")
LANGUAGES = ("sq", "en")


def _organisation():
    from ..security import current_organisation, organisation_defaults

    return current_organisation() or organisation_defaults()


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest, with the organisation's neutral name."""
    name = _organisation().app_name
    icon = lambda file, size, purpose: {"src": asset_url(f"icons/{file}"), "sizes": size, "type": "image/png", "purpose": purpose}  # noqa: E731
    body = {
        "id": "/",
        "name": name,
        "short_name": name[:12],
        "lang": page_language(),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#1f5c4a",
        "icons": [
            icon("icon-192.png", "192x192", "any"),
            icon("icon-512.png", "512x512", "any"),
            icon("maskable-192.png", "192x192", "maskable"),
            icon("maskable-512.png", "512x512", "maskable"),
            {"src": asset_url("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }
    response = make_response(json.dumps(body, ensure_ascii=False))
    response.headers["Content-Type"] = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


def shell_version() -> str:
    """Changes whenever a shell file or the worker itself changes, so old caches are dropped.

    Browsers fetch /sw.js on every navigation to check for updates, so each file's hash is
    computed once per process (``assets.file_version``).
    """
    versions = [asset_version(name) for name in SHELL_ASSETS + SHELL_MODULES]
    versions.append(file_version(Path(current_app.root_path) / "templates" / "shell" / "sw.js"))
    lists = json.dumps([PUBLIC_PAGES, PUBLIC_DATA, PRIVATE_PAGES])
    return hashlib.sha256(" ".join(versions + [lists]).encode()).hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    """The service worker, at the root so that it controls every page."""
    config = {
        "version": shell_version(),
        "shell": [asset_url(name) for name in SHELL_ASSETS] + [url_for("static", filename=name) for name in SHELL_MODULES],
        "offline": {lang: url_for("shell.offline", lang=lang) for lang in LANGUAGES},
        "publicPages": list(PUBLIC_PAGES),
        "publicData": list(PUBLIC_DATA),
        "privatePages": list(PRIVATE_PAGES),
        "resubscribe": url_for("push.resubscribe"),
        "pushKey": url_for("push.vapid_public_key"),
        "helpQueue": url_for("help.send_queued_request"),
        "defaultNotification": {"title": _organisation().app_name, "body": _("You have a reminder"), "url": "/"},
    }
    response = make_response(render_template("shell/sw.js", config=json.dumps(config, ensure_ascii=False)))
    response.headers["Content-Type"] = "text/javascript; charset=utf-8"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline():
    """Shown by the service worker when there is no network and the page is not on the phone."""
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        g.forced_locale = lang
    return render_template("shell/offline.html")
