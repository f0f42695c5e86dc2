"""A supervisor opens staff accounts; staff change their own password."""
from sqlalchemy import select

from pwa.extensions import db
from pwa.models import Role, Staff
from tests import factories

NEW = {"first_name": "Elira", "username": "elira", "work_phone": "069 111 2222", "role": "case_manager", "password": "a long first password"}


def test_supervisor_adds_a_case_manager_who_can_sign_in(app, client, people, login_as):
    login_as(people.supervisor)
    response = client.post("/console/staff/new", data=NEW)
    assert response.headers["Location"] == "/console/staff"
    assert "Elira" in client.get("/console/staff").get_data(as_text=True)
    elira = db.session.scalar(select(Staff).where(Staff.username == "elira"))
    assert elira.role == Role.CASE_MANAGER and elira.organisation_id == people.org.id
    assert factories.sign_in_staff(app.test_client(), elira, "a long first password")


def test_taken_username_is_explained(client, people, login_as):
    login_as(people.supervisor)
    response = client.post("/console/staff/new", data={**NEW, "username": "arta"})
    assert response.status_code == 200 and 'aria-invalid="true"' in response.get_data(as_text=True)


def test_short_password_is_refused(client, people, login_as):
    login_as(people.supervisor)
    response = client.post("/console/staff/new", data={**NEW, "password": "short"})
    assert response.status_code == 200
    assert db.session.scalar(select(Staff).where(Staff.username == "elira")) is None


def test_staff_change_their_password(app, client, people, login_as):
    login_as(people.arta)
    data = {"current_password": factories.PASSWORD, "new_password": "a brand new password", "new_password_again": "a brand new password"}
    assert client.post("/console/password", data=data).status_code == 302
    assert client.get("/console/").status_code == 200  # this browser stays signed in
    assert factories.sign_in_staff(app.test_client(), people.arta, "a brand new password")


def test_wrong_current_password_changes_nothing(client, people, login_as):
    login_as(people.arta)
    data = {"current_password": "wrong", "new_password": "a brand new password", "new_password_again": "a brand new password"}
    assert client.post("/console/password", data=data).status_code == 200
