"""Who may change a service: the organisation that keeps it; every organisation may hide any service from its own people."""
import pytest

from pwa.clock import now
from pwa.extensions import db
from pwa.models import DirectoryService, Role
from pwa.services_map import services
from tests import factories

GOOD = {
    "organization_name": "Qendra Shpresa",
    "name": "Emri i ri",
    "areas": ["legal"],
    "scope": "general",
    "timezone": "Europe/Tirane",
}


@pytest.fixture
def other(app):
    """A second organisation on the same server, with its supervisor and a survivor."""
    org = factories.organisation("Qendra Tjetër")
    supervisor = factories.staff(org, "vera", Role.SUPERVISOR)
    case_manager = factories.staff(org, "genta")
    return type("Other", (), {"org": org, "supervisor": supervisor, "survivor": factories.survivor(case_manager, "Hëna")})


@pytest.fixture
def ours(people):
    return factories.directory_service("Qendra Jonë", keeper_id=people.org.id)


@pytest.fixture
def servers(app):
    return factories.directory_service("Linja Kombëtare", keeper_id=None)


def _who(people, other, role):
    return {
        "case manager": people.arta,
        "supervisor of another organisation": other.supervisor,
        "survivor": people.lulja,
        "anonymous": None,
    }[role]


ROLES = ["case manager", "supervisor of another organisation", "survivor", "anonymous"]
ACTIONS = [("get", "edit"), ("post", "edit"), ("post", "hide"), ("post", "show")]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method, action", ACTIONS)
def test_only_the_keeping_organisations_supervisors_change_or_hide_a_service(client, people, other, login_as, ours, role, method, action):
    person = _who(people, other, role)
    if person is not None:
        login_as(person)
    url = f"/console/services/{ours.id}/{action}"
    response = client.get(url) if method == "get" else client.post(url, data=GOOD)
    if person is None:
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    else:
        assert response.status_code == 404
    db.session.expire_all()
    service = db.session.get(DirectoryService, ours.id)
    assert service.name == "Qendra Jonë" and service.status == "active"


@pytest.mark.parametrize("method, action", ACTIONS)
def test_the_keeping_organisations_supervisor_may(client, people, login_as, ours, method, action):
    login_as(people.supervisor)
    url = f"/console/services/{ours.id}/{action}"
    response = client.get(url) if method == "get" else client.post(url, data=GOOD)
    assert response.status_code == (200 if method == "get" else 302)


@pytest.mark.parametrize("action", ["edit", "hide", "show"])
def test_nobody_in_the_console_changes_the_servers_own_services(client, people, login_as, servers, action):
    login_as(people.supervisor)
    assert client.post(f"/console/services/{servers.id}/{action}", data=GOOD).status_code == 404
    assert client.get(f"/console/services/{servers.id}/edit").status_code == 404


def test_the_list_offers_edit_and_hide_only_for_kept_services(client, people, login_as, ours, servers):
    login_as(people.supervisor)
    html = client.get("/console/services/").get_data(as_text=True)
    assert f"/console/services/{ours.id}/edit" in html and f"/console/services/{ours.id}/hide\"" in html
    assert f"/console/services/{servers.id}/edit" not in html and f"/console/services/{servers.id}/hide\"" not in html
    assert f"/console/services/{servers.id}/hide-here" in html
    assert "Administratorët e serverit" in html


def test_a_new_service_is_kept_by_the_supervisors_organisation(client, people, login_as):
    login_as(people.supervisor)
    assert client.post("/console/services/new", data=GOOD).status_code == 302
    assert db.session.scalar(db.select(DirectoryService)).keeper_id == people.org.id


def test_hiding_for_our_people_leaves_others_and_the_public_untouched(client, app, people, other, login_as, servers):
    login_as(people.supervisor)
    assert client.post(f"/console/services/{servers.id}/hide-here", data={}).status_code == 302
    assert db.session.get(DirectoryService, servers.id).status == "active"

    login_as(people.lulja)
    assert "Linja Kombëtare" not in client.get("/services").get_data(as_text=True)
    assert client.get(f"/services/{servers.id}").status_code == 404
    assert all(s["id"] != servers.id for s in client.get("/services/directory.json").get_json()["services"])

    other_client = app.test_client()
    factories.sign_in_survivor(other_client, other.survivor)
    assert "Linja Kombëtare" in other_client.get("/services").get_data(as_text=True)
    assert app.test_client().get(f"/services/{servers.id}").status_code == 200

    login_as(people.supervisor)
    assert client.post(f"/console/services/{servers.id}/show-here", data={}).status_code == 302
    login_as(people.lulja)
    assert client.get(f"/services/{servers.id}").status_code == 200


@pytest.mark.parametrize("role", ["case manager", "survivor"])
def test_only_supervisors_hide_for_their_people(client, people, other, login_as, servers, role):
    login_as(_who(people, other, role))
    assert client.post(f"/console/services/{servers.id}/hide-here", data={}).status_code == 404
    assert services.hidden_for(db.session, people.org.id) == set()


def test_the_command_line_import_belongs_to_the_servers_administrators(app, seed_path):
    services.import_directory(db.session, seed_path, now())
    db.session.commit()
    assert {s.keeper_id for s in db.session.scalars(db.select(DirectoryService))} == {None}


def test_an_organisations_import_may_not_replace_what_others_keep(app, people, other, seed_path):
    services.import_directory(db.session, seed_path, now())
    db.session.commit()
    with pytest.raises(services.ImportRefused) as refused:
        services.import_directory(db.session, seed_path, now(), keeper_id=people.org.id)
    db.session.rollback()
    assert any("kept by another organisation" in str(problem) for problem in refused.value.problems)
