"""The directory as a read-only HSDS 3 API (``/api/hsds``), so another directory or a referral system can read it.

Public like the directory pages: only shown services, no personal data. Answers carry an
ETag and may be cached for a few minutes; each client is rate-limited.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from flask import Blueprint, Response, abort, current_app, request

from ..extensions import db, limiter
from . import hsds, services

bp = Blueprint("hsds_api", __name__, url_prefix="/api/hsds")

MAX_PER_PAGE = 100


class BadQuery(Exception):
    """A query parameter that cannot be read; the answer is 400 with the reason."""


def _json(payload, status: int = 200) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    response = Response(body, status=status, mimetype="application/json")
    if status == 200:
        response.set_etag(hashlib.sha256(body).hexdigest()[:32])
        response.headers["Cache-Control"] = f"public, max-age={current_app.config['HSDS_API_MAX_AGE']}"
        response.make_conditional(request)
    # Public data on purpose: any directory may read it from a browser too.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.errorhandler(BadQuery)
def _bad_query(error: BadQuery):
    return _json({"error": str(error)}, 400)


@bp.errorhandler(404)
def _not_found(_error):
    return _json({"error": "No published service has this id."}, 404)


@bp.errorhandler(429)
def _too_many(_error):
    return _json({"error": "Too many requests; try again in a minute."}, 429)


def _integer(name: str, default: int, low: int, high: int | None = None) -> int:
    text = request.args.get(name)
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadQuery(f"{name} should be a whole number.") from None
    if value < low or (high is not None and value > high):
        raise BadQuery(f"{name} should be between {low} and {high}." if high else f"{name} should be {low} or more.")
    return value


def _moment(name: str) -> datetime | None:
    text = request.args.get(name)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadQuery(f"{name} should be a date and time such as 2026-11-01T00:00:00Z.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _flag(name: str) -> bool:
    return (request.args.get(name) or "").lower() in ("1", "true", "yes")


def _limit() -> str:
    return current_app.config["HSDS_API_RATE_LIMIT"]


@bp.get("/")
@limiter.limit(_limit)
def about():
    """Which HSDS version this API speaks."""
    return _json({"version": hsds.SPEC_VERSION})


@bp.get("/services")
@limiter.limit(_limit)
def list_services():
    """Published services, a page at a time; ``full=true`` nests each service's records."""
    query = services.ApiQuery(
        search=(request.args.get("search") or "").strip()[:100] or None,
        taxonomy_term_id=request.args.get("taxonomy_term_id") or None,
        taxonomy_id=request.args.get("taxonomy_id") or None,
        organization_id=request.args.get("organization_id") or None,
        modified_after=_moment("modified_after"),
        page=_integer("page", 1, 1),
        per_page=_integer("per_page", 50, 1, MAX_PER_PAGE),
    )
    return _json(services.api_page(db.session, query, full=_flag("full")))


@bp.get("/services/<service_id>")
@limiter.limit(_limit)
def show_service(service_id: str):
    """One published service with everything about it."""
    found = services.api_service(db.session, service_id)
    if found is None:
        abort(404)
    return _json(found)
