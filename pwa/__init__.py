"""Dera: the app factory."""
from __future__ import annotations

import gc
import os

from flask import Flask

from .config import load_config
from .extensions import babel, csrf, db, limiter, login_manager


def create_app(test_config: dict | None = None) -> Flask:
    """Create the Flask app: configuration, extensions, blueprints, errors, commands."""
    app = Flask(__name__, instance_path=os.environ.get("DERA_INSTANCE_PATH") or None, instance_relative_config=True)
    app.config.from_mapping(load_config(app.instance_path, test_config))

    from . import assets, boundary, compression, i18n, logs, proxies, security, templating
    from .cli import Commands

    app.cli = Commands(app)  # before anything adds a command to it

    logs.init_app(app)
    proxies.init_app(app)

    db.init_app(app)
    babel.init_app(app, locale_selector=i18n.get_locale, timezone_selector=i18n.get_timezone)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    # Registered first, so that it runs last, on the response with all its headers.
    compression.init_app(app)
    boundary.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    setup_blueprints(app)
    register_error_handlers(app)
    setup_commands(app)
    if not app.testing:
        app.after_request(_freeze_what_lives_long)
    return app


def _freeze_what_lives_long(response):
    """After a process's first answer, move what it has built (modules, the app, compiled templates) out of the collector's way.

    Python's cycle collector otherwise walks every one of those objects again at each full
    collection, a pause of tens of milliseconds every few hundred requests.
    """
    from flask import current_app

    if not current_app.extensions.get("dera_frozen"):
        current_app.extensions["dera_frozen"] = True
        gc.freeze()
    return response


def setup_blueprints(app: Flask) -> None:
    from .appointments.routes import bp as appointments_bp
    from .auditlog.routes import bp as auditlog_bp
    from .auth.routes import bp as auth_bp
    from .cases.routes import bp as cases_bp
    from .console.routes import bp as console_bp
    from .contacts.routes import bp as contacts_bp
    from .figures.routes import bp as figures_bp
    from .health import bp as health_bp
    from .help.inbox_routes import bp as inbox_bp
    from .help.routes import bp as help_bp
    from .plan.editor import bp as plan_editor_bp
    from .plan.routes import bp as plan_bp
    from .push.routes import bp as push_bp
    from .rota.routes import bp as rota_bp
    from .services_map.api import bp as hsds_api_bp
    from .services_map.console import bp as services_console_bp
    from .services_map.routes import bp as services_bp
    from .shell.routes import bp as shell_bp
    from .staff.routes import bp as staff_bp
    from .settings.routes import bp as settings_bp
    from .today.routes import bp as today_bp

    blueprints = (
        auth_bp, today_bp, plan_bp, help_bp, services_bp, contacts_bp, appointments_bp, settings_bp,
        console_bp, inbox_bp, plan_editor_bp, services_console_bp, health_bp, push_bp, shell_bp, hsds_api_bp,
        cases_bp, staff_bp, rota_bp, auditlog_bp, figures_bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_error_handlers(app: Flask) -> None:
    from .errors import register

    register(app)


def setup_commands(app: Flask) -> None:
    from .cli import register

    register(app)
