"""Supervisors import a directory file in the console: a preview with every problem in plain words, then all or nothing."""
import io
import json
import re

import pytest

from pwa.extensions import db
from pwa.models import DirectoryService
from pwa.services_map import services
from pwa.clock import now
from tests import factories


def _upload(client, data: bytes, name: str):
    return client.post("/console/services/import", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def _count():
    return db.session.scalar(db.select(db.func.count(DirectoryService.id)))


def _apply_fields(html: str) -> dict:
    content = re.search(r'name="content" type="hidden" value="([^"]+)"', html) or re.search(r'id="content" name="content" type="hidden" value="([^"]+)"', html)
    filename = re.search(r'name="filename" type="hidden" value="([^"]+)"', html) or re.search(r'id="filename" name="filename" type="hidden" value="([^"]+)"', html)
    return {"content": content.group(1), "filename": filename.group(1)}


@pytest.mark.parametrize("role", ["arta", "lulja"])
def test_only_supervisors_import(client, people, login_as, seed_path, role):
    login_as(getattr(people, role))
    assert client.get("/console/services/import").status_code == 404
    assert _upload(client, seed_path.read_bytes(), "d.json").status_code == 404
    assert client.post("/console/services/import/apply", data={"content": "e30=", "filename": "d.json"}).status_code == 404
    assert _count() == 0


def test_a_good_file_is_previewed_and_nothing_is_stored_until_import(client, people, login_as, seed_path):
    login_as(people.supervisor)
    response = _upload(client, seed_path.read_bytes(), "services-albania.json")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Shërbime: 13 (13 të reja, 0 të zëvendësuara)" in html
    assert _count() == 0
    applied = client.post("/console/services/import/apply", data=_apply_fields(html))
    assert applied.status_code == 302
    assert _count() == 13
    assert {s.keeper_id for s in db.session.scalars(db.select(DirectoryService))} == {people.org.id}


def test_a_csv_package_zip_imports_too(client, people, login_as, seed_path, tmp_path):
    services.import_directory(db.session, seed_path, now())
    db.session.commit()
    services.export_directory(db.session, tmp_path / "p.zip", "csv")
    for service in db.session.scalars(db.select(DirectoryService)):
        db.session.delete(service)
    db.session.commit()
    login_as(people.supervisor)
    html = _upload(client, (tmp_path / "p.zip").read_bytes(), "p.zip").get_data(as_text=True)
    assert "13 të reja" in html


def test_every_problem_is_listed_in_plain_words_and_nothing_is_stored(client, people, login_as, seed_path):
    document = json.loads(seed_path.read_text("utf-8"))
    document["contents"][1]["status"] = "open"
    document["contents"][2]["phones"][0]["number"] = "call us"
    login_as(people.supervisor)
    html = _upload(client, json.dumps(document).encode(), "broken.json").get_data(as_text=True)
    assert "Skedari ka 2 probleme" in html
    assert document["contents"][1]["name"] in html and document["contents"][2]["name"] in html
    assert "phones[0].number" in html and "nuk është numër telefoni" in html
    assert "shërbimi 2" in html
    assert 'action="/console/services/import/apply"' not in html
    assert _count() == 0


def test_english_pages_say_it_in_english(client, people, login_as, seed_path):
    document = json.loads(seed_path.read_text("utf-8"))
    document["contents"][0]["status"] = "open"
    login_as(people.supervisor)
    client.post("/language", data={"locale": "en", "next": "/console/"})
    html = _upload(client, json.dumps(document).encode(), "broken.json").get_data(as_text=True)
    assert "service 1" in html and "is not one of: active" in html


def test_a_file_that_is_not_a_directory_is_explained(client, people, login_as):
    login_as(people.supervisor)
    html = _upload(client, b"not json at all", "notes.txt").get_data(as_text=True)
    assert "Skedari nuk mund të lexohet" in html and _count() == 0


def test_import_is_all_or_nothing_when_the_directory_changed_since_the_preview(client, people, login_as, seed_path, tmp_path):
    """Another organisation takes one of the services between preview and import: nothing at all is stored."""
    login_as(people.supervisor)
    html = _upload(client, seed_path.read_bytes(), "d.json").get_data(as_text=True)
    services.import_directory(db.session, seed_path, now())
    db.session.commit()
    first = db.session.scalar(db.select(DirectoryService).order_by(DirectoryService.id))
    other = factories.organisation("Tjetër")
    first.keeper_id = other.id
    db.session.commit()
    response = client.post("/console/services/import/apply", data=_apply_fields(html))
    assert response.status_code == 422
    db.session.expire_all()
    assert {s.keeper_id for s in db.session.scalars(db.select(DirectoryService))} == {None, other.id}


def test_cancel_goes_back_without_storing(client, people, login_as, seed_path):
    login_as(people.supervisor)
    html = _upload(client, seed_path.read_bytes(), "d.json").get_data(as_text=True)
    assert 'href="/console/services/">Anulo' in html
    assert _count() == 0
