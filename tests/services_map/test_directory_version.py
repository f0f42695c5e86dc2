"""The directory is read from the database once per change: its version, each process's copy, and ETags."""
from sqlalchemy import event

from pwa.extensions import db
from pwa.models import DirectoryService, DirectoryState
from pwa.services_map import services
from tests import factories
from tests.services_map.test_console import GOOD


def _version():
    db.session.expire_all()
    state = db.session.get(DirectoryState, 1)
    return state.version if state else None


class Statements:
    """Counts the SQL statements the app runs while it is open."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _count(self, *args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)


def test_every_change_people_can_see_gives_a_new_version(client, people, login_as):
    service = factories.directory_service("Qendra Drita", keeper_id=people.org.id)
    first = _version()
    assert first
    login_as(people.supervisor)
    client.post(f"/console/services/{service.id}/edit", data={**GOOD, "name": "Qendra Drita e re"})
    edited = _version()
    assert edited != first
    client.post(f"/console/services/{service.id}/hide", data={})
    hidden = _version()
    assert hidden != edited


def test_a_report_that_something_is_wrong_changes_nothing_people_see(client, people):
    service = factories.directory_service("Qendra Drita")
    before = _version()
    assert client.post(f"/services/{service.id}/wrong", data={"kind": "phone"}, no_csrf=True).status_code == 303
    assert _version() == before


def test_the_list_is_read_once_per_version(app, client, people, login_as):
    factories.directory_service("Qendra Drita", keeper_id=people.org.id)
    client.get("/services")
    with Statements(db.engine) as first:
        client.get("/services")
    with Statements(db.engine) as again:
        client.get("/services")
    assert again.count <= first.count
    # Reading the directory itself (services and their details, 7 queries) happens once: the
    # next visits ask at most for its version (for a page kept rendered, not even that).
    factories.directory_service("Qendra Shpresa", keeper_id=people.org.id)
    with Statements(db.engine) as changed:
        page = client.get("/services").get_data(as_text=True)
    assert changed.count > again.count + 5
    assert "Qendra Shpresa" in page


def _json_names(client):
    return [service["name"] for service in client.get("/services/directory.json").get_json()["services"]]


def test_an_edit_shows_at_once_on_the_public_pages(client, people, login_as):
    service = factories.directory_service("Emri i vjetër", keeper_id=people.org.id)
    assert "Emri i vjetër" in client.get("/services").get_data(as_text=True)
    assert _json_names(client) == ["Emri i vjetër"]
    login_as(people.supervisor)
    client.post(f"/console/services/{service.id}/edit", data={**GOOD, "name": "Emri i ri"})
    page = client.get("/services").get_data(as_text=True)
    assert "Emri i ri" in page and "Emri i vjetër" not in page
    assert _json_names(client) == ["Emri i ri"]


def test_a_hidden_service_leaves_only_its_organisations_copy(client, people, login_as):
    service = factories.directory_service("Qendra Drita")
    login_as(people.supervisor)
    client.post(f"/console/services/{service.id}/hide-here", data={})
    login_as(people.lulja)
    assert "Qendra Drita" not in client.get("/services").get_data(as_text=True)
    client.post("/logout", data={})
    anonymous = client.application.test_client()
    assert "Qendra Drita" in anonymous.get("/services").get_data(as_text=True)


def test_the_phone_asks_whether_the_directory_changed_and_gets_no_body_when_not(client, people, login_as):
    factories.directory_service("Qendra Drita", keeper_id=people.org.id)
    first = client.get("/services/directory.json")
    tag = first.headers["ETag"]
    assert first.status_code == 200 and "no-cache" in first.headers["Cache-Control"]
    again = client.get("/services/directory.json", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    factories.directory_service("Qendra Shpresa", keeper_id=people.org.id)
    changed = client.get("/services/directory.json", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and "Qendra Shpresa" in changed.get_data(as_text=True)
    assert changed.headers["ETag"] != tag


def test_signed_in_people_keep_no_copy_of_their_organisations_list(client, people, login_as):
    factories.directory_service("Qendra Drita", keeper_id=people.org.id)
    login_as(people.lulja)
    answer = client.get("/services/directory.json")
    assert answer.headers["Cache-Control"] == "no-store"


def test_the_kept_copy_belongs_to_no_request(app, people):
    factories.directory_service("Qendra Drita", keeper_id=people.org.id)
    version, copy = services.shown_directory(db.session)
    assert version and [s.name for s in copy] == ["Qendra Drita"]
    assert all(s not in db.session for s in copy)
    db.session.commit()
    # Still readable, with what the pages show, after the request's session let go.
    assert copy[0].organization.name and copy[0].phones[0].number and copy[0].locations[0].city
    again = services.shown_directory(db.session)[1]
    assert again is copy


def test_a_directory_written_before_any_version_is_read_each_time(app, people):
    factories.directory_service("Qendra Drita", keeper_id=people.org.id)
    db.session.query(DirectoryState).delete()
    db.session.commit()
    version, copy = services.shown_directory(db.session)
    assert version is None and [s.name for s in copy] == ["Qendra Drita"]
    db.session.get(DirectoryService, copy[0].id).name = "Qendra e re"
    db.session.commit()
    assert [s.name for s in services.shown_directory(db.session)[1]] == ["Qendra e re"]


def test_the_rendered_list_is_kept_per_language_and_filter(client, people):
    factories.directory_service("Qendra Drita", areas=("legal",), keeper_id=people.org.id)
    factories.directory_service("Zyra e punës", areas=("economic",), keeper_id=people.org.id)
    albanian = client.get("/services").get_data(as_text=True)
    client.post("/language", data={"locale": "en", "next": "/services"})
    english = client.get("/services").get_data(as_text=True)
    assert "<h1>Shërbimet</h1>" in albanian and "<h1>Services</h1>" in english
    only_work = client.get("/services?area=economic").get_data(as_text=True)
    assert "Zyra e punës" in only_work and "Qendra Drita" not in only_work
    assert "Qendra Drita" in client.get("/services").get_data(as_text=True)
