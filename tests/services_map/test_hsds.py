"""HSDS import and export: round trips without loss, and broken files refused with a per-row report."""
import json
import zipfile

import pytest
from sqlalchemy import func, select

from pwa.extensions import db
from pwa.models import DirectoryService, utcnow
from pwa.services_map import hsds, services
from tests import factories
from tests.services_map.conftest import clear_directory


def _import(path):
    summary = services.import_directory(db.session, path, utcnow())
    db.session.commit()
    return summary


def _count():
    return db.session.scalar(select(func.count(DirectoryService.id)))


def test_json_import_then_export_gives_back_the_same_file(app, seed_path, tmp_path):
    _import(seed_path)
    services.export_directory(db.session, tmp_path / "out.json", "json")
    assert (tmp_path / "out.json").read_bytes() == seed_path.read_bytes()


def test_json_round_trip_through_an_empty_directory_is_identical(app, seed_path, tmp_path):
    _import(seed_path)
    services.export_directory(db.session, tmp_path / "first.json", "json")
    clear_directory()
    assert _count() == 0
    _import(tmp_path / "first.json")
    services.export_directory(db.session, tmp_path / "second.json", "json")
    assert (tmp_path / "second.json").read_bytes() == (tmp_path / "first.json").read_bytes()


@pytest.mark.parametrize("target", ["package.zip", "package"])
def test_csv_package_round_trip_is_identical(app, seed_path, tmp_path, target):
    _import(seed_path)
    services.export_directory(db.session, tmp_path / target, "csv")
    clear_directory()
    _import(tmp_path / target)
    services.export_directory(db.session, tmp_path / "again.json", "json")
    assert (tmp_path / "again.json").read_bytes() == seed_path.read_bytes()
    services.export_directory(db.session, tmp_path / "again", "csv")
    first = hsds.package_files(services.directory_tables(db.session))
    assert {p.name: p.read_bytes() for p in (tmp_path / "again").iterdir()} == first


def test_csv_package_has_hsds_file_names_and_a_descriptor(app, seed_path, tmp_path):
    _import(seed_path)
    services.export_directory(db.session, tmp_path / "p.zip", "csv")
    names = set(zipfile.ZipFile(tmp_path / "p.zip").namelist())
    assert {"datapackage.json", "organizations.csv", "services.csv", "locations.csv", "service_at_location.csv",
            "phones.csv", "schedules.csv", "languages.csv", "taxonomy_terms.csv", "attributes.csv"} <= names
    descriptor = json.loads(zipfile.ZipFile(tmp_path / "p.zip").read("datapackage.json"))
    assert {r["name"]: r["path"] for r in descriptor["resources"]}["service_at_location"] == "service_at_location.csv"


def test_import_keeps_every_field_dera_knows(app, seed_path):
    _import(seed_path)
    service = db.session.scalar(select(DirectoryService).where(DirectoryService.name.startswith("Vatra")))
    assert service.areas == ["economic", "education_training", "family", "housing", "psychological"]
    assert service.scope == "specialised" and service.verified_on is None
    assert service.locations[0].city == "Vlorë" and service.locations[0].latitude == 40.4667
    assert [language.code for language in service.languages] == ["sq"]


def test_importing_twice_replaces_rather_than_doubles(app, seed_path):
    _import(seed_path)
    _import(seed_path)
    assert _count() == len(json.loads(seed_path.read_text())["contents"])


def _broken_json(seed_path, tmp_path, change):
    document = json.loads(seed_path.read_text())
    change(document["contents"])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document, ensure_ascii=False))
    return path


def test_a_broken_json_file_is_refused_row_by_row_and_changes_nothing(app, seed_path, tmp_path):
    existing = factories.directory_service("Qendra e vjetër")

    def break_it(contents):
        contents[1]["status"] = "open"
        contents[2]["phones"][0]["number"] = "call us"
        del contents[5]["name"]

    with pytest.raises(services.ImportRefused) as refused:
        services.import_directory(db.session, _broken_json(seed_path, tmp_path, break_it), utcnow())
    db.session.rollback()
    report = [str(problem) for problem in refused.value.problems]
    assert 'broken.json, service 2, status: "open" is not one of: active, inactive, defunct, temporarily closed.' in report
    assert any(line.startswith("broken.json, service 3, phones[0].number:") for line in report)
    assert "broken.json, service 6, name: is missing." in report
    assert _count() == 1 and db.session.get(DirectoryService, existing.id).name == "Qendra e vjetër"


def test_a_broken_row_in_a_csv_package_is_refused_and_changes_nothing(app, seed_path, tmp_path):
    _import(seed_path)
    services.export_directory(db.session, tmp_path / "p", "csv")
    clear_directory()
    phones = (tmp_path / "p" / "phones.csv").read_text().splitlines()
    phones[2] = phones[2].replace("116 111", "not a number").replace("129", "not a number").replace("127", "not a number")
    (tmp_path / "p" / "phones.csv").write_text("\n".join(phones) + "\n")
    schedules = (tmp_path / "p" / "schedules.csv").read_text().replace("23:59:59", "25:00:00", 1)
    (tmp_path / "p" / "schedules.csv").write_text(schedules)
    with pytest.raises(services.ImportRefused) as refused:
        services.import_directory(db.session, tmp_path / "p", utcnow())
    db.session.rollback()
    report = [str(problem) for problem in refused.value.problems]
    assert any(line.startswith("phones.csv, row 3, number:") for line in report), report
    assert 'schedules.csv, row 2, closes_at: "25:00:00" is not a time written as HH:MM or HH:MM:SS (00:00 to 23:59:59).' in report
    assert _count() == 0


def test_a_service_of_an_unknown_organization_is_refused(app, seed_path, tmp_path):
    def break_it(contents):
        del contents[0]["organization"]
        contents[0]["organization_id"] = "no-such-organization"

    with pytest.raises(services.ImportRefused) as refused:
        services.import_directory(db.session, _broken_json(seed_path, tmp_path, break_it), utcnow())
    assert "is not an organization in this file or in the directory" in str(refused.value.problems[0])


def test_an_unknown_area_of_help_is_refused(app, seed_path, tmp_path):
    def break_it(contents):
        contents[0]["attributes"][0]["taxonomy_term"]["code"] = "shelter_beds"

    with pytest.raises(services.ImportRefused) as refused:
        services.import_directory(db.session, _broken_json(seed_path, tmp_path, break_it), utcnow())
    assert any('"shelter_beds" is not one of Dera\'s terms' in str(problem) for problem in refused.value.problems)


def test_a_file_that_is_not_json_is_refused(app, tmp_path):
    (tmp_path / "x.json").write_text("<html>")
    with pytest.raises(hsds.FormatError):
        services.import_directory(db.session, tmp_path / "x.json", utcnow())


def test_a_package_without_a_descriptor_is_refused(app, tmp_path):
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "services.csv").write_text("id,name\n")
    with pytest.raises(hsds.FormatError, match="datapackage.json"):
        services.import_directory(db.session, tmp_path / "p", utcnow())


def test_fields_dera_does_not_keep_are_reported(app, seed_path, tmp_path):
    def add_fields(contents):
        contents[0]["wait_time"] = "Një javë"

    summary = _import(_broken_json(seed_path, tmp_path, add_fields))
    assert "service.wait_time" in summary.not_kept["broken.json"]
