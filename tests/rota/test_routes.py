"""Supervisors set the rota in the console; everyone in the console sees who is on duty now."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import DutyException, DutyShift
from tests import factories
from tests.roles import ROLES, expected_status, sign_in_as

MONDAY_NOON = datetime(2027, 1, 11, 11, 0, tzinfo=timezone.utc)  # 12:00 in Tirana


@pytest.fixture
def frozen(app):
    app.config["CLOCK"] = lambda: MONDAY_NOON
    yield
    app.config.pop("CLOCK", None)


def _shifts() -> int:
    return db.session.scalar(select(func.count(DutyShift.id)))


@pytest.mark.parametrize("role", ROLES)
def test_only_supervisors_open_the_rota_and_each_sees_their_own(client, people, role):
    factories.on_duty(people.besnik, weekdays=[0])
    sign_in_as(role, people, client)
    response = client.get("/console/rota/")
    assert response.status_code == expected_status(role)
    if role == "other_supervisor":
        assert "Besnik" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "supervisor"])
def test_nobody_else_changes_the_rota(client, people, role):
    factories.on_duty(people.besnik, weekdays=[0])
    shift = db.session.scalar(select(DutyShift))
    sign_in_as(role, people, client)
    client.post("/console/rota/shifts", data={"shift-staff_id": people.arta.id, "shift-weekdays": ["1"], "shift-starts": "08:00", "shift-ends": "16:00"})
    client.post(f"/console/rota/shifts/{shift.id}/remove", data={})
    assert _shifts() == 1


def test_a_supervisor_adds_a_night_shift_on_several_days(client, people, login_as, frozen):
    login_as(people.supervisor)
    response = client.post(
        "/console/rota/shifts",
        data={"shift-staff_id": people.besnik.id, "shift-weekdays": ["0", "2"], "shift-starts": "22:00", "shift-ends": "06:00"},
    )
    assert response.status_code == 303
    shifts = db.session.scalars(select(DutyShift).order_by(DutyShift.weekday)).all()
    assert [(s.weekday, s.starts_minute, s.ends_minute) for s in shifts] == [(0, 1320, 360), (2, 1320, 360)]
    html = client.get("/console/rota/").get_data(as_text=True)
    assert "Besnik, 22:00–06:00 (deri të nesërmen)" in html


def test_midnight_as_the_end_means_the_end_of_the_day(client, people, login_as):
    login_as(people.supervisor)
    client.post("/console/rota/shifts", data={"shift-staff_id": people.besnik.id, "shift-weekdays": ["4"], "shift-starts": "16:00", "shift-ends": "00:00"})
    shift = db.session.scalar(select(DutyShift))
    assert (shift.starts_minute, shift.ends_minute) == (960, 1440)


def test_a_shift_without_days_or_hours_is_refused_with_a_message_and_keeps_what_was_chosen(client, people, login_as):
    login_as(people.supervisor)
    response = client.post("/console/rota/shifts", data={"shift-staff_id": people.besnik.id, "shift-starts": "08:00", "shift-ends": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Zgjidh të paktën një ditë." in html
    assert 'value="08:00"' in html
    assert _shifts() == 0


def test_an_exception_is_added_and_removed(client, people, login_as, frozen):
    login_as(people.supervisor)
    client.post("/console/rota/exceptions", data={"exception-staff_id": people.besnik.id, "exception-on_date": "2027-01-12", "exception-kind": "off"})
    exception = db.session.scalar(select(DutyException))
    assert (exception.on_date, exception.is_off) == (date(2027, 1, 12), True)
    assert client.post(f"/console/rota/exceptions/{exception.id}/remove", data={}).status_code == 303
    assert db.session.scalar(select(func.count(DutyException.id))) == 0


def test_on_duty_hours_for_a_date_need_both_times(client, people, login_as):
    login_as(people.supervisor)
    response = client.post("/console/rota/exceptions", data={"exception-staff_id": people.besnik.id, "exception-on_date": "2027-01-12", "exception-kind": "on", "exception-starts": "09:00"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(DutyException.id))) == 0


def test_a_supervisor_cannot_remove_another_organisations_shift(client, people, login_as):
    other = factories.staff(factories.organisation("Tjetër"), "other")
    factories.on_duty(other, weekdays=[0])
    login_as(people.supervisor)
    assert client.post(f"/console/rota/shifts/{db.session.scalar(select(DutyShift.id))}/remove", data={}).status_code == 404
    assert _shifts() == 1


def test_the_console_shows_who_is_on_duty_now(client, people, login_as, frozen):
    factories.on_duty(people.besnik, weekdays=[0], starts=8 * 60, ends=16 * 60)
    login_as(people.arta)
    assert "Në kujdestari tani: Besnik." in client.get("/console/").get_data(as_text=True)


def test_with_nobody_on_duty_the_console_warns(client, people, login_as, frozen):
    factories.on_duty(people.besnik, weekdays=[1])
    login_as(people.supervisor)
    html = client.get("/console/").get_data(as_text=True)
    assert "Askush nuk është në kujdestari tani" in html


def test_the_duty_queue_opens_to_a_case_manager_only_during_her_shift(client, people, login_as, app):
    factories.on_duty(people.besnik, weekdays=[0], starts=8 * 60, ends=16 * 60)
    login_as(people.besnik)
    app.config["CLOCK"] = lambda: MONDAY_NOON
    assert client.get("/console/duty").status_code == 200
    app.config["CLOCK"] = lambda: datetime(2027, 1, 11, 16, 0, tzinfo=timezone.utc)  # 17:00
    assert client.get("/console/duty").status_code == 404
    app.config.pop("CLOCK")


def test_on_duty_hours_for_a_date_without_any_time_are_refused(client, people, login_as):
    login_as(people.supervisor)
    response = client.post("/console/rota/exceptions", data={"exception-staff_id": people.besnik.id, "exception-on_date": "2027-01-12", "exception-kind": "on"})
    assert response.status_code == 400
    assert "Shkruaj orët e kujdestarisë, për shembull nga 08:00 deri në 16:00." in response.get_data(as_text=True)


def test_exceptions_to_come_are_paginated(client, people, login_as):
    from datetime import timedelta

    from pwa.clock import today

    for n in range(55):
        db.session.add(DutyException(organisation_id=people.org.id, staff_id=people.arta.id, on_date=today() + timedelta(days=n)))
    db.session.commit()
    login_as(people.supervisor)
    first = client.get("/console/rota/").get_data(as_text=True)
    assert first.count('action="/console/rota/exceptions/') == 50 and 'href="/console/rota/?page=2"' in first
    assert client.get("/console/rota/?page=2").get_data(as_text=True).count('action="/console/rota/exceptions/') == 5
