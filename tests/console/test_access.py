"""Every survivor is visible only to her case manager, their delegate while away, and supervisors."""
import pytest

from pwa.extensions import db
from pwa.models import AuditEvent

SURVIVOR_URLS = ["/console/people/{id}", "/console/people/{id}/code"]


@pytest.mark.parametrize("url", SURVIVOR_URLS)
def test_another_case_manager_gets_404(client, people, login_as, url):
    login_as(people.besnik)
    assert client.get(url.format(id=people.lulja.id)).status_code == 404


def test_another_case_manager_cannot_make_a_code(client, people, login_as):
    login_as(people.besnik)
    assert client.post(f"/console/people/{people.lulja.id}/code", data={}).status_code == 404


def test_another_case_manager_gets_404_from_htmx_too(client, people, login_as):
    login_as(people.besnik)
    response = client.post(f"/console/people/{people.lulja.id}/code", data={}, headers={"HX-Request": "true"})
    assert response.status_code == 404


@pytest.mark.parametrize("url", SURVIVOR_URLS)
def test_the_case_manager_sees_her_own(client, people, login_as, url):
    login_as(people.arta)
    assert client.get(url.format(id=people.lulja.id), follow_redirects=True).status_code == 200


def test_the_supervisor_sees_everyone(client, people, login_as):
    login_as(people.supervisor)
    html = client.get("/console/").get_data(as_text=True)
    assert "Lulja" in html and "Dielli" in html
    assert client.get(f"/console/people/{people.dielli.id}").status_code == 200


def test_caseload_lists_only_my_people(client, people, login_as):
    login_as(people.besnik)
    html = client.get("/console/").get_data(as_text=True)
    assert "Dielli" in html and "Lulja" not in html


def test_a_delegate_sees_the_away_colleagues_people(client, people, login_as):
    people.arta.away, people.arta.delegate_id = True, people.besnik.id
    db.session.commit()
    login_as(people.besnik)
    assert client.get(f"/console/people/{people.lulja.id}").status_code == 200
    assert "Lulja" in client.get("/console/").get_data(as_text=True)


def test_a_named_delegate_sees_nothing_while_the_colleague_is_back(client, people, login_as):
    people.arta.away, people.arta.delegate_id = False, people.besnik.id
    db.session.commit()
    login_as(people.besnik)
    assert client.get(f"/console/people/{people.lulja.id}").status_code == 404


def test_a_supervisor_of_another_organisation_gets_404(client, people, login_as):
    from tests import factories
    from pwa.models import Role

    other = factories.staff(factories.organisation("Tjetër"), "other", Role.SUPERVISOR)
    login_as(other)
    assert client.get(f"/console/people/{people.lulja.id}").status_code == 404
    assert "Lulja" not in client.get("/console/").get_data(as_text=True)


@pytest.mark.parametrize("url", ["/console/", "/console/enrol", "/console/people/1", "/console/staff", "/console/password"])
def test_survivors_get_404_in_the_console(client, people, login_as, url):
    login_as(people.lulja)
    assert client.get(url).status_code == 404


# The service directory and contacts are public: tests/services_map/test_routes.py, tests/shell/test_routes.py.
@pytest.mark.parametrize("url", ["/today", "/plan", "/help", "/settings", "/welcome"])
def test_staff_get_404_on_survivor_pages(client, people, login_as, url):
    login_as(people.arta)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/console/staff", "/console/staff/new"])
def test_case_managers_get_404_on_supervisor_pages(client, people, login_as, url):
    login_as(people.arta)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/today", "/plan", "/help", "/settings"])
def test_nobody_signed_in_is_sent_to_the_start(client, org, url):
    assert client.get(url).headers["Location"] == "/"


def test_every_view_of_a_record_is_audited(client, people, login_as):
    login_as(people.arta)
    client.get(f"/console/people/{people.lulja.id}")
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == "view")).all()
    assert [(e.staff_id, e.survivor_id) for e in events] == [(people.arta.id, people.lulja.id)]


def test_a_refused_view_is_not_audited_as_a_view(client, people, login_as):
    login_as(people.besnik)
    client.get(f"/console/people/{people.lulja.id}")
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id))) == 0


def test_caseload_shows_each_persons_stage(client, people, login_as):
    from tests import factories

    factories.plan(people.lulja, "transition")
    login_as(people.arta)
    assert "Faza e tranzicionit" in client.get("/console/").get_data(as_text=True)
