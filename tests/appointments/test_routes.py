"""Appointment pages: hers (list, one, calendar file, "I can't come") and the staff's (by day, schedule, change, cancel)."""
from datetime import datetime, timedelta, timezone

import icalendar
import pytest
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import Appointment, AppointmentReminder
from tests import factories

NOW = datetime(2026, 5, 11, 8, 0, tzinfo=timezone.utc)  # Monday 10:00 in Tirana
GOOD = {"day": "2026-05-12", "time": "14:30", "title": "Takim në zyrë", "place": "Zyra, kati i dytë"}


@pytest.fixture(autouse=True)
def frozen(app):
    app.config["CLOCK"] = lambda: NOW


@pytest.fixture
def appointment(people):
    return factories.appointment(people.lulja, NOW + timedelta(days=1, hours=4, minutes=30), title="Vizitë te mjeku", place="Rruga e Kavajës", now=NOW)


# Hers ------------------------------------------------------------------------------

def test_her_list_shows_upcoming_appointments(client, people, login_as, appointment):
    factories.appointment(people.lulja, NOW - timedelta(days=2), title="Takim i vjetër", now=NOW - timedelta(days=5))
    login_as(people.lulja)
    html = client.get("/appointments").get_data(as_text=True)
    assert "Vizitë te mjeku" in html and "E martë, 12 maj, 14:30" in html and "Takim i vjetër" not in html
    assert 'id="reminders"' in html


def test_today_shows_the_next_appointment_below_ask_for_help(client, people, login_as, appointment):
    login_as(people.lulja)
    html = client.get("/today").get_data(as_text=True)
    assert html.index("Kërko ndihmë") < html.index("Takimi yt i radhës") < html.index("Vizitë te mjeku")


def test_today_without_appointments_says_nothing_about_them(client, people, login_as):
    login_as(people.lulja)
    assert "Takimi yt i radhës" not in client.get("/today").get_data(as_text=True)


def test_a_cancelled_appointment_shows_as_cancelled(client, people, login_as, appointment):
    appointment.cancelled_at = NOW
    db.session.commit()
    login_as(people.lulja)
    assert "I anuluar" in client.get("/appointments").get_data(as_text=True)
    assert "Ky takim është anuluar." in client.get(f"/appointments/{appointment.id}").get_data(as_text=True)


def test_the_appointment_page_shows_the_details(client, people, login_as, appointment):
    login_as(people.lulja)
    html = client.get(f"/appointments/{appointment.id}").get_data(as_text=True)
    assert "Rruga e Kavajës" in html and "Vizitë te mjeku" in html and "ora 14:30" in html
    assert f'/appointments/{appointment.id}/calendar.ics' in html


def test_i_cant_come_is_saved_and_shown(client, people, login_as, appointment):
    login_as(people.lulja)
    response = client.post(f"/appointments/{appointment.id}/cant-come", data={})
    assert response.status_code == 302
    db.session.refresh(appointment)
    assert appointment.cant_come_at == NOW
    assert "Ke thënë që nuk mund të vish" in client.get(f"/appointments/{appointment.id}").get_data(as_text=True)


def test_i_cant_come_with_htmx_returns_the_answer_fragment(client, people, login_as, appointment):
    login_as(people.lulja)
    response = client.post(f"/appointments/{appointment.id}/cant-come", data={}, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert html.startswith('<div id="answer"') and "Në fakt, mund të vij" in html


def test_i_can_come_after_all(client, people, login_as, appointment):
    appointment.cant_come_at = NOW
    db.session.commit()
    login_as(people.lulja)
    client.post(f"/appointments/{appointment.id}/can-come", data={})
    db.session.refresh(appointment)
    assert appointment.cant_come_at is None


def test_no_answer_on_a_cancelled_appointment(client, people, login_as, appointment):
    appointment.cancelled_at = NOW
    db.session.commit()
    login_as(people.lulja)
    client.post(f"/appointments/{appointment.id}/cant-come", data={})
    db.session.refresh(appointment)
    assert appointment.cant_come_at is None


def test_the_case_manager_sees_that_she_cannot_come(client, people, login_as, appointment):
    appointment.cant_come_at = NOW
    db.session.commit()
    login_as(people.arta)
    assert "Nuk mund të vijë" in client.get("/console/appointments?day=2026-05-12").get_data(as_text=True)
    assert "Nuk mund të vijë" in client.get(f"/console/people/{people.lulja.id}").get_data(as_text=True)


# The calendar file ---------------------------------------------------------------------

def test_the_calendar_file_parses_in_tirana_time_with_neutral_text(client, people, login_as, appointment):
    login_as(people.lulja)
    response = client.get(f"/appointments/{appointment.id}/calendar.ics")
    assert response.mimetype == "text/calendar" and 'filename="takim.ics"' in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    calendar = icalendar.Calendar.from_ical(response.data)
    event = calendar.walk("VEVENT")[0]
    start = event.decoded("dtstart")
    assert str(start.tzinfo) == "Europe/Tirane" and (start.hour, start.minute) == (14, 30)
    assert start == appointment.starts_at
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Tirane"]
    assert str(event["SUMMARY"]) == "Takim"
    assert "LOCATION" not in event and "DESCRIPTION" not in event
    assert b"Kavaj" not in response.data and b"mjeku" not in response.data and b"Lulja" not in response.data


def test_the_calendar_file_is_in_her_language(client, people, login_as, appointment):
    people.lulja.locale = "en"
    db.session.commit()
    login_as(people.lulja)
    event = icalendar.Calendar.from_ical(client.get(f"/appointments/{appointment.id}/calendar.ics").data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Appointment"


def test_the_same_appointment_keeps_its_calendar_uid(client, people, login_as, appointment):
    login_as(people.lulja)
    uids = {icalendar.Calendar.from_ical(client.get(f"/appointments/{appointment.id}/calendar.ics").data).walk("VEVENT")[0]["UID"] for _ in range(2)}
    assert len(uids) == 1


# The staff's ---------------------------------------------------------------------------

def test_a_case_manager_schedules_an_appointment_in_tirana_time(client, people, login_as):
    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/appointments/new", data=GOOD)
    assert response.headers["Location"] == "/console/appointments?day=2026-05-12"
    appointment = db.session.scalar(select(Appointment))
    assert appointment.starts_at == datetime(2026, 5, 12, 12, 30, tzinfo=timezone.utc)
    assert (appointment.title, appointment.place, appointment.created_by_id) == ("Takim në zyrë", "Zyra, kati i dytë", people.arta.id)
    assert db.session.scalar(select(func.count(AppointmentReminder.id))) == 2


def test_the_schedule_form_uses_date_and_time_fields(client, people, login_as):
    login_as(people.arta)
    html = client.get(f"/console/people/{people.lulja.id}/appointments/new").get_data(as_text=True)
    assert 'type="date"' in html and 'type="time"' in html and "Pseudonimi: Lulja" in html


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"day": "2026-05-10"}, "Zgjidh një orë që nuk ka kaluar ende."),
        ({"day": "2026-05-11", "time": "09:59"}, "Zgjidh një orë që nuk ka kaluar ende."),
        ({"day": "2026-02-30"}, "Kjo datë nuk ekziston."),
        ({"day": "12 maj"}, "Shkruaj datën si ditë, muaj dhe vit"),
        ({"day": "2027-06-01"}, "Zgjidh një datë brenda një viti nga sot."),
        ({"time": "25:00"}, "Shkruaj orën dhe minutat"),
        ({"time": "pasdite"}, "Shkruaj orën dhe minutat"),
        ({"time": ""}, "Zgjidh orën."),
        ({"place": "x" * 81}, "Jo më shumë se 80 karaktere."),
    ],
)
def test_bad_input_is_explained_in_albanian_kept_and_nothing_is_saved(client, people, login_as, changes, message):
    login_as(people.arta)
    response = client.post(f"/console/people/{people.lulja.id}/appointments/new", data={**GOOD, **changes})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html and 'aria-invalid="true"' in html
    assert 'value="Takim në zyrë"' in html
    assert db.session.scalar(select(func.count(Appointment.id))) == 0


@pytest.mark.parametrize("title,message", [("x" * 61, "Jo më shumë se 60 karaktere."), ("", "Shkruaj një titull.")])
def test_a_missing_or_long_title_is_explained(client, people, login_as, title, message):
    login_as(people.arta)
    html = client.post(f"/console/people/{people.lulja.id}/appointments/new", data={**GOOD, "title": title}).get_data(as_text=True)
    assert message in html and db.session.scalar(select(func.count(Appointment.id))) == 0


def test_changing_the_time_remakes_the_reminders(client, people, login_as, appointment):
    login_as(people.arta)
    response = client.post(f"/console/appointments/{appointment.id}/edit", data={**GOOD, "day": "2026-05-20", "time": "09:00"})
    assert response.status_code == 302
    db.session.refresh(appointment)
    assert appointment.starts_at == datetime(2026, 5, 20, 7, 0, tzinfo=timezone.utc)
    assert [r.due_at for r in appointment.reminders] == [appointment.starts_at - timedelta(hours=24), appointment.starts_at - timedelta(hours=2)]


def test_the_edit_form_shows_the_time_in_tirana(client, people, login_as, appointment):
    login_as(people.arta)
    html = client.get(f"/console/appointments/{appointment.id}/edit").get_data(as_text=True)
    assert 'value="2026-05-12"' in html and 'value="14:30"' in html and 'value="Rruga e Kavajës"' in html


def test_bad_input_on_edit_changes_nothing(client, people, login_as, appointment):
    login_as(people.arta)
    client.post(f"/console/appointments/{appointment.id}/edit", data={**GOOD, "time": "99:99"})
    db.session.refresh(appointment)
    assert appointment.title == "Vizitë te mjeku"


def test_cancelling_an_appointment(client, people, login_as, appointment):
    login_as(people.arta)
    assert client.post(f"/console/appointments/{appointment.id}/cancel", data={}).status_code == 302
    db.session.refresh(appointment)
    assert appointment.cancelled_at == NOW and {r.status for r in appointment.reminders} == {"skipped"}


def test_a_cancelled_appointment_cannot_be_changed(client, people, login_as, appointment):
    appointment.cancelled_at = NOW
    db.session.commit()
    login_as(people.arta)
    client.post(f"/console/appointments/{appointment.id}/edit", data=GOOD)
    db.session.refresh(appointment)
    assert appointment.title == "Vizitë te mjeku"


def test_staff_see_their_appointments_by_day(client, people, login_as, appointment):
    factories.appointment(people.dielli, appointment.starts_at, title="Takimi i Diellit", now=NOW)
    login_as(people.arta)
    html = client.get("/console/appointments?day=2026-05-12").get_data(as_text=True)
    assert "Vizitë te mjeku" in html and "Lulja" in html and "14:30" in html
    assert "Takimi i Diellit" not in html
    assert "Vizitë te mjeku" not in client.get("/console/appointments?day=2026-05-13").get_data(as_text=True)


def test_the_day_list_starts_today_in_tirana(client, people, login_as):
    login_as(people.arta)
    html = client.get("/console/appointments").get_data(as_text=True)
    assert "e hënë, 11 maj 2026" in html and "Nuk ka takime në këtë ditë." in html


def test_a_bad_day_is_explained(client, people, login_as):
    login_as(people.arta)
    html = client.get("/console/appointments?day=2026-13-40").get_data(as_text=True)
    assert "Kjo datë nuk ekziston." in html


def test_the_survivor_record_lists_her_appointments(client, people, login_as, appointment):
    login_as(people.arta)
    html = client.get(f"/console/people/{people.lulja.id}").get_data(as_text=True)
    assert "Vizitë te mjeku" in html and f"/console/people/{people.lulja.id}/appointments/new" in html
