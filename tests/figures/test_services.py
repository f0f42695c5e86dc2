"""The figures match the hand-worked values, and small numbers are hidden, also from subtraction."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pwa.crypto import EncryptedText
from pwa.extensions import db
from pwa.figures import services
from pwa.figures.services import Cell, Line, Period, Table, suppress
from pwa.models import CaseEvent
from tests import factories
from tests.figures.conftest import NOW
from tests.queries import recorded_statements

JANUARY = Period(date(2027, 1, 1), date(2027, 1, 31))


def _values(tables) -> dict:
    return {t.key: {line.key: line.cell.value for line in t.lines} | ({"total": t.total.cell.value} if t.total else {}) for t in tables}


def _hidden(tables) -> dict:
    return {t.key: {line.key: line.cell.hidden for line in t.lines} | ({"total": t.total.cell.hidden} if t.total else {}) for t in tables}


def test_the_figures_match_the_hand_worked_values(january):
    figures = _values(services.compute_figures(db.session, january.org, JANUARY, NOW, NOW.date()))
    assert figures["people_by_stage"] == {"crisis": 2, "transition": 5, "inclusion": 0, "total": 7}
    assert figures["new_enrolments"] == {"opened": 7}
    assert figures["closures"]["goals_reached"] == 1 and figures["closures"]["total"] == 1
    assert figures["days_in_stage"] == {"crisis": 30, "transition": None, "inclusion": None}
    assert (figures["goals_set"]["housing"], figures["goals_set"]["legal"], figures["goals_set"]["total"]) == (6, 2, 8)
    assert (figures["goals_reached"]["housing"], figures["goals_reached"]["total"]) == (5, 5)
    assert figures["steps"] == {"steps": 7} and figures["plans_agreed"] == {"agreed": 5}
    assert (figures["requests_by_setback"]["health"], figures["requests_by_setback"]["housing"]) == (5, 1)
    assert figures["requests_by_urgency"] == {"now": 6, "today": 0, "week": 0, "total": 6}
    times = figures["response_times"]
    assert (times["now_seen_median"], times["now_seen_p90"]) == (timedelta(minutes=15), timedelta(minutes=60))
    assert (times["now_answered_median"], times["now_answered_p90"]) == (timedelta(minutes=30), timedelta(minutes=120))
    assert figures["response_shares"] == {"escalated": 1 / 6, "answered_in_time": 3 / 6}
    assert figures["appointments"] == {"kept": 6, "missed": 2, "cancelled": 5, "total": 13}
    assert figures["reminders"] == {"sent": 5}
    assert figures["check_ins"] == {"held": 6, "due": 25}


def test_another_period_counts_only_its_own_days(january):
    december = _values(services.compute_figures(db.session, january.org, Period(date(2026, 12, 1), date(2026, 12, 31)), NOW, NOW.date()))
    assert december["new_enrolments"] == {"opened": 1}
    assert december["people_by_stage"]["total"] == 1
    assert december["appointments"]["total"] == 0


def test_small_counts_and_the_one_that_would_give_them_away_are_hidden(january):
    hidden = _hidden(services.figures_for(db.session, january.org, JANUARY, NOW, NOW.date()))
    # Missed (2) is small; with the total shown, cancelled (5, the next smallest) is hidden too.
    assert hidden["appointments"] == {"kept": False, "missed": True, "cancelled": True, "total": False}
    assert hidden["people_by_stage"] == {"crisis": True, "transition": False, "inclusion": True, "total": False}
    assert hidden["closures"]["total"] and hidden["new_enrolments"] == {"opened": False}
    assert hidden["response_shares"] == {"escalated": True, "answered_in_time": True}  # 1 of 6; 3 of 6
    assert hidden["days_in_stage"] == {"crisis": False, "transition": True, "inclusion": True}


def _table(*values, total=True) -> Table:
    lines = [Line(str(n), str(n), Cell(v, v)) for n, v in enumerate(values)]
    return Table("t", "t", "count", lines, Line("total", "total", Cell(sum(values), sum(values))) if total else None)


def test_suppression_rules_on_their_own():
    assert [c.hidden for c in suppress(_table(6, 7, 8)).cells] == [False, False, False, False]
    assert [c.hidden for c in suppress(_table(3, 10, 12)).cells] == [True, True, False, False]
    assert [c.hidden for c in suppress(_table(2, 3, 20)).cells] == [True, True, False, False]
    assert [c.hidden for c in suppress(_table(4, 30)).cells] == [True, True, False]
    assert [c.hidden for c in suppress(_table(1, 2)).cells] == [True, True, True]
    assert [c.hidden for c in suppress(_table(3, 10, total=False)).cells] == [True, False]


def test_a_share_is_hidden_when_the_part_or_what_is_left_is_small():
    share = lambda part, whole: suppress(Table("s", "s", "share", [Line("s", "s", services._share(part, whole))])).lines[0].cell.hidden  # noqa: E731
    assert (share(10, 20), share(3, 20), share(17, 20), share(5, 10)) == (False, True, True, False)


def test_computing_the_figures_reads_no_encrypted_column_and_no_free_text(january):
    forbidden = [f"{t.name}.{c.name}" for t in db.metadata.sorted_tables for c in t.columns if isinstance(c.type, EncryptedText)]
    forbidden += ["survivor.nickname", "goal.title", "step.text"]
    assert "help_request.note" in forbidden and "check_in.note" in forbidden
    with recorded_statements() as statements:
        services.compute_figures(db.session, january.org, JANUARY, NOW, NOW.date())
    assert statements
    read = [column for column in forbidden for statement in statements if column in statement]
    assert read == []


def test_presets_follow_the_calendar():
    today = date(2027, 2, 10)
    assert services.preset_period("this_month", today) == Period(date(2027, 2, 1), today)
    assert services.preset_period("last_month", today) == Period(date(2027, 1, 1), date(2027, 1, 31))
    assert services.preset_period("last_quarter", today) == Period(date(2026, 10, 1), date(2026, 12, 31))
    assert services.preset_period("this_quarter", today) == Period(date(2027, 1, 1), today)
    assert services.preset_period("last_year", today) == Period(date(2026, 1, 1), date(2026, 12, 31))


def _history(org, manager, name: str, *events) -> object:
    person = factories.survivor(manager, name, pin=None)
    person.created_at = events[0][1]
    for kind, at, fields in events:
        db.session.add(CaseEvent(organisation_id=org.id, survivor_id=person.id, kind=kind, at=at, **fields))
        db.session.flush()
    return person


def _at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """An instant on ``day`` in Tirana (one hour ahead of UTC in winter)."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo("Europe/Tirane"))


def test_where_each_person_stood_when_the_period_ended_follows_her_whole_history(app, org):
    manager = factories.staff(org, "mira")
    crisis, to_transition = {"stage": "crisis"}, {"stage": "transition", "previous_stage": "crisis", "days_in_previous_stage": 12}
    dec, jan, feb = date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)
    # Closed, opened again and moved on within the period: open, in transition.
    _history(org, manager, "A", ("opened", _at(dec), crisis), ("closed", _at(jan + timedelta(9)), {"reason": "lost_contact"}),
             ("reopened", _at(jan + timedelta(19)), {}), ("stage_changed", _at(jan + timedelta(24)), to_transition))
    # Closed within the period and not opened again.
    _history(org, manager, "B", ("opened", _at(dec), crisis), ("closed", _at(jan + timedelta(9)), {"reason": "moved_away"}))
    # Moved on only after the period: still in crisis when it ended.
    _history(org, manager, "C", ("opened", _at(dec), crisis), ("stage_changed", _at(feb + timedelta(4)), to_transition))
    # Enrolled and moved on at the same instant: the later record wins.
    _history(org, manager, "D", ("opened", _at(jan + timedelta(2)), crisis), ("stage_changed", _at(jan + timedelta(2)), to_transition))
    # Closed half an hour before the period ended, in Tirana's time.
    _history(org, manager, "E", ("opened", _at(dec), crisis), ("closed", _at(jan + timedelta(30), 23, 30), {"reason": "goals_reached"}))
    # Closed before the period, opened again after it.
    _history(org, manager, "F", ("opened", _at(dec), crisis), ("closed", _at(dec + timedelta(19)), {}), ("reopened", _at(feb + timedelta(1)), {}))
    # A person whose record was erased leaves her milestones without a name: counted in the period, never by stage.
    db.session.add_all([
        CaseEvent(organisation_id=org.id, survivor_id=None, kind="opened", at=_at(jan + timedelta(4)), stage="crisis"),
        CaseEvent(organisation_id=org.id, survivor_id=None, kind="closed", at=_at(jan + timedelta(5))),
    ])
    db.session.commit()
    january = _values(services.compute_figures(db.session, org, JANUARY, NOW, NOW.date()))
    assert january["people_by_stage"] == {"crisis": 1, "transition": 2, "inclusion": 0, "total": 3}
    assert january["new_enrolments"] == {"opened": 2}
    assert january["closures"] == {"goals_reached": 1, "moved_away": 1, "chose_to_stop": 0, "lost_contact": 1, "other": 1, "total": 4}
    assert january["days_in_stage"]["crisis"] == 12
    february = _values(services.compute_figures(db.session, org, Period(date(2027, 2, 1), date(2027, 2, 28)), NOW, NOW.date()))
    assert february["people_by_stage"] == {"crisis": 1, "transition": 3, "inclusion": 0, "total": 4}


def test_check_ins_due_count_each_persons_days_in_the_period_up_to_today(app, org):
    org.checkin_interval_crisis_days, org.checkin_interval_transition_days = 7, 14
    manager = factories.staff(org, "mira")
    dec, jan, feb = date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)

    def person(name, joined, left=None, stage=None):
        record = factories.survivor(manager, name, pin=None)
        record.created_at, record.closed_at = joined, left
        if stage:
            factories.plan(record, stage)

    person("open all month, no plan yet", _at(dec))                          # 31 days: 4 (January), 2 (to the 20th)
    person("joined on the 10th", _at(jan + timedelta(9)), stage="transition")  # 22 days: 1; 11 days: 0
    person("left on the 15th", _at(dec), _at(jan + timedelta(14)))             # 15 days: 2; 15 days: 2
    person("left just before", _at(dec), _at(dec + timedelta(30), 23, 30))     # none
    person("left after the period", _at(dec), _at(feb + timedelta(2)))         # 31 days: 4; 20 days: 2
    person("joined on the last evening", _at(jan + timedelta(30), 23, 30))     # 1 day: 0; not yet joined: 0
    db.session.commit()
    due = lambda today: _values(services.compute_figures(db.session, org, JANUARY, NOW, today))["check_ins"]["due"]  # noqa: E731
    assert due(NOW.date()) == 4 + 1 + 2 + 4
    assert due(date(2027, 1, 20)) == 2 + 0 + 2 + 2
