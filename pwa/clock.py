"""The app's clock: one place to read the time, so tests can freeze it.

Services take ``now`` as an argument; views get it from ``now()``. Tests (and
only tests) set ``app.config["CLOCK"]`` to a function returning a fixed time.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from .models.types import utcnow


def now() -> datetime:
    """The current time, timezone-aware (UTC), from the app's clock."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return utcnow()


def this_minute() -> int:
    """The minute it is, as a number: pages write times in minutes, so what they show lasts a minute."""
    return int(now().timestamp() // 60)


def today() -> date:
    """Today's date where the organisation works (the app's time zone), from the app's clock."""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else "Europe/Tirane"
    return now().astimezone(ZoneInfo(zone)).date()
