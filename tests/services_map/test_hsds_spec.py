"""Every export passes the official HSDS 3.0.1 schemas, normal and strict; the specification's own examples import."""
import json
import shutil
import zipfile

import pytest

from pwa.extensions import db
from pwa.models import DirectoryService, utcnow
from pwa.services_map import hsds, services
from tests import factories
from tests.services_map import hsds_spec
from tests.services_map.conftest import clear_directory


def _import(path):
    summary = services.import_directory(db.session, path, utcnow())
    db.session.commit()
    return summary


def _awkward_directory():
    """Hours past midnight and all day, a partial address, a provider with no description, every kept text field."""
    factories.directory_service("Strehë nate", hours=(("FR,SA", "20:00", "02:00"), ("SU", "00:00", "24:00")),
                                description_en="Night shelter", eligibility_description="Gra mbi 18 vjeç",
                                fees_description="Falas", application_process="Telefono më parë", alert="Mbyllur më 1 janar")
    factories.directory_service("Linja", town=None, phone="116 117", hours=())


@pytest.mark.parametrize("strict", [False, True], ids=["normal", "strict"])
def test_the_json_export_passes_the_official_schemas(app, seed_path, strict):
    _import(seed_path)
    _awkward_directory()
    document = hsds.to_json(services.directory_tables(db.session), strict=strict)
    assert len(document["contents"]) == 15
    assert hsds_spec.page_errors(document, "service", strict=strict) == []


def test_the_normal_export_fails_strict_mode_only_because_of_deras_extensions(app, seed_path):
    """The strict check is real: the normal export carries Dera's extension fields, which strict mode refuses."""
    _import(seed_path)
    found = hsds_spec.page_errors(hsds.to_json(services.directory_tables(db.session)), "service", strict=True)
    assert found and all("description_en" in e or "timezone_name" in e or "partial_addresses" in e for e in found)


def test_an_address_lacking_required_fields_is_never_exported_with_empty_ones(app):
    factories.directory_service("Qendra", town="Shkodër")
    for strict in (False, True):
        document = hsds.to_json(services.directory_tables(db.session), strict=strict)
        place = document["contents"][0]["service_at_locations"][0]["location"]
        assert place["addresses"] == []
        assert ("partial_addresses" in place) is (not strict)


def test_times_are_written_as_the_spec_wants(app):
    factories.directory_service("Strehë", hours=(("FR", "20:00", "02:00"), ("SU", "00:00", "24:00")))
    hours = hsds.to_json(services.directory_tables(db.session), strict=True)["contents"][0]["schedules"]
    assert [(h["opens_at"], h["closes_at"]) for h in hours] == [("20:00:00", "02:00:00"), ("00:00:00", "23:59:59")]


def test_the_csv_package_passes_the_specifications_table_schema(app, seed_path, tmp_path):
    _import(seed_path)
    _awkward_directory()
    services.export_directory(db.session, tmp_path / "package", "csv")
    names = {path.name for path in (tmp_path / "package").iterdir()}
    assert "service_at_location.csv" in names and "service_at_locations.csv" not in names
    assert hsds_spec.package_errors(tmp_path / "package") == []


def test_the_table_schema_check_is_real(app, seed_path, tmp_path):
    """A package written the old way (HH:MM times) fails the check."""
    _import(seed_path)
    services.export_directory(db.session, tmp_path / "package", "csv")
    schedules = tmp_path / "package" / "schedules.csv"
    schedules.write_text(schedules.read_text("utf-8").replace("23:59:59", "24:00"), "utf-8")
    found = hsds_spec.package_errors(tmp_path / "package")
    assert found and all('"24:00"' in error and "closes_at" in error for error in found)


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_export_is_identical_with_every_kept_field(app, tmp_path, fmt):
    _awkward_directory()
    first, second = tmp_path / f"first.{fmt}", tmp_path / f"second.{fmt}"
    first = tmp_path / ("first.json" if fmt == "json" else "first.zip")
    second = tmp_path / ("second.json" if fmt == "json" else "second.zip")
    services.export_directory(db.session, first, fmt)
    clear_directory()
    _import(first)
    services.export_directory(db.session, second, fmt)
    if fmt == "json":
        assert second.read_bytes() == first.read_bytes()
    else:
        with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
            assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}
    shelter = db.session.scalar(db.select(DirectoryService).where(DirectoryService.name == "Strehë nate"))
    assert (shelter.eligibility_description, shelter.fees_description, shelter.application_process, shelter.alert) == (
        "Gra mbi 18 vjeç", "Falas", "Telefono më parë", "Mbyllur më 1 janar")
    assert shelter.description_en == "Night shelter" and shelter.locations[0].city == "Tiranë"
    assert [(s.opens_at, s.closes_at) for s in shelter.schedules] == [("20:00", "02:00"), ("00:00", "24:00")]


@pytest.mark.parametrize("example", ["service_full.json", "service_list.json"])
def test_the_specifications_example_services_import(app, example):
    """The spec's own examples: times like 10:00:00, its numeric timezone, and the fields a person needs."""
    summary = _import(hsds_spec.EXAMPLES / example)
    assert summary.services >= 1
    service = db.session.scalar(db.select(DirectoryService))
    source = json.loads((hsds_spec.EXAMPLES / example).read_text("utf-8"))
    source = source["contents"][0] if "contents" in source else source
    assert service.name == source["name"]
    if example == "service_full.json":
        assert service.eligibility_description == source["eligibility_description"]
        assert service.fees_description == source["fees_description"]
        assert service.application_process == source["application_process"]
        assert service.alert == source["alert"]
        assert [(s.byday, s.opens_at, s.closes_at, s.timezone) for s in service.schedules] == [("TH,FR", "10:00", "18:00", "Etc/GMT-3")]


def test_the_specifications_example_csv_package_imports(app, tmp_path):
    folder = tmp_path / "csv"
    shutil.copytree(hsds_spec.EXAMPLES / "csv", folder)
    # The example descriptor points at the spec's root datapackage.json; give it its own copy, as a published package has.
    descriptor = json.loads((hsds_spec.VENDOR / "datapackage.json").read_text("utf-8"))
    (folder / "datapackage.json").write_text(json.dumps(descriptor), "utf-8")
    summary = _import(folder)
    assert summary.services == 1
    service = db.session.scalar(db.select(DirectoryService))
    assert service.eligibility_description and service.fees_description and service.application_process
    assert service.schedules and service.schedules[0].opens_at == "10:00"


@pytest.mark.parametrize("opens, closes, zone, expected", [
    ("10:00", "18:00", None, ("10:00", "18:00", "Europe/Tirane")),
    ("10:00:00", "18:00:00", None, ("10:00", "18:00", "Europe/Tirane")),
    ("10:00+01:00", "18:00+01:00", None, ("10:00", "18:00", "Etc/GMT-1")),
    ("09:00Z", "17:00Z", None, ("09:00", "17:00", "UTC")),
    ("09:00:00-05:00", "17:00:00-05:00", None, ("09:00", "17:00", "Etc/GMT+5")),
    ("08:00", "23:59:59", None, ("08:00", "24:00", "Europe/Tirane")),
    ("08:00", "16:00", 2, ("08:00", "16:00", "Etc/GMT-2")),
])
def test_every_time_form_of_the_spec_imports(app, tmp_path, opens, closes, zone, expected):
    schedule = {"id": "9b1b5a48-6a2f-4a53-9bb8-52e1d1fd6a51", "freq": "WEEKLY", "byday": "MO", "opens_at": opens, "closes_at": closes}
    if zone is not None:
        schedule["timezone"] = zone
    path = tmp_path / "one.json"
    path.write_text(json.dumps([_minimal_service(schedules=[schedule])]), "utf-8")
    _import(path)
    hours = db.session.scalar(db.select(DirectoryService)).schedules[0]
    assert (hours.opens_at, hours.closes_at, hours.timezone) == expected


def test_hours_given_at_a_location_are_the_hours_of_its_services(app, tmp_path):
    place = {
        "id": "3a19ff88-4620-4d17-9830-ac1d859eb5d5", "location_type": "physical",
        "schedules": [{"id": "48102e86-bb50-41c4-8f1e-e269368c41d1", "freq": "WEEKLY", "byday": "TU", "opens_at": "09:00:00", "closes_at": "12:00:00"}],
    }
    link = {"id": "e94c9f38-1e8f-4564-91d4-d53501ab1765", "location": place}
    path = tmp_path / "one.json"
    path.write_text(json.dumps([_minimal_service(service_at_locations=[link])]), "utf-8")
    _import(path)
    hours = db.session.scalar(db.select(DirectoryService)).schedules
    assert [(h.byday, h.opens_at, h.closes_at) for h in hours] == [("TU", "09:00", "12:00")]


def test_an_offset_of_half_an_hour_asks_for_a_timezone_name(app, tmp_path):
    schedule = {"id": "9b1b5a48-6a2f-4a53-9bb8-52e1d1fd6a51", "byday": "MO", "opens_at": "10:00+05:30", "closes_at": "18:00+05:30"}
    path = tmp_path / "one.json"
    path.write_text(json.dumps([_minimal_service(schedules=[schedule])]), "utf-8")
    with pytest.raises(services.ImportRefused) as refused:
        services.import_directory(db.session, path, utcnow())
    assert any("timezone_name" in str(problem) for problem in refused.value.problems)


def _minimal_service(**nested):
    return {
        "id": "ac148810-d857-441c-9679-408f346de14b", "name": "Këshillim", "status": "active",
        "organization": {"id": "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610", "name": "Qendra", "description": "Qendra"},
        **nested,
    }
