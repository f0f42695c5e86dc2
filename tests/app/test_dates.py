"""One date and time style everywhere: day and month in full, the 24-hour clock, Tirana time, British English."""
from datetime import date, datetime, timezone

import pytest
from flask import g

from pwa.appointments.services import reminder_text
from pwa.i18n import day_name, format_date, format_datetime, format_time, preload

# 13:30 UTC on 29 November is 14:30 in Tirana (winter, UTC+1); 29 June 13:30 UTC is 15:30 (summer, UTC+2).
WINTER = datetime(2026, 11, 29, 13, 30, tzinfo=timezone.utc)
SUMMER = datetime(2026, 6, 29, 13, 30, tzinfo=timezone.utc)


@pytest.fixture
def in_language(app):
    def enter(language):
        context = app.test_request_context("/")
        context.push()
        g.forced_locale = language
        return context
    contexts = []
    yield lambda language: contexts.append(enter(language))
    for context in reversed(contexts):
        context.pop()


@pytest.mark.parametrize("language, expected", [("sq", "29 nëntor 2026"), ("en", "29 November 2026")])
def test_a_date_is_written_in_full(in_language, language, expected):
    in_language(language)
    assert format_date(date(2026, 11, 29)) == expected
    assert format_date(WINTER) == expected


@pytest.mark.parametrize("language", ["sq", "en"])
def test_times_use_the_24_hour_clock_in_tirana(in_language, language):
    in_language(language)
    assert format_time(WINTER) == "14:30"
    assert format_time(SUMMER) == "15:30"


def test_a_moment_late_in_the_utc_day_is_the_next_day_in_tirana(in_language):
    in_language("en")
    assert format_datetime(datetime(2026, 6, 29, 23, 30, tzinfo=timezone.utc)) == "30 June 2026, 01:30"


@pytest.mark.parametrize("language, expected", [("sq", "E diel, 29 nëntor"), ("en", "Sunday, 29 November")])
def test_day_name_starts_a_line(in_language, language, expected):
    in_language(language)
    assert day_name(WINTER) == expected


@pytest.mark.parametrize("language, expected", [("sq", "29 nëntor, 14:30"), ("en", "29 November, 14:30")])
def test_the_help_timeline_style(in_language, language, expected):
    in_language(language)
    assert format_datetime(WINTER, "day_month") == expected


def test_the_reminder_uses_the_same_style(app):
    with app.app_context():
        text = reminder_text(WINTER, datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc), "en")
    assert text == "You have a reminder: Sunday, 29 November at 14:30"


def test_a_worker_loads_each_language_as_it_starts(app):
    """What the worker's first reminders need (each catalog, each language's date names) is read before they fall due."""
    with app.app_context():
        assert preload(app.config["LANGUAGES"]) == {"sq": "e diel, 29 nëntor", "en": "Sunday, 29 November"}


def test_no_template_uses_abbreviated_months_or_the_12_hour_clock():
    from tests.conftest import ROOT

    offenders = [
        str(path) for path in (ROOT / "pwa" / "templates").rglob("*.html")
        if any(pattern in path.read_text() for pattern in ('"d MMM,', "'d MMM", "|time(\"short", "h:mm a"))
    ]
    assert not offenders
