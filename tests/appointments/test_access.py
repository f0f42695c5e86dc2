"""Every appointment route is 404 for anyone who may not see the person (GET, POST and htmx)."""
import pytest
from sqlalchemy import select

from pwa.extensions import db
from pwa.models import Appointment, AuditEvent, Role
from tests import factories

GOOD = {"day": "2030-01-01", "time": "10:00", "title": "Takim", "place": "Zyra"}

HER_ROUTES = [
    ("GET", "/appointments/{id}"),
    ("GET", "/appointments/{id}/calendar.ics"),
    ("POST", "/appointments/{id}/cant-come"),
    ("POST", "/appointments/{id}/can-come"),
]
STAFF_ROUTES = [
    ("GET", "/console/appointments/{id}/edit"),
    ("POST", "/console/appointments/{id}/edit"),
    ("POST", "/console/appointments/{id}/cancel"),
    ("GET", "/console/people/{survivor}/appointments/new"),
    ("POST", "/console/people/{survivor}/appointments/new"),
]


@pytest.fixture
def appointment(people):
    return factories.appointment(people.lulja, title="Vizitë te mjeku")


def _call(client, method, url, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.post(url, data=dict(GOOD), headers=headers)


def _url(template, appointment):
    return template.format(id=appointment.id, survivor=appointment.survivor_id)


def _unchanged(appointment):
    db.session.refresh(appointment)
    return appointment.cancelled_at is None and appointment.cant_come_at is None and appointment.title == "Vizitë te mjeku"


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("method,url", HER_ROUTES)
def test_another_survivor_gets_404(client, people, login_as, appointment, method, url, htmx):
    login_as(people.dielli)
    assert _call(client, method, _url(url, appointment), htmx).status_code == 404
    assert _unchanged(appointment)


@pytest.mark.parametrize("method,url", HER_ROUTES)
def test_staff_get_404_on_her_pages(client, people, login_as, appointment, method, url):
    login_as(people.arta)
    assert _call(client, method, _url(url, appointment)).status_code == 404


@pytest.mark.parametrize("method,url", HER_ROUTES + [("GET", "/appointments")])
def test_nobody_signed_in_is_sent_to_the_start(client, people, appointment, method, url):
    response = _call(client, method, _url(url, appointment))
    assert response.status_code == 302 and response.headers["Location"] == "/"


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("method,url", STAFF_ROUTES)
def test_another_case_manager_gets_404(client, people, login_as, appointment, method, url, htmx):
    login_as(people.besnik)
    assert _call(client, method, _url(url, appointment), htmx).status_code == 404
    assert _unchanged(appointment)
    assert db.session.scalar(select(db.func.count(Appointment.id))) == 1


@pytest.mark.parametrize("method,url", STAFF_ROUTES)
def test_survivors_get_404_on_staff_pages(client, people, login_as, appointment, method, url):
    login_as(people.lulja)
    assert _call(client, method, _url(url, appointment)).status_code == 404
    assert _unchanged(appointment)


@pytest.mark.parametrize("method,url", STAFF_ROUTES)
def test_a_supervisor_of_another_organisation_gets_404(client, people, login_as, appointment, method, url):
    login_as(factories.staff(factories.organisation("Tjetër"), "other", Role.SUPERVISOR))
    assert _call(client, method, _url(url, appointment)).status_code == 404


def test_survivors_get_404_on_the_staff_day_list(client, people, login_as):
    login_as(people.lulja)
    assert client.get("/console/appointments").status_code == 404


@pytest.mark.parametrize("url", ["/appointments/999", "/console/appointments/999/edit", "/console/people/999/appointments/new"])
def test_a_missing_appointment_or_person_is_404(client, people, login_as, url):
    login_as(people.supervisor if "console" in url else people.lulja)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("method,url", [("GET", "/console/appointments/{id}/edit"), ("GET", "/console/people/{survivor}/appointments/new")])
def test_the_supervisor_and_an_away_colleagues_delegate_may(client, people, login_as, appointment, method, url):
    login_as(people.supervisor)
    assert _call(client, method, _url(url, appointment)).status_code == 200
    people.arta.away, people.arta.delegate_id = True, people.besnik.id
    db.session.commit()
    login_as(people.besnik)
    assert _call(client, method, _url(url, appointment)).status_code == 200


def test_staff_changes_are_audited(client, people, login_as, appointment):
    login_as(people.arta)
    client.post(f"/console/appointments/{appointment.id}/cancel", data={})
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.survivor_id == people.lulja.id)).all()
    assert actions == ["appointment_cancel"]
