"""Directory rules: "open now" in Europe/Tirane (past midnight, across summer time), filters and search."""
from datetime import datetime, timezone

import pytest

from pwa.models import DirectorySchedule
from pwa.services_map import services
from tests import factories


def _hours(byday="MO,TU,WE,TH,FR", opens="08:00", closes="16:00", zone="Europe/Tirane"):
    return [DirectorySchedule(byday=byday, opens_at=opens, closes_at=closes, timezone=zone)]


def _utc(*args):
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize("moment, expected", [
    (_utc(2026, 1, 12, 7, 0), True),    # Monday 08:00 in Tirana (winter, UTC+1)
    (_utc(2026, 1, 12, 6, 59), False),  # 07:59
    (_utc(2026, 1, 12, 15, 0), False),  # 16:00: closed on the minute it closes
    (_utc(2026, 1, 17, 10, 0), False),  # Saturday
])
def test_open_now_follows_the_weekly_hours_in_tirana(moment, expected):
    assert services.is_open(_hours(), moment) is expected


def test_open_now_follows_summer_time():
    # Monday 30 March 2026, the day after clocks go forward: 06:30 UTC is 08:30 in Tirana.
    assert services.is_open(_hours(), _utc(2026, 3, 30, 6, 30)) is True
    # The Friday before, still winter time: 06:30 UTC is 07:30 in Tirana.
    assert services.is_open(_hours(), _utc(2026, 3, 27, 6, 30)) is False


def test_open_now_on_the_night_clocks_go_forward():
    night = _hours(byday="SA", opens="22:00", closes="06:00")
    assert services.is_open(night, _utc(2026, 3, 29, 3, 30)) is True   # Sunday 05:30 summer time
    assert services.is_open(night, _utc(2026, 3, 29, 4, 30)) is False  # Sunday 06:30


@pytest.mark.parametrize("moment, expected", [
    (_utc(2026, 1, 16, 22, 30), True),   # Friday 23:30
    (_utc(2026, 1, 17, 0, 30), True),    # Saturday 01:30, still Friday night's opening
    (_utc(2026, 1, 17, 1, 30), False),   # Saturday 02:30
    (_utc(2026, 1, 17, 22, 30), False),  # Saturday 23:30: not open on Saturdays
])
def test_hours_past_midnight_run_into_the_next_day(moment, expected):
    assert services.is_open(_hours(byday="FR", opens="20:00", closes="02:00"), moment) is expected


def test_a_whole_day_is_open_until_midnight():
    always = _hours(byday="MO,TU,WE,TH,FR,SA,SU", opens="00:00", closes="24:00")
    assert services.is_open(always, _utc(2026, 7, 5, 21, 59)) is True  # Sunday 23:59


def test_hours_are_read_in_their_own_timezone():
    assert services.is_open(_hours(zone="Europe/London"), _utc(2026, 1, 12, 7, 30)) is False
    assert services.is_open(_hours(zone="Europe/London"), _utc(2026, 1, 12, 8, 30)) is True


def test_unknown_hours_are_neither_open_nor_closed():
    assert services.is_open([], _utc(2026, 1, 12, 9, 0)) is None


def test_the_week_is_told_in_lines_of_days_with_the_same_hours():
    lines = services.weekly_hours(_hours() + _hours(byday="SA", opens="09:00", closes="12:00"))
    assert [(line.first_day, line.last_day, line.hours) for line in lines] == [
        (0, 4, [("08:00", "16:00")]), (5, 5, [("09:00", "12:00")]), (6, 6, []),
    ]


def test_search_ignores_case_and_accents(app):
    factories.directory_service("Zyra e Punës Shkodër", areas=("economic",), town="Shkodër")
    found = services.filter_services(services.published_services(app.extensions["sqlalchemy"].session), query="shkoder pune")
    assert [service.name for service in found] == ["Zyra e Punës Shkodër"]


def test_a_town_keeps_the_lines_that_serve_every_town(app):
    factories.directory_service("Qendra në Vlorë", town="Vlorë")
    factories.directory_service("Qendra në Tiranë", town="Tiranë")
    factories.directory_service("Linja kombëtare", town=None)
    found = services.filter_services(services.published_services(app.extensions["sqlalchemy"].session), town="vlore")
    assert [service.name for service in found] == ["Qendra në Vlorë", "Linja kombëtare"]


def test_hidden_services_are_not_published(app):
    factories.directory_service("E fshehur", status="inactive")
    assert services.published_services(app.extensions["sqlalchemy"].session) == []
