"""A supervisor sets the organisation's neutral name, exit address and idle locks."""
import pytest

from pwa.extensions import db

GOOD = {
    "app_name": "Kalendari",
    "exit_url": "https://www.meteo.example/tirana",
    "idle_lock_survivor_minutes": "3",
    "idle_lock_staff_minutes": "20",
    "help_escalate_now_minutes": "15",
    "help_escalate_today_hours": "2",
    "help_escalate_week_days": "3",
    "help_retention_days": "60",
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


def test_supervisor_sets_the_help_request_times(client, people, login_as):
    login_as(people.supervisor)
    client.post("/console/organisation", data=GOOD)
    db.session.refresh(people.org)
    org = people.org
    assert (org.help_escalate_now_minutes, org.help_escalate_today_hours, org.help_escalate_week_days, org.help_retention_days) == (15, 2, 3, 60)


def test_help_request_times_start_from_the_defaults(org):
    assert (org.help_escalate_now_minutes, org.help_escalate_today_hours, org.help_escalate_week_days, org.help_retention_days) == (30, 4, 2, 90)
