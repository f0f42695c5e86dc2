"""The rota in Tirana time: shifts across midnight, exceptions, and the nights the clocks change."""
from datetime import date, datetime, timezone

import pytest

from pwa.extensions import db
from pwa.help import services as help_services
from pwa.rota import services
from pwa.rota.services import Hours
from tests import factories

UTC = timezone.utc
MONDAY, TUESDAY, SATURDAY, SUNDAY = 0, 1, 5, 6


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _on_duty(people, at) -> set[str]:
    return {s.username for s in services.staff_on_duty(db.session, people.org.id, at)}


def test_parse_time_reads_hours_and_minutes_and_rejects_the_rest():
    assert [services.parse_time(t) for t in ("08:00", "22:30", "24:00", "00:00")] == [480, 1350, 1440, 0]
    assert [services.parse_time(t) for t in ("25:00", "8", "ab:cd", "24:30")] == [None, None, None, None]


def test_a_day_shift_covers_its_hours_in_tirana_time(people):
    factories.on_duty(people.besnik, weekdays=[MONDAY], starts=8 * 60, ends=16 * 60)
    # Monday 7 June 2027: Tirana is UTC+2 in summer.
    assert _on_duty(people, _utc(2027, 6, 7, 6, 0)) == {"besnik"}  # 08:00 local
    assert _on_duty(people, _utc(2027, 6, 7, 5, 59)) == set()  # 07:59
    assert _on_duty(people, _utc(2027, 6, 7, 13, 59)) == {"besnik"}  # 15:59
    assert _on_duty(people, _utc(2027, 6, 7, 14, 0)) == set()  # 16:00
    assert _on_duty(people, _utc(2027, 6, 8, 7, 0)) == set()  # Tuesday


def test_a_night_shift_runs_across_midnight_into_the_next_day(people):
    factories.on_duty(people.besnik, weekdays=[MONDAY], starts=22 * 60, ends=6 * 60)
    factories.on_duty(people.arta, weekdays=[TUESDAY], starts=0, ends=8 * 60)
    # Winter: UTC+1. Monday 11 January 2027, 21:59 / 22:00 local; Tuesday 00:30 and 06:00 local.
    assert _on_duty(people, _utc(2027, 1, 11, 20, 59)) == set()
    assert _on_duty(people, _utc(2027, 1, 11, 21, 0)) == {"besnik"}
    assert _on_duty(people, _utc(2027, 1, 11, 23, 30)) == {"besnik", "arta"}  # 00:30 Tuesday
    assert _on_duty(people, _utc(2027, 1, 12, 4, 59)) == {"besnik", "arta"}  # 05:59
    assert _on_duty(people, _utc(2027, 1, 12, 5, 0)) == {"arta"}  # 06:00
    # The next Monday night's shift does not cover Monday early morning.
    assert _on_duty(people, _utc(2027, 1, 11, 1, 0)) == set()


def test_spring_forward_the_night_shift_keeps_its_wall_clock_hours(people):
    # Sunday 28 March 2027, 02:00 local becomes 03:00: the Saturday night shift lasts seven hours.
    factories.on_duty(people.besnik, weekdays=[SATURDAY], starts=22 * 60, ends=6 * 60)
    assert _on_duty(people, _utc(2027, 3, 27, 21, 0)) == {"besnik"}  # 22:00 CET
    assert _on_duty(people, _utc(2027, 3, 28, 0, 59)) == {"besnik"}  # 01:59 CET
    assert _on_duty(people, _utc(2027, 3, 28, 1, 0)) == {"besnik"}  # 03:00 CEST
    assert _on_duty(people, _utc(2027, 3, 28, 3, 59)) == {"besnik"}  # 05:59 CEST
    assert _on_duty(people, _utc(2027, 3, 28, 4, 0)) == set()  # 06:00 CEST; in winter time it would still be 05:00


def test_fall_back_the_repeated_hour_is_covered_both_times_and_the_shift_ends_at_six(people):
    # Sunday 31 October 2027, 03:00 local goes back to 02:00: 02:30 happens twice.
    factories.on_duty(people.besnik, weekdays=[SUNDAY], starts=2 * 60, ends=3 * 60)
    factories.on_duty(people.arta, weekdays=[SATURDAY], starts=22 * 60, ends=6 * 60)
    assert _on_duty(people, _utc(2027, 10, 31, 0, 30)) == {"besnik", "arta"}  # 02:30 CEST
    assert _on_duty(people, _utc(2027, 10, 31, 1, 30)) == {"besnik", "arta"}  # 02:30 CET
    assert _on_duty(people, _utc(2027, 10, 31, 2, 0)) == {"arta"}  # 03:00 CET
    assert _on_duty(people, _utc(2027, 10, 31, 4, 59)) == {"arta"}  # 05:59 CET
    assert _on_duty(people, _utc(2027, 10, 31, 5, 0)) == set()  # 06:00 CET


def test_an_exception_replaces_the_days_shifts(people):
    factories.on_duty(people.besnik, weekdays=[MONDAY], starts=22 * 60, ends=6 * 60)
    services.add_exception(db.session, people.besnik, date(2027, 1, 11), None)
    services.add_exception(db.session, people.arta, date(2027, 1, 11), Hours(9 * 60, 12 * 60))
    db.session.commit()
    assert _on_duty(people, _utc(2027, 1, 11, 22, 0)) == set()  # off, also past midnight
    assert _on_duty(people, _utc(2027, 1, 11, 9, 0)) == {"arta"}  # 10:00, her extra hours
    assert _on_duty(people, _utc(2027, 1, 18, 22, 0)) == {"besnik"}  # the next Monday as usual


def test_away_supervisors_and_other_organisations_are_not_on_duty_by_the_rota(people):
    factories.on_duty(people.besnik)
    factories.on_duty(people.supervisor)
    other = factories.staff(factories.organisation("Tjetër"), "other")
    factories.on_duty(other)
    people.besnik.away = True
    db.session.commit()
    assert _on_duty(people, _utc(2027, 1, 11, 12, 0)) == set()
    assert not services.is_on_duty(db.session, people.besnik, _utc(2027, 1, 11, 12, 0))


@pytest.mark.parametrize(
    "at,expected",
    [
        (_utc(2027, 3, 28, 3, 30), {"drita", "besnik"}),  # 05:30 CEST, inside the night shift
        (_utc(2027, 3, 28, 4, 30), {"drita"}),  # 06:30 CEST: nobody on duty, supervisors only
    ],
)
def test_the_duty_queue_follows_the_rota_at_the_moment(people, at, expected):
    factories.on_duty(people.besnik, weekdays=[SATURDAY], starts=22 * 60, ends=6 * 60)
    assert {s.username for s in help_services.duty_staff(db.session, people.org.id, at)} == expected
