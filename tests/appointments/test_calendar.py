"""Calendar files that update: DTEND from the appointment's length, a SEQUENCE that grows, METHOD:CANCEL, VALARMs, neutral words."""
from datetime import datetime, timedelta, timezone

import icalendar
import pytest

from pwa.extensions import db
from tests import factories

NOW = datetime(2026, 5, 11, 8, 0, tzinfo=timezone.utc)  # Monday 10:00 in Tirana
EDIT = {"day": "2026-05-12", "time": "15:00", "title": "Takim në zyrë", "place": "Zyra"}


@pytest.fixture(autouse=True)
def frozen(app):
    app.config["CLOCK"] = lambda: NOW


@pytest.fixture
def appointment(people):
    return factories.appointment(people.lulja, NOW + timedelta(days=1, hours=4, minutes=30), title="Vizitë te mjeku", place="Rruga e Kavajës", now=NOW)


def _strict(data: bytes) -> icalendar.Calendar:
    """Parse and insist that nothing in the file was broken or skipped."""
    calendar = icalendar.Calendar.from_ical(data)
    for component in calendar.walk():
        assert not component.errors, (component.name, component.errors)
    assert data.count(b"BEGIN:VCALENDAR") == 1 and data.endswith(b"END:VCALENDAR\r\n")
    (event,) = calendar.walk("VEVENT")
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE"):
        assert required in event, required
    assert event.decoded("dtend") > event.decoded("dtstart")
    return calendar


def _ics(client, appointment) -> icalendar.Calendar:
    return _strict(client.get(f"/appointments/{appointment.id}/calendar.ics").data)


def test_a_new_appointment_has_its_length_sequence_zero_and_reminders(client, people, login_as, appointment):
    login_as(people.lulja)
    calendar = _ics(client, appointment)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "PUBLISH" and event["SEQUENCE"] == 0
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=60)
    alarms = event.walk("VALARM")
    assert sorted(alarm.decoded("trigger") for alarm in alarms) == [-timedelta(hours=24), -timedelta(hours=2)]
    assert all(str(alarm["ACTION"]) == "DISPLAY" and str(alarm["DESCRIPTION"]) == "Takim" for alarm in alarms)


def _her_client(app, people):
    phone = app.test_client()
    factories.sign_in_survivor(phone, people.lulja)
    return phone


def test_a_change_grows_the_sequence_and_keeps_the_uid(app, client, people, login_as, appointment):
    phone = _her_client(app, people)
    before = _ics(phone, appointment).walk("VEVENT")[0]
    login_as(people.arta)
    assert client.post(f"/console/appointments/{appointment.id}/edit", data={**EDIT, "minutes": "45"}).status_code == 302
    after = _ics(phone, appointment).walk("VEVENT")[0]
    assert after["UID"] == before["UID"] and after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.decoded("dtend") - after.decoded("dtstart") == timedelta(minutes=45)
    assert (after.decoded("dtstart").hour, after.decoded("dtstart").minute) == (15, 0)


def test_a_cancellation_is_method_cancel_with_a_higher_sequence_and_no_alarm(app, client, people, login_as, appointment):
    login_as(people.arta)
    assert client.post(f"/console/appointments/{appointment.id}/cancel", data={}).status_code == 302
    calendar = _ics(_her_client(app, people), appointment)
    event = calendar.walk("VEVENT")[0]
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1 and event.walk("VALARM") == []


def test_the_organisations_length_and_neutral_words_are_used(client, people, login_as):
    people.org.appointment_minutes, people.org.calendar_text = 90, "Kafe"
    db.session.commit()
    appointment = factories.appointment(people.lulja, NOW + timedelta(days=2), now=NOW)
    login_as(people.lulja)
    event = _ics(client, appointment).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Kafe" and event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=90)
    assert all(str(alarm["DESCRIPTION"]) == "Kafe" for alarm in event.walk("VALARM"))


def test_the_schedule_form_offers_the_organisations_length(client, people, login_as):
    people.org.appointment_minutes = 45
    db.session.commit()
    login_as(people.arta)
    assert 'value="45"' in client.get(f"/console/people/{people.lulja.id}/appointments/new").get_data(as_text=True)


def test_a_supervisor_sets_the_length_and_calendar_words(client, people, login_as):
    login_as(people.supervisor)
    page = client.get("/console/organisation").get_data(as_text=True)
    assert 'name="appointment_minutes"' in page and 'name="calendar_text"' in page
