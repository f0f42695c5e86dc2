"""Supervisors keep the directory in the console: add, edit with validation, hide and show, export."""
import json

import pytest

from pwa.extensions import db
from pwa.models import DirectoryService
from tests import factories

GOOD = {
    "organization_name": "Qendra Shpresa",
    "name": "Këshillim për punë",
    "description": "Të ndihmojmë të gjesh punë.",
    "areas": ["economic", "education_training"],
    "scope": "general",
    "cost": "free",
    "languages": ["sq", "en"],
    "phones-0-number": "069 123 4567",
    "phones-0-description": "Në orët e punës",
    "city": "Shkodër",
    "latitude": "42.0683",
    "longitude": "19.5126",
    "opens_MO": "08:00", "closes_MO": "16:00",
    "opens_FR": "20:00", "closes_FR": "02:00",
    "timezone": "Europe/Tirane",
    "verified_on": "2026-11-20",
}


@pytest.mark.parametrize("url", ["/console/services/", "/console/services/new", "/console/services/export.json"])
def test_case_managers_and_survivors_get_404(client, people, login_as, url):
    login_as(people.arta)
    assert client.get(url).status_code == 404


def test_survivors_get_404_in_the_directory_console(client, people, login_as):
    login_as(people.lulja)
    assert client.get("/console/services/").status_code == 404


def test_case_managers_cannot_hide_a_service(client, people, login_as):
    service = factories.directory_service(keeper_id=people.org.id)
    login_as(people.arta)
    assert client.post(f"/console/services/{service.id}/hide", data={}).status_code == 404
    assert db.session.get(DirectoryService, service.id).status == "active"


def test_supervisors_have_the_directory_in_their_menu(client, people, login_as):
    login_as(people.supervisor)
    assert 'href="/console/services/"' in client.get("/console/").get_data(as_text=True)


def test_a_supervisor_adds_a_service(client, people, login_as):
    login_as(people.supervisor)
    assert client.post("/console/services/new", data=GOOD).status_code == 302
    service = db.session.scalar(db.select(DirectoryService))
    assert service.organization.name == "Qendra Shpresa" and service.areas == ["economic", "education_training"]
    assert service.phones[0].tel == "0691234567" and service.locations[0].city == "Shkodër"
    assert [(s.byday, s.opens_at, s.closes_at) for s in service.schedules] == [("MO", "08:00", "16:00"), ("FR", "20:00", "02:00")]
    assert service.verified_on.isoformat() == "2026-11-20"


@pytest.mark.parametrize("change, message", [
    ({"phones-0-number": "call me"}, "Shkruaj numrin me shifra"),
    ({"latitude": "95"}, "Gjerësia gjeografike"),
    ({"longitude": ""}, "Shkruaj edhe gjerësinë"),
    ({"closes_MO": "8am"}, "08:30"),
    ({"closes_MO": ""}, "Shkruaj të dyja orët"),
    ({"areas": []}, "Zgjidh të paktën një fushë"),
    ({"timezone": "Tirana"}, "Europe/Tirane"),
])
def test_bad_input_is_explained_keeps_what_was_typed_and_saves_nothing(client, people, login_as, change, message):
    login_as(people.supervisor)
    response = client.post("/console/services/new", data={**GOOD, **change})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'value="Këshillim për punë"' in html
    assert db.session.scalar(db.select(db.func.count(DirectoryService.id))) == 0


def test_a_supervisor_edits_a_service_and_keeps_its_identifiers(client, people, login_as):
    service = factories.directory_service("Emri i vjetër", keeper_id=people.org.id)
    phone_id = service.phones[0].id
    login_as(people.supervisor)
    page = client.get(f"/console/services/{service.id}/edit").get_data(as_text=True)
    assert 'value="Emri i vjetër"' in page and 'value="08:00"' in page
    assert client.post(f"/console/services/{service.id}/edit", data={**GOOD, "name": "Emri i ri"}).status_code == 302
    db.session.expire_all()
    edited = db.session.get(DirectoryService, service.id)
    assert edited.name == "Emri i ri" and edited.phones[0].id == phone_id


def test_a_supervisor_corrects_who_it_is_for_how_to_ask_the_cost_and_the_notice_and_people_see_it(client, people, login_as):
    """The texts an imported service shows on its page can be changed in the console, and emptied."""
    service = factories.directory_service(
        "Strehë", keeper_id=people.org.id, eligibility_description="Vetëm gra", application_process="Dërgo email",
        fees_description="500 lekë", alert="Mbyllur sot",
    )
    login_as(people.supervisor)
    page = client.get(f"/console/services/{service.id}/edit").get_data(as_text=True)
    assert all(text in page for text in ("Vetëm gra", "Dërgo email", "500 lekë", "Mbyllur sot"))
    corrected = {**GOOD, "eligibility_description": "Gra mbi 18 vjeç", "application_process": "Telefono më parë",
                 "fees_description": "Vizita e parë është falas", "alert": ""}
    assert client.post(f"/console/services/{service.id}/edit", data=corrected).status_code == 302
    shown = client.get(f"/services/{service.id}").get_data(as_text=True)
    assert "Gra mbi 18 vjeç" in shown and "Telefono më parë" in shown and "Vizita e parë është falas" in shown
    assert "Mbyllur sot" not in shown and "Vetëm gra" not in shown
    db.session.expire_all()
    assert db.session.get(DirectoryService, service.id).alert is None


def test_a_notice_too_long_is_explained_and_nothing_is_lost(client, people, login_as):
    login_as(people.supervisor)
    html = client.post("/console/services/new", data={**GOOD, "alert": "x" * 1001, "eligibility_description": "Gra mbi 18 vjeç"}).get_data(as_text=True)
    assert "Jo më shumë se 1000 karaktere." in html and "Gra mbi 18 vjeç" in html
    assert db.session.scalar(db.select(db.func.count(DirectoryService.id))) == 0


def test_hiding_takes_a_service_off_the_public_list_and_showing_brings_it_back(client, people, login_as):
    service = factories.directory_service("Qendra Drita", keeper_id=people.org.id)
    login_as(people.supervisor)
    client.post(f"/console/services/{service.id}/hide", data={}, follow_redirects=True)
    assert "Qendra Drita" not in client.get("/services").get_data(as_text=True)
    assert "Qendra Drita" in client.get("/console/services/").get_data(as_text=True)
    client.post(f"/console/services/{service.id}/show", data={}, follow_redirects=True)
    assert "Qendra Drita" in client.get("/services").get_data(as_text=True)


def test_export_downloads_the_whole_directory(client, people, login_as):
    factories.directory_service("Qendra Drita", status="inactive")
    login_as(people.supervisor)
    data = json.loads(client.get("/console/services/export.json").data)
    assert [(s["name"], s["status"]) for s in data["contents"]] == [("Qendra Drita", "inactive")]
    assert client.get("/console/services/export.zip").mimetype == "application/zip"


def test_the_directory_comes_a_page_at_a_time_by_name(client, people, login_as):
    for n in reversed(range(53)):
        factories.directory_service(f"Qendra {n:02d}")
    login_as(people.supervisor)
    first = client.get("/console/services/").get_data(as_text=True)
    assert first.index("Qendra 00") < first.index("Qendra 49") and "Qendra 50" not in first
    second = client.get("/console/services/?page=2").get_data(as_text=True)
    assert "Qendra 50" in second and "Qendra 52" in second and "Qendra 49" not in second and 'rel="prev"' in second
