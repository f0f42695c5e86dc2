"""Every view of a request is a view of her record: anyone who may not see her gets 404, htmx too."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from pwa.extensions import db
from pwa.help import services
from pwa.models import AuditEvent, HelpRequest, Role, utcnow
from tests import factories

GETS = ["/console/requests/{id}"]
POSTS = [
    ("/console/requests/{id}/seen", {}),
    ("/console/requests/{id}/answered", {"how": "call"}),
    ("/console/requests/{id}/resolve", {"outcome": "ok"}),
]
HTMX = [{}, {"HX-Request": "true"}]


@pytest.fixture
def request_of_lulja(people):
    return factories.help_request(people.lulja)


@pytest.mark.parametrize("headers", HTMX)
@pytest.mark.parametrize("url", GETS)
def test_another_case_manager_gets_404(client, people, login_as, request_of_lulja, url, headers):
    login_as(people.besnik)
    assert client.get(url.format(id=request_of_lulja.id), headers=headers).status_code == 404


@pytest.mark.parametrize("headers", HTMX)
@pytest.mark.parametrize("url,data", POSTS)
def test_another_case_manager_cannot_act_on_it(client, people, login_as, request_of_lulja, url, data, headers):
    login_as(people.besnik)
    assert client.post(url.format(id=request_of_lulja.id), data=data, headers=headers).status_code == 404
    db.session.refresh(request_of_lulja)
    assert request_of_lulja.status == "sent"


@pytest.mark.parametrize("url,data", POSTS)
def test_a_request_that_does_not_exist_is_404(client, people, login_as, url, data):
    login_as(people.supervisor)
    assert client.post(url.format(id=999), data=data).status_code == 404


def test_a_supervisor_of_another_organisation_gets_404(client, people, login_as, request_of_lulja):
    other = factories.staff(factories.organisation("Tjetër"), "other", Role.SUPERVISOR)
    login_as(other)
    assert client.get(f"/console/requests/{request_of_lulja.id}").status_code == 404
    assert "Lulja" not in client.get("/console/duty").get_data(as_text=True)


@pytest.mark.parametrize("url", GETS)
def test_her_case_manager_and_the_supervisor_see_it(client, people, login_as, request_of_lulja, url):
    for person in (people.arta, people.supervisor):
        login_as(person)
        assert client.get(url.format(id=request_of_lulja.id)).status_code == 200


def test_every_view_of_a_request_is_audited(client, people, login_as, request_of_lulja):
    login_as(people.arta)
    client.get(f"/console/requests/{request_of_lulja.id}")
    client.post(f"/console/requests/{request_of_lulja.id}/seen", data={})
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.survivor_id == people.lulja.id)).all()
    assert actions == ["help_view", "help_seen"]


def test_a_case_manager_off_duty_gets_404_on_the_duty_queue(client, people, login_as):
    login_as(people.besnik)
    assert client.get("/console/duty").status_code == 404


def test_on_duty_sees_only_escalated_requests_and_only_while_they_are_open(client, people, login_as, request_of_lulja):
    factories.on_duty(people.besnik)
    login_as(people.besnik)
    url = f"/console/requests/{request_of_lulja.id}"
    assert client.get(url).status_code == 404  # not escalated yet
    services.escalate_overdue_requests(db.session, utcnow() + timedelta(hours=1))
    assert client.get(url).status_code == 200
    services.resolve(db.session.get(HelpRequest, request_of_lulja.id), people.arta, "ok", utcnow())
    db.session.commit()
    assert client.get(url).status_code == 404


def test_off_duty_loses_sight_of_escalated_requests(client, people, login_as, request_of_lulja):
    services.escalate_overdue_requests(db.session, utcnow() + timedelta(hours=1))
    login_as(people.besnik)
    assert client.get(f"/console/requests/{request_of_lulja.id}").status_code == 404


@pytest.mark.parametrize("url", ["/console/requests/{id}", "/console/duty", "/console/away"])
def test_survivors_get_404_in_the_console(client, people, login_as, request_of_lulja, url):
    login_as(people.lulja)
    assert client.get(url.format(id=request_of_lulja.id)).status_code == 404


@pytest.mark.parametrize("url", ["/help", "/help/requests/{id}", "/help/requests/{id}/status"])
def test_staff_get_404_on_her_pages(client, people, login_as, request_of_lulja, url):
    login_as(people.arta)
    assert client.get(url.format(id=request_of_lulja.id)).status_code == 404


def test_staff_cannot_withdraw_for_her(client, people, login_as, request_of_lulja):
    login_as(people.arta)
    assert client.post(f"/help/requests/{request_of_lulja.id}/withdraw", data={}).status_code == 404
