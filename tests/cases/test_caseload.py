"""The caseload: who needs attention first, check-ins due by stage, filters, pages, and a query count that stays flat."""
from datetime import timedelta

import pytest

from pwa.access import visibility
from pwa.appointments.services import tirane_day
from pwa.cases.services import caseload
from pwa.extensions import db
from pwa.models import CheckIn, Survivor, utcnow
from tests import factories
from tests.queries import queries_for


def _check_in(survivor, days_ago: int, stage: str = "crisis"):
    plan = factories.plan(survivor, stage)
    today = tirane_day(utcnow())
    db.session.add(CheckIn(plan=plan, held_on=today - timedelta(days=days_ago), staff_id=survivor.case_manager_id))
    db.session.commit()


def _rows(staff, **filters):
    return caseload(db.session, visibility(staff), staff.organisation, utcnow(), **filters).items


@pytest.mark.parametrize(
    ("stage", "days_ago", "due"),
    [("crisis", 13, False), ("crisis", 14, True), ("transition", 6, False), ("transition", 7, True), ("inclusion", 29, False), ("inclusion", 30, True)],
)
def test_a_check_in_is_due_by_the_stages_interval(people, stage, days_ago, due):
    _check_in(people.lulja, days_ago, stage)
    [row] = _rows(people.arta)
    assert row.check_in_due is due and row.stage == stage


def test_the_intervals_are_the_organisations_settings(people):
    people.org.checkin_interval_transition_days = 3
    _check_in(people.lulja, 4, "transition")
    assert _rows(people.arta)[0].check_in_due


def test_someone_never_checked_in_is_due_once_the_interval_has_passed(people):
    people.lulja.created_at = utcnow() - timedelta(days=20)
    db.session.commit()
    assert _rows(people.arta)[0].check_in_due
    fresh = factories.survivor(people.arta, "Hëna")
    assert {r.nickname: r.check_in_due for r in _rows(people.arta)}["Hëna"] is False and fresh


def test_who_needs_attention_comes_first_the_most_urgent_request_before(people):
    calm = factories.survivor(people.arta, "Agimi")
    _check_in(calm, 1)
    _check_in(people.lulja, 1)
    week = factories.survivor(people.arta, "Bora")
    _check_in(week, 1)
    factories.help_request(week, urgency="week", now=utcnow() - timedelta(days=2))
    factories.help_request(people.lulja, urgency="now", now=utcnow() - timedelta(hours=1))
    rows = _rows(people.arta)
    assert [r.nickname for r in rows] == ["Lulja", "Bora", "Agimi"]
    assert rows[0].open_requests == 1 and rows[0].oldest_urgency == "now" and rows[0].needs_attention
    assert not rows[2].needs_attention


def test_filters_by_stage_and_attention(people):
    _check_in(people.lulja, 1, "transition")
    other = factories.survivor(people.arta, "Bora")
    _check_in(other, 40, "inclusion")
    assert [r.nickname for r in _rows(people.arta, stage="transition")] == ["Lulja"]
    assert [r.nickname for r in _rows(people.arta, attention=True)] == ["Bora"]


def test_the_next_appointment_and_closed_cases_apart(people):
    from pwa.cases.services import close_case

    factories.appointment(people.lulja, starts_at=utcnow() + timedelta(days=2))
    other = factories.survivor(people.arta, "Bora")
    close_case(db.session, people.arta, other, "goals_reached", utcnow())
    db.session.commit()
    [row] = _rows(people.arta)
    assert row.nickname == "Lulja" and row.next_appointment is not None
    assert [r.nickname for r in _rows(people.arta, closed=True)] == ["Bora"]


def test_the_page_filters_and_pages(client, people, login_as):
    for n in range(55):
        db.session.add(Survivor(organisation_id=people.org.id, case_manager_id=people.arta.id, nickname=f"Person {n:02d}"))
    db.session.commit()
    login_as(people.arta)
    first = client.get("/console/").get_data(as_text=True)
    assert "Faqja 1 nga 2" in first
    second = client.get("/console/?page=2").get_data(as_text=True)
    assert second.count('<th scope="row">') == 56 - 50
    assert client.get("/console/?page=99").status_code == 200
    assert "Lulja" not in client.get("/console/?stage=inclusion").get_data(as_text=True)


def _organisation_of(size: int):
    org = factories.organisation(f"Qendra {size}")
    supervisor = factories.staff(org, f"drita{size}", factories.Role.SUPERVISOR)
    managers = [factories.staff(org, f"cm{size}x{i}") for i in range(3)]
    for n in range(size):
        person = Survivor(organisation_id=org.id, case_manager=managers[n % 3], nickname=f"P{n}")
        db.session.add(person)
    db.session.commit()
    survivors = db.session.scalars(db.select(Survivor).where(Survivor.organisation_id == org.id)).all()
    for n, person in enumerate(survivors):
        if n % 2:
            _check_in(person, n % 40, ("crisis", "transition", "inclusion")[n % 3])
        if n % 5 == 0:
            factories.help_request(person, urgency=("now", "today", "week")[n % 3])
        if n % 7 == 0:
            factories.appointment(person)
    return supervisor


def _queries_for_caseload(app, supervisor) -> int:
    client = app.test_client()
    factories.sign_in_staff(client, supervisor)
    return queries_for(client, "/console/")


def test_the_caseload_query_count_is_the_same_for_3_and_300_people(app):
    small = _organisation_of(3)
    large = _organisation_of(300)
    assert _queries_for_caseload(app, small) == _queries_for_caseload(app, large)


def test_one_statement_per_shape_serves_each_staff_member_with_her_own_people(people):
    """Colleagues with the same role and duty share the caseload's statements, built once; each still sees only hers."""
    from pwa.cases.services import _caseload_statements

    assert visibility(people.arta).query is visibility(people.besnik).query
    assert [r.nickname for r in _rows(people.arta)] == ["Lulja"]
    reused = _caseload_statements.cache_info().hits
    assert [r.nickname for r in _rows(people.besnik)] == ["Dielli"]
    assert _caseload_statements.cache_info().hits == reused + 1
    assert [r.nickname for r in _rows(people.supervisor)] == ["Dielli", "Lulja"]
    other_supervisor = factories.staff(factories.organisation("Tjetër"), "tjeter", factories.Role.SUPERVISOR)
    assert _rows(other_supervisor) == []


def test_the_duty_shape_adds_escalated_people_and_leaves_when_off_duty(people):
    """On duty, a case manager's caseload uses the duty shape (escalated requests' people too); off duty, her own again."""
    request = factories.help_request(people.dielli, urgency="now")
    request.escalated_at = utcnow()
    db.session.commit()
    assert [r.nickname for r in _rows(people.arta)] == ["Lulja"]
    factories.on_duty(people.arta)
    assert [r.nickname for r in _rows(people.arta)] == ["Dielli", "Lulja"]
    assert visibility(people.arta).query is not visibility(people.besnik).query
    assert [r.nickname for r in _rows(people.besnik)] == ["Dielli"]


def test_the_next_appointment_is_counted_from_now_at_each_call(people):
    """``now`` is bound at each run: an appointment that has begun is no longer the next one."""
    soon = utcnow() + timedelta(hours=1)
    factories.appointment(people.lulja, starts_at=soon)
    [before] = caseload(db.session, visibility(people.arta), people.org, utcnow()).items
    [after] = caseload(db.session, visibility(people.arta), people.org, soon + timedelta(minutes=1)).items
    assert before.next_appointment == soon and after.next_appointment is None


def test_pages_follow_one_another_in_the_order_of_the_whole_list(people):
    """Each page is ordered again around its rows (for their next appointments): page after page gives the whole list."""
    for n in range(12):
        person = factories.survivor(people.arta, f"Person {n:02d}")
        if n % 3 == 0:
            factories.help_request(person, urgency=("now", "today", "week")[n % 3], now=utcnow() - timedelta(minutes=n))
        if n % 4 == 0:
            _check_in(person, n * 3, ("crisis", "transition", "inclusion")[n % 3])
        if n % 5 == 0:
            factories.appointment(person, starts_at=utcnow() + timedelta(days=n + 1))
    whole = caseload(db.session, visibility(people.arta), people.org, utcnow(), page_size=100).items
    pages = [caseload(db.session, visibility(people.arta), people.org, utcnow(), page=n, page_size=5).items for n in (1, 2, 3)]
    assert [r for page in pages for r in page] == whole and len(whole) == 13
    assert sum(r.next_appointment is not None for r in whole) == 3
