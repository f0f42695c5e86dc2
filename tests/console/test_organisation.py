"""A supervisor sets the organisation's neutral name, exit address and idle locks."""
import pytest

from pwa.extensions import db
from tests import factories

GOOD = {
    "app_name": "Kalendari",
    "exit_url": "https://www.meteo.example/tirana",
    "idle_lock_survivor_minutes": "3",
    "idle_lock_staff_minutes": "20",
    "helpline": "",
    "reminder_hours": "24, 2",
    "appointment_retention_days": "30",
    "help_escalate_now_minutes": "15",
    "help_escalate_today_hours": "2",
    "help_escalate_week_days": "3",
    "help_retention_days": "60",
    "checkin_interval_crisis_days": "14",
    "checkin_interval_transition_days": "7",
    "checkin_interval_inclusion_days": "30",
    "closed_case_retention_days": "120",
    "closure_needs_approval": "y",
    "audit_retention_days": "730",
}


def test_supervisor_changes_the_settings_and_every_page_follows(client, people, login_as):
    login_as(people.supervisor)
    assert client.post("/console/organisation", data=GOOD).status_code == 302
    db.session.refresh(people.org)
    assert (people.org.app_name, people.org.idle_lock_survivor_minutes) == ("Kalendari", 3)
    html = client.get("/console/").get_data(as_text=True)
    assert "· Kalendari</title>" in html and 'data-exit-url="https://www.meteo.example/tirana"' in html


@pytest.mark.parametrize(
    "field,value",
    [
        ("exit_url", "javascript:alert(1)"),
        ("exit_url", "http://plain.example"),
        ("idle_lock_survivor_minutes", "0"),
        ("app_name", ""),
        ("helpline", "call me"),
        ("reminder_hours", "soon"),
        ("reminder_hours", "0"),
        ("reminder_hours", "200"),
        ("reminder_hours", "48, 24, 6, 2"),
        ("appointment_retention_days", "0"),
        ("help_escalate_now_minutes", "0"),
        ("help_escalate_week_days", "30"),
        ("help_retention_days", ""),
    ],
)
def test_bad_settings_are_explained_and_nothing_changes(client, people, login_as, field, value):
    login_as(people.supervisor)
    response = client.post("/console/organisation", data={**GOOD, field: value})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.get_data(as_text=True)
    db.session.refresh(people.org)
    assert people.org.app_name == "Dera"


def test_case_managers_cannot_change_settings(client, people, login_as):
    login_as(people.arta)
    assert client.post("/console/organisation", data=GOOD).status_code == 404


def test_the_help_line_reminder_hours_and_retention_are_saved(client, people, login_as):
    login_as(people.supervisor)
    client.post("/console/organisation", data={**GOOD, "helpline": " 0800 1234 ", "reminder_hours": "2,48", "appointment_retention_days": "60"})
    db.session.refresh(people.org)
    assert (people.org.helpline, people.org.reminder_hours, people.org.appointment_retention_days) == ("0800 1234", "48,2", 60)


def test_an_empty_help_line_is_none(client, people, login_as):
    people.org.helpline = "0800 1234"
    db.session.commit()
    login_as(people.supervisor)
    client.post("/console/organisation", data=GOOD)
    db.session.refresh(people.org)
    assert people.org.helpline is None


def test_a_bad_reminder_hours_message_is_in_albanian(client, people, login_as):
    login_as(people.supervisor)
    html = client.post("/console/organisation", data={**GOOD, "reminder_hours": "nesër"}).get_data(as_text=True)
    assert "Shkruaj një deri në tre numra orësh" in html and 'value="nesër"' in html


def test_new_reminder_hours_remake_the_reminders_of_upcoming_appointments(client, people, login_as):
    appointment = factories.appointment(people.lulja)
    login_as(people.supervisor)
    client.post("/console/organisation", data={**GOOD, "reminder_hours": "3"})
    db.session.refresh(appointment)
    assert [(r.offset_minutes, r.status) for r in appointment.reminders] == [(180, "queued")]
def test_supervisor_sets_the_help_request_times(client, people, login_as):
    login_as(people.supervisor)
    client.post("/console/organisation", data=GOOD)
    db.session.refresh(people.org)
    org = people.org
    assert (org.help_escalate_now_minutes, org.help_escalate_today_hours, org.help_escalate_week_days, org.help_retention_days) == (15, 2, 3, 60)


def test_help_request_times_start_from_the_defaults(org):
    assert (org.help_escalate_now_minutes, org.help_escalate_today_hours, org.help_escalate_week_days, org.help_retention_days) == (30, 4, 2, 90)


def test_supervisor_sets_the_case_settings(client, people, login_as):
    login_as(people.supervisor)
    assert client.post("/console/organisation", data={**GOOD, "checkin_interval_transition_days": "10"}).status_code == 302
    db.session.refresh(people.org)
    assert people.org.checkin_interval_transition_days == 10
    assert people.org.closed_case_retention_days == 120 and people.org.closure_needs_approval is True
    assert people.org.case_manager_two_factor is False
