"""Language and time: Albanian first, English second, times in Europe/Tirane.

Every date and time on a screen, in a file or on a lock screen is written by the
helpers here, in one style: the day and the month in full ("29 nëntor 2026",
"29 November 2026"), the 24-hour clock ("14:30"), in Tirana time. English is
written the British way (``en_GB``), as GOV.UK does.
"""
from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.dates import format_time as babel_format_time
from flask import current_app, g, session
from flask_babel import format_timedelta
from flask_babel import get_locale as flask_babel_locale

from .security import signed_in

LANGUAGE_NAMES = {"sq": "Shqip", "en": "English"}
# The catalog a language reads from, and the Babel locale its dates are written in.
DATE_LOCALES = {"sq": "sq_AL", "en": "en_GB"}
TIRANE = ZoneInfo("Europe/Tirane")

DATE = "d MMMM y"            # 29 nëntor 2026 / 29 November 2026
DAY_MONTH = "d MMMM"         # 29 nëntor / 29 November
WEEKDAY = "EEEE, d MMMM"     # e diel, 29 nëntor / Sunday, 29 November
FULL_DATE = "EEEE, d MMMM y"
TIME = "HH:mm"               # 14:30, never 2:30 PM
PATTERNS = {"long": DATE, "medium": DATE, "short": DATE, "full": FULL_DATE, "day_month": DAY_MONTH, "weekday": WEEKDAY}


def get_locale() -> str:
    """The person's chosen language, else the one chosen on this browser, else Albanian."""
    languages = current_app.config["LANGUAGES"]
    if g.get("forced_locale") in languages:
        return g.forced_locale
    person = signed_in()
    if person is not None and person.locale in languages:
        return person.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def page_language() -> str:
    """The language the page is being written in: the one its translations come from.

    Flask-Babel works it out once per request (with ``get_locale``) and follows ``force_locale``,
    so the page's words, its dates and its ``lang`` always agree.
    """
    locale = flask_babel_locale()
    return str(locale) if locale is not None else get_locale()


def get_timezone() -> str:
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def date_locale(language: str | None = None) -> str:
    """The Babel locale dates are written in for ``language`` (the page's language when not given)."""
    language = language or page_language()
    return DATE_LOCALES.get(language, language)


@functools.cache
def _babel_locale(name: str) -> Locale:
    """The Babel locale called ``name``, parsed once: a list of dates would parse it again for each."""
    return Locale.parse(name)


def _pattern(fmt: str) -> str:
    return PATTERNS.get(fmt, fmt)


def format_date(value, fmt: str = "long", language: str | None = None) -> str:
    """A date (or the Tirana day of a moment): "29 nëntor 2026" / "29 November 2026"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(TIRANE) if value.tzinfo else value.replace(tzinfo=TIRANE)
    return babel_format_date(value, _pattern(fmt), locale=_babel_locale(date_locale(language)))


def format_time(value: datetime | None, language: str | None = None) -> str:
    """A moment's time in Tirana on the 24-hour clock: "14:30"."""
    if value is None:
        return ""
    return babel_format_time(value, TIME, tzinfo=TIRANE, locale=_babel_locale(date_locale(language)))


def format_datetime(value: datetime | None, fmt: str = "long", language: str | None = None) -> str:
    """A moment in Tirana: "29 nëntor 2026, 14:30" (``fmt`` may name a date style or be a pattern)."""
    if value is None:
        return ""
    if fmt in PATTERNS:
        return f"{format_date(value, fmt, language)}, {format_time(value, language)}"
    return babel_format_datetime(value, fmt, tzinfo=TIRANE, locale=_babel_locale(date_locale(language)))


def day_name(value, language: str | None = None) -> str:
    """The weekday and date, capitalised to start a line: "E diel, 29 nëntor" / "Sunday, 29 November"."""
    text = format_date(value, WEEKDAY, language)
    return text[:1].upper() + text[1:]


def preload(languages) -> dict[str, str]:
    """Load each language's catalog and date names now (what a worker writes reminders and push with).

    The first date written in a language reads Babel's data for it, and the first word its
    catalog (10 ms and 2 ms for Albanian): a worker does so as it starts, not in its first
    batch of reminders. Returns a weekday in each language, written as a reminder writes it.
    """
    from flask_babel import force_locale, get_translations

    written = {}
    for language in languages:
        with force_locale(language):
            get_translations()
            written[language] = format_date(datetime(2026, 11, 29, 12, tzinfo=TIRANE), WEEKDAY, language)
    return written


def init_app(app) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = lambda value, fmt="long": format_date(value, fmt) if value else ""
    app.jinja_env.filters["time"] = format_time
    app.jinja_env.filters["hour_minute"] = format_time
    app.jinja_env.filters["day_name"] = day_name
    app.jinja_env.filters["duration"] = lambda value: format_timedelta(value, granularity="minute") if value is not None else ""
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = page_language
    app.jinja_env.add_extension("jinja2.ext.i18n")
