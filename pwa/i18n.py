"""Language and time: Albanian first, English second, times in Europe/Tirane."""
from __future__ import annotations

from flask import current_app, g, session
from flask_babel import format_date, format_datetime, format_time, format_timedelta
from flask_login import current_user

LANGUAGE_NAMES = {"sq": "Shqip", "en": "English"}


def get_locale() -> str:
    """The person's chosen language, else the one chosen on this browser, else Albanian."""
    languages = current_app.config["LANGUAGES"]
    if g.get("forced_locale") in languages:
        return g.forced_locale
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def get_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def init_app(app) -> None:
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["time"] = lambda value, fmt="short": format_time(value, fmt) if value else ""
    app.jinja_env.filters["duration"] = lambda value: format_timedelta(value, granularity="minute") if value is not None else ""
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.add_extension("jinja2.ext.i18n")
