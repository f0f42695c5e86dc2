"""Error pages: calm, translated, and shown to htmx too instead of being dropped."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from .boundary import BodyRefused, refused_response, takes_json
from .extensions import db


def render_error(kind: str, status: int, **context):
    """The full error page, or just its message for an htmx request."""
    template = "errors/_message.html" if request.headers.get("HX-Request") else "errors/error.html"
    return render_template(template, kind=kind, status=status, **context), status


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_expired(error):
        """A form left open too long (or sent from elsewhere): nothing was saved; offer the form again."""
        rule = request.url_rule
        retry_url = request.path if rule is not None and "GET" in rule.methods else None
        return render_error("try_again", 400, retry_url=retry_url)

    @app.errorhandler(400)
    def bad_request(error):
        return render_error("bad_request", 400)

    @app.errorhandler(BodyRefused)
    def body_refused(error):
        """A body of the wrong kind (JSON or a file where a form belongs): nothing was read or saved."""
        return refused_response(error)

    @app.errorhandler(413)
    def too_large(error):
        if takes_json(request.endpoint):
            return jsonify(error="too large"), 413
        return render_error("too_large", 413)

    @app.errorhandler(404)
    def not_found(error):
        return render_error("not_found", 404)

    @app.errorhandler(405)
    def method_not_allowed(error):
        return render_error("not_found", 405)

    @app.errorhandler(429)
    def too_many(error):
        return render_error("too_many", 429)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error("server", 500)
