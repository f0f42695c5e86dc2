"""Open Referral HSDS 3: read and write a directory as JSON or as a CSV package.

Both formats are read into the same tables (HSDS table name -> rows), checked
row by row, and only then stored, so a broken file changes nothing. The JSON
form is an HSDS 3 page of ``service`` objects, each with its organization,
phones, schedules, languages, attributes and service_at_locations (with their
location, address and accessibility) nested in it. The CSV package is one CSV
file per table and a ``datapackage.json``, in a folder or a zip file.

Dera keeps the fields in ``FIELDS``. Its additions to the standard (a profile, in HSDS
words) are in ``EXTENSIONS``: ``description_en`` on service, phone and accessibility (the
English text beside the Albanian), and ``timezone_name`` on schedule (an IANA timezone such
as ``Europe/Tirane``, because HSDS's numeric UTC offset cannot follow summer time). An
address without every field HSDS requires (often only the town is known) is written as a
location's ``partial_addresses``, never as an address with empty required fields. The JSON
form carries the additions beside the spec's fields (``strict`` leaves them out); the CSV
package is the spec's own files and columns, with the additions in ``dera_extensions.csv``.
Times are written ``HH:MM:SS`` (a closing 24:00 as 23:59:59) and read in every form HSDS
allows. Areas of help, cost and kind of service are HSDS attributes with terms from Dera's
taxonomies (``vocabulary.TAXONOMIES``).
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import available_timezones

from . import vocabulary

FIELDS: dict[str, list[str]] = {
    "organization": ["id", "name", "description", "email", "website"],
    "service": [
        "id", "organization_id", "name", "alternate_name", "description", "description_en",
        "url", "email", "status", "application_process", "fees_description", "eligibility_description",
        "assured_date", "alert",
    ],
    "location": ["id", "location_type", "organization_id", "name", "latitude", "longitude"],
    "address": ["id", "location_id", "address_1", "city", "state_province", "postal_code", "country", "address_type"],
    "accessibility": ["id", "location_id", "description", "description_en"],
    "service_at_location": ["id", "service_id", "location_id"],
    "phone": ["id", "service_id", "number", "type", "description", "description_en"],
    "schedule": [
        "id", "service_id", "location_id", "service_at_location_id", "timezone", "freq", "byday",
        "opens_at", "closes_at", "timezone_name",
    ],
    "language": ["id", "service_id", "name", "code"],
    "taxonomy": ["id", "name", "description"],
    "taxonomy_term": ["id", "code", "name", "description", "taxonomy", "taxonomy_id"],
    "attribute": ["id", "link_id", "link_type", "link_entity", "taxonomy_term_id"],
}
# Dera's additions: written in the JSON form beside the spec's fields (not in strict mode),
# and in the CSV package in a resource of their own, so that the spec's files stay exactly the spec's.
EXTENSIONS = {
    "service": ("description_en",),
    "phone": ("description_en",),
    "accessibility": ("description_en",),
    "schedule": ("timezone_name",),
}
EXTENSION_RESOURCE, EXTENSION_PATH = "dera_extension", "dera_extensions.csv"
# A location's addresses that lack a field HSDS requires (Dera often knows only the town).
PARTIAL_ADDRESSES = "partial_addresses"
# The specification's own data package (HSDS 3.0.1, CC BY-SA 4.0): its table schemas describe the CSV files.
SPEC_VERSION = "3.0.1"
SPEC = json.loads((Path(__file__).parent.parent / "data" / "hsds-3.0.1-datapackage.json").read_text("utf-8"))
SPEC_RESOURCES = {resource["name"]: resource for resource in SPEC["resources"]}
PATHS = {table: SPEC_RESOURCES[table]["path"] for table in FIELDS}
ADDRESS_REQUIRED = [
    f["name"] for f in SPEC_RESOURCES["address"]["schema"]["fields"] if (f.get("constraints") or {}).get("required")
]
END_OF_DAY = "23:59:59"
NUMBER_FIELDS = {"latitude", "longitude", "timezone"}
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PHONE_TYPES = {"text", "voice", "fax", "cell", "video", "pager", "textphone"}
LOCATION_TYPES = {"physical", "postal", "virtual"}
PHONE_PATTERN = re.compile(r"^\+?[0-9][0-9 ()./-]{1,24}$")
# HSDS times: HH:MM or HH:MM:SS, with an optional Z or UTC offset (10:00, 10:00:00, 10:00+01:00, 09:00Z).
TIME_PATTERN = re.compile(r"^(?P<hm>([01][0-9]|2[0-3]):[0-5][0-9])(:(?P<s>[0-5][0-9]))?(?P<zone>Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?$")
# Keys of nested objects in the JSON form, read separately from the fields.
NESTED = {
    "service": {"organization", "phones", "schedules", "languages", "service_at_locations", "attributes"},
    "service_at_location": {"location"},
    "location": {"addresses", "accessibility", "schedules", PARTIAL_ADDRESSES},
    "attribute": {"taxonomy_term"},
}
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


@dataclass(frozen=True)
class Message:
    """Plain words with their values: English as text, translated where a page shows it (``problem_text``)."""

    text: str
    params: tuple = ()

    def __str__(self) -> str:
        return self.text % {name: str(value) for name, value in self.params} if self.params else self.text

    def translated(self, gettext) -> str:
        values = {name: value.translated(gettext) if isinstance(value, Message) else value for name, value in self.params}
        return gettext(self.text, **values)


def N_(text: str, **params) -> Message:
    """Mark words for translation (the catalogs pick them up) and keep their values beside them."""
    return Message(text, tuple(sorted(params.items())))


class FormatError(Exception):
    """The file is not an HSDS directory at all (not JSON, no datapackage.json, ...)."""

    def __init__(self, message: Message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Row:
    """One record read from a file, and where it was found (for the error report)."""

    file: str
    row: Message | str
    prefix: str
    values: dict
    service: str | None = None

    def get(self, name: str):
        return self.values.get(name)


@dataclass
class Problem:
    """One thing wrong with one row, in plain words."""

    file: str
    row: Message | str
    field: str
    message: Message
    service: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}, {self.row}" if self.row else self.file
        return f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class Package:
    """What a file holds: HSDS tables of rows, and the fields Dera does not keep."""

    tables: dict[str, list[Row]] = field(default_factory=lambda: {name: [] for name in FIELDS})
    not_kept: dict[str, set[str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def note_not_kept(self, file: str, names) -> None:
        names = set(names)
        if names:
            self.not_kept.setdefault(file, set()).update(names)


def _clean(name: str, value):
    """Strip text, turn empty cells into None, and read numbers."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and name not in NUMBER_FIELDS:
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        if value == "":
            return None
    if name in NUMBER_FIELDS and isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return value
    if name in NUMBER_FIELDS and isinstance(value, int):
        return float(value)
    return value


# Reading ---------------------------------------------------------------------------

def read_bytes(data: bytes, name: str) -> Package:
    """Read an uploaded file: a zip file is a CSV package, anything else the JSON form."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                files = {Path(info.filename).name: archive.read(info) for info in archive.infolist() if not info.is_dir()}
        except zipfile.BadZipFile as error:
            raise FormatError(N_("%(file)s is not a zip file that can be opened (%(error)s).", file=name, error=error)) from error
        return _read_package(files)
    return read_json_bytes(data, name)


def read(path: str | Path) -> Package:
    """Read a JSON file, a zip file or a folder (or its ``datapackage.json``) into HSDS tables."""
    path = Path(path)
    if not path.exists():
        raise FormatError(N_("%(file)s does not exist.", file=path))
    if path.is_dir():
        return _read_package({p.name: p.read_bytes() for p in path.iterdir() if p.is_file()})
    if path.name == "datapackage.json":
        return _read_package({p.name: p.read_bytes() for p in path.parent.iterdir() if p.is_file()})
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            files = {Path(info.filename).name: archive.read(info) for info in archive.infolist() if not info.is_dir()}
        return _read_package(files)
    return read_json_bytes(path.read_bytes(), path.name)


def read_json_bytes(data: bytes, file: str) -> Package:
    """Read the JSON form: a page of services (``contents``), a plain list of services, or one service."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FormatError(N_("%(file)s is not a JSON file (%(error)s).", file=file, error=error)) from error
    if isinstance(document, dict) and isinstance(document.get("contents"), list):
        services = document["contents"]
    elif isinstance(document, list):
        services = document
    elif isinstance(document, dict) and "id" in document and "name" in document:
        services = [document]  # one service, as the API's /services/{id} answers
    else:
        raise FormatError(N_("%(file)s has no list of services: expected an HSDS page with \"contents\", a list, or one service.", file=file))
    package = Package()
    for index, service in enumerate(services):
        # TRANSLATORS: import problems: a service without a name, by its place in the file
        label = N_("service %(number)s", number=index + 1)
        if not isinstance(service, dict):
            package.problems.append(Problem(file, label, "", N_("is not a service object.")))
            continue
        before = {table: len(rows) for table, rows in package.tables.items()}
        _read_service(package, file, label, service)
        for table, rows in package.tables.items():
            for row in rows[before[table]:]:
                row.service = service.get("name") if isinstance(service.get("name"), str) else None
    return package


def _row(package: Package, table: str, file: str, label: str, prefix: str, obj: dict, defaults: dict | None = None) -> Row:
    known = set(FIELDS[table]) | NESTED.get(table, set())
    package.note_not_kept(file, {f"{table}.{key}" for key in obj if key not in known})
    values = {name: _clean(name, obj.get(name)) for name in FIELDS[table]}
    for name, value in (defaults or {}).items():
        if values.get(name) is None:
            values[name] = value
    row = Row(file, label, prefix, values)
    package.tables[table].append(row)
    return row


def _objects(package: Package, file: str, label: str, prefix: str, value) -> list[tuple[str, dict]]:
    """The objects of a nested list, each with its place in the file."""
    if value is None:
        return []
    if not isinstance(value, list):
        package.problems.append(Problem(file, label, prefix.rstrip("."), N_("should be a list.")))
        return []
    found = []
    for index, item in enumerate(value):
        where = f"{prefix}[{index}]."
        if isinstance(item, dict):
            found.append((where, item))
        else:
            package.problems.append(Problem(file, label, where.rstrip("."), N_("should be an object.")))
    return found


def _read_service(package: Package, file: str, label: str, obj: dict) -> None:
    service = _row(package, "service", file, label, "", obj)
    service_id = service.get("id")
    organization = obj.get("organization")
    if isinstance(organization, dict):
        org = _row(package, "organization", file, label, "organization.", organization)
        if service.get("organization_id") is None:
            service.values["organization_id"] = org.get("id")
    own = {"service_id": service_id}
    for where, item in _objects(package, file, label, "phones", obj.get("phones")):
        _row(package, "phone", file, label, where, item, own)
    for where, item in _objects(package, file, label, "schedules", obj.get("schedules")):
        _row(package, "schedule", file, label, where, item, own)
    for where, item in _objects(package, file, label, "languages", obj.get("languages")):
        _row(package, "language", file, label, where, item, own)
    for where, item in _objects(package, file, label, "service_at_locations", obj.get("service_at_locations")):
        link = _row(package, "service_at_location", file, label, where, item, own)
        location = item.get("location")
        if isinstance(location, dict):
            place = _row(package, "location", file, label, where + "location.", location)
            if link.get("location_id") is None:
                link.values["location_id"] = place.get("id")
            at = {"location_id": place.get("id")}
            for inner, address in _objects(package, file, label, where + "location.addresses", location.get("addresses")):
                _row(package, "address", file, label, inner, address, at)
            for inner, note in _objects(package, file, label, where + "location.accessibility", location.get("accessibility")):
                _row(package, "accessibility", file, label, inner, note, at)
            for inner, address in _objects(package, file, label, where + "location." + PARTIAL_ADDRESSES, location.get(PARTIAL_ADDRESSES)):
                _row(package, "address", file, label, inner, address, at)
            for inner, hours in _objects(package, file, label, where + "location.schedules", location.get("schedules")):
                _row(package, "schedule", file, label, inner, hours, at)
    for where, item in _objects(package, file, label, "attributes", obj.get("attributes")):
        attribute = _row(package, "attribute", file, label, where, item, {"link_id": service_id, "link_entity": "service"})
        term = item.get("taxonomy_term")
        if isinstance(term, dict):
            term_row = _row(package, "taxonomy_term", file, label, where + "taxonomy_term.", term)
            if attribute.get("taxonomy_term_id") is None:
                attribute.values["taxonomy_term_id"] = term_row.get("id")


def _read_package(files: dict[str, bytes]) -> Package:
    """Read the CSV package: ``datapackage.json`` names the CSV file of each table."""
    if "datapackage.json" not in files:
        raise FormatError(N_("The package has no datapackage.json."))
    try:
        descriptor = json.loads(files["datapackage.json"].decode("utf-8-sig"))
        resources = descriptor["resources"]
        paths = {resource["name"]: Path(resource["path"]).name for resource in resources}
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise FormatError(N_("datapackage.json cannot be read: it needs a list of resources with a name and a path (%(error)s).", error=error)) from error
    package = Package()
    for name, file in paths.items():
        if name == EXTENSION_RESOURCE:
            continue
        if name not in FIELDS:
            if len((files.get(file) or b"").strip().splitlines()) > 1:
                package.note_not_kept(file, {"(the whole table)"})
            continue
        if file not in files:
            package.problems.append(Problem(file, "", "", N_("is named in datapackage.json but is not in the package.")))
            continue
        try:
            text = files[file].decode("utf-8-sig")
        except UnicodeDecodeError:
            package.problems.append(Problem(file, "", "", N_("is not UTF-8 text.")))
            continue
        reader = csv.DictReader(io.StringIO(text, newline=""))
        columns = reader.fieldnames or []
        for number, record in enumerate(reader, start=2):
            if None in record:
                package.problems.append(Problem(file, N_("row %(number)s", number=number), "", N_("has more cells than the header has columns.")))
                continue
            # Columns Dera does not keep are worth a notice only when they hold something.
            package.note_not_kept(file, {column for column in columns if column not in FIELDS[name] and (record.get(column) or "").strip()})
            values = {column: _clean(column, record.get(column)) for column in FIELDS[name]}
            # TRANSLATORS: import problems: where in the file: a row of a table, by number
            package.tables[name].append(Row(file, N_("row %(number)s", number=number), "", values))
    if EXTENSION_RESOURCE in paths:
        _read_extensions(package, paths[EXTENSION_RESOURCE], files)
    for required in ("organization", "service"):
        if required not in paths:
            package.problems.append(Problem("datapackage.json", "", "", N_("has no \"%(table)s\" resource (%(file)s).", table=required, file=PATHS[required])))
    return package


def _read_extensions(package: Package, file: str, files: dict[str, bytes]) -> None:
    """Put Dera's extension fields back on their records; addresses found only here become address records."""
    if file not in files:
        package.problems.append(Problem(file, "", "", N_("is named in datapackage.json but is not in the package.")))
        return
    by_id = {(table, row.get("id")): row for table, rows in package.tables.items() for row in rows}
    allowed = {table: set(names) for table, names in EXTENSIONS.items()} | {"address": set(FIELDS["address"]) - {"id"}}
    reader = csv.DictReader(io.StringIO(files[file].decode("utf-8-sig"), newline=""))
    for number, record in enumerate(reader, start=2):
        table, identifier, name = record.get("table"), record.get("id"), record.get("field")
        if table not in allowed or name not in allowed[table]:
            package.note_not_kept(file, {f"{table}.{name}"})
            continue
        row = by_id.get((table, identifier))
        if row is None:
            if table != "address":
                package.problems.append(Problem(file, N_("row %(number)s", number=number), "id", N_("\"%(value)s\" is not a %(table)s in this package.", value=identifier, table=table)))
                continue
            row = Row(file, N_("row %(number)s", number=number), "", {column: None for column in FIELDS["address"]} | {"id": identifier})
            package.tables["address"].append(row)
            by_id[(table, identifier)] = row
        row.values[name] = _clean(name, record.get("value"))


# Checking --------------------------------------------------------------------------

@dataclass
class Checked:
    """A package that passed every check, with Dera's categories worked out per service."""

    tables: dict[str, list[dict]]
    categories: dict[str, dict[str, list[str]]]
    not_kept: dict[str, set[str]]
    rows: dict[str, dict[str, Row]] = field(default_factory=dict)


def check(package: Package, known_organizations: set[str], known_locations: set[str]) -> tuple[Checked | None, list[Problem]]:
    """Check every row; return the clean tables, or the list of problems (nothing is stored either way)."""
    problems = list(package.problems)
    tables = package.tables

    # Each problem names the service it concerns, so that a supervisor knows which one to fix.
    for table, rows in tables.items():
        for row in rows:
            if row.service is None:
                row.service = row.get("name") if table == "service" else row.get("service_id") or (row.get("link_id") if table == "attribute" else None)

    def problem(row: Row, name: str, message: Message) -> None:
        problems.append(Problem(row.file, row.row, f"{row.prefix}{name}" if name else row.prefix.rstrip("."), message, row.service))

    def text(row: Row, name: str, limit: int, required: bool = False) -> None:
        value = row.get(name)
        if value is None:
            if required:
                # TRANSLATORS: import problems, after the name of a field: the file leaves it empty
                problem(row, name, N_("is missing."))
            return
        if not isinstance(value, str):
            problem(row, name, N_("should be text."))
        elif len(value) > limit:
            problem(row, name, N_("is too long (at most %(limit)s characters).", limit=limit))

    # The JSON form repeats an organization or location in every service that shares it:
    # a repeat with the same details is the same record, a repeat with other details is an error.
    shared = {"organization", "location", "address", "accessibility", "taxonomy", "taxonomy_term"}
    for rows in tables.values():
        for row in rows:
            for name, value in row.values.items():
                if isinstance(value, (dict, list, bool)) or (isinstance(value, float) and name not in NUMBER_FIELDS):
                    problem(row, name, N_("should be text."))
                    row.values[name] = None

    ids: dict[str, dict[str, Row]] = {}
    for table in list(tables):
        seen: dict[str, Row] = {}
        kept = []
        for row in tables[table]:
            identifier = row.get("id")
            if table in ("taxonomy", "taxonomy_term", "attribute") and identifier is None:
                kept.append(row)
                continue
            text(row, "id", 64, required=True)
            if identifier is None:
                continue
            if identifier in seen:
                if table in shared and seen[identifier].values == row.values:
                    continue
                if table == "schedule" and _same_hours(seen[identifier], row):
                    continue
                if table in shared:
                    problem(row, "id", N_("\"%(value)s\" appears again with other details (first in %(first)s).", value=identifier, first=seen[identifier].row))
                else:
                    problem(row, "id", N_("\"%(value)s\" is used twice in this table (also %(first)s).", value=identifier, first=seen[identifier].row))
                continue
            seen[identifier] = row
            kept.append(row)
        tables[table] = kept
        ids[table] = seen

    services = ids["service"]
    organizations = set(ids["organization"]) | known_organizations
    locations = set(ids["location"]) | known_locations

    for row in tables["organization"]:
        text(row, "name", 200, required=True)
        text(row, "website", 500)
        text(row, "email", 200)

    for row in tables["service"]:
        text(row, "name", 200, required=True)
        text(row, "alternate_name", 200)
        text(row, "url", 500)
        text(row, "email", 200)
        organization = row.get("organization_id")
        if organization is None:
            problem(row, "organization_id", N_("is missing: every service needs the organization that gives it."))
        elif organization not in organizations:
            problem(row, "organization_id", N_("\"%(value)s\" is not an organization in this file or in the directory.", value=organization))
        status = row.get("status")
        if status is None:
            problem(row, "status", N_("is missing (one of: %(choices)s).", choices=", ".join(vocabulary.STATUSES)))
        elif status not in vocabulary.STATUSES:
            problem(row, "status", N_("\"%(value)s\" is not one of: %(choices)s.", value=status, choices=", ".join(vocabulary.STATUSES)))
        assured = row.get("assured_date")
        if assured is not None:
            try:
                date.fromisoformat(str(assured))
            except ValueError:
                problem(row, "assured_date", N_("\"%(value)s\" is not a date written as YYYY-MM-DD.", value=assured))

    for row in tables["location"]:
        if row.get("location_type") is None:
            row.values["location_type"] = "physical"
        elif row.get("location_type") not in LOCATION_TYPES:
            problem(row, "location_type", N_("should be physical, postal or virtual."))
        text(row, "name", 200)
        for name, limit in (("latitude", 90), ("longitude", 180)):
            value = row.get(name)
            if value is None:
                continue
            if not isinstance(value, float):
                problem(row, name, N_("\"%(value)s\" is not a number.", value=value))
            elif not -limit <= value <= limit:
                # A point off the globe cannot be shown; the place is kept without one rather than refusing the file.
                package.note_not_kept(row.file, {f"location.{name} out of range ({value}): the place is kept without a point"})
                row.values["latitude"] = row.values["longitude"] = None
        if (row.get("latitude") is None) != (row.get("longitude") is None):
            problem(row, "latitude" if row.get("latitude") is None else "longitude", N_("is missing: give both latitude and longitude, or neither."))
        organization = row.get("organization_id")
        if organization is not None and organization not in organizations:
            # Optional in HSDS and unused by Dera: a dangling link is dropped, not a reason to refuse the file.
            package.note_not_kept(row.file, {f"location.organization_id \"{organization}\" (not an organization in the file)"})
            row.values["organization_id"] = None

    for table in ("address", "accessibility"):
        per_location: dict[str, Row] = {}
        for row in tables[table]:
            location = row.get("location_id")
            if location is None or location not in ids["location"]:
                problem(row, "location_id", N_("\"%(value)s\" is not a location in this file.", value=location) if location else N_("is missing."))
                continue
            if location in per_location:
                problem(row, "location_id", N_("Dera keeps one %(table)s per location; \"%(value)s\" has more than one.", table=table, value=location))
            per_location[location] = row
    for row in tables["address"]:
        text(row, "address_1", 200)
        text(row, "city", 100)
        text(row, "state_province", 100)
        text(row, "postal_code", 20)
        country = row.get("country")
        if country is not None and not re.fullmatch(r"[A-Za-z]{2}", str(country)):
            problem(row, "country", N_("should be a two-letter country code, such as AL."))
        if row.get("address_type") not in (None, *LOCATION_TYPES):
            problem(row, "address_type", N_("should be physical, postal or virtual."))

    def belongs_to_service(row: Row) -> bool:
        service = row.get("service_id")
        if service is None:
            problem(row, "service_id", N_("is missing."))
            return False
        if service not in services:
            problem(row, "service_id", N_("\"%(value)s\" is not a service in this file.", value=service))
            return False
        return True

    pairs = set()
    for row in tables["service_at_location"]:
        if not belongs_to_service(row):
            continue
        location = row.get("location_id")
        if location is None or location not in locations:
            problem(row, "location_id", N_("\"%(value)s\" is not a location in this file or in the directory.", value=location) if location else N_("is missing."))
        elif (row.get("service_id"), location) in pairs:
            problem(row, "location_id", N_("this service is already linked to this location."))
        pairs.add((row.get("service_id"), location))

    for row in tables["phone"]:
        if not belongs_to_service(row):
            continue
        number = row.get("number")
        if isinstance(number, str) and len(number) > 2 and number[0] == number[-1] and number[0] in "\"'":
            number = row.values["number"] = number[1:-1].strip()  # a number written in quotes, as in the spec's examples
        if number is None:
            problem(row, "number", N_("is missing."))
        elif not PHONE_PATTERN.match(str(number)) or sum(ch.isdigit() for ch in str(number)) < 3:
            problem(row, "number", N_("\"%(value)s\" is not a phone number (digits, spaces and a leading + only).", value=number))
        if row.get("type") is not None and row.get("type") not in PHONE_TYPES:
            problem(row, "type", N_("should be one of: %(choices)s.", choices=", ".join(sorted(PHONE_TYPES))))

    zones = available_timezones()
    tables["schedule"] = _schedules_of_services(package, tables, services)
    for row in tables["schedule"]:
        if not belongs_to_service(row):
            continue
        if row.get("freq") not in (None, "WEEKLY"):
            problem(row, "freq", N_("Dera reads weekly opening hours only (freq WEEKLY)."))
        byday = row.get("byday")
        days = [day.strip().upper() for day in str(byday or "").split(",") if day.strip()]
        if not days:
            problem(row, "byday", N_("is missing: the days it is open, such as MO,TU,WE."))
        elif any(day not in DAYS for day in days):
            problem(row, "byday", N_("\"%(value)s\" should list days as MO, TU, WE, TH, FR, SA, SU.", value=byday))
        else:
            row.values["byday"] = ",".join(days)
        offsets = []
        for name in ("opens_at", "closes_at"):
            value = row.get(name)
            if value is None:
                problem(row, name, N_("is missing (a local time such as 08:30)."))
                continue
            found = TIME_PATTERN.match(str(value))
            if name == "closes_at" and str(value) in ("24:00", "24:00:00"):
                row.values[name] = "24:00"
            elif found is None:
                problem(row, name, N_("\"%(value)s\" is not a time written as HH:MM or HH:MM:SS (00:00 to 23:59:59).", value=value))
            else:
                end_of_day = name == "closes_at" and found["hm"] == "23:59" and found["s"] == "59"
                row.values[name] = "24:00" if end_of_day else found["hm"]
                if found["zone"]:
                    offsets.append(found["zone"])
        if row.get("opens_at") is not None and row.get("opens_at") == row.get("closes_at"):
            problem(row, "closes_at", N_("is the same as opens_at; for a whole day write 00:00 to 24:00."))
        zone = row.get("timezone_name")
        if zone is None:
            try:
                row.values["timezone_name"] = _zone_of(offsets, row.get("timezone"))
            except ValueError as error:
                problem(row, "timezone", error.args[0])
        elif zone not in zones:
            problem(row, "timezone_name", N_("\"%(value)s\" is not a timezone name such as Europe/Tirane.", value=zone))

    for row in tables["language"]:
        if not belongs_to_service(row):
            continue
        if row.get("code") is None and row.get("name") is None:
            problem(row, "code", N_("is missing: give the language code (such as sq) or its name."))
        text(row, "code", 10)
        text(row, "name", 60)

    categories = _check_attributes(tables, ids, services, problem)
    if problems:
        names = {identifier: row.get("name") for identifier, row in services.items() if isinstance(row.get("name"), str)}
        for found in problems:
            found.service = names.get(found.service, found.service)
        return None, problems
    clean = {table: [row.values for row in rows] for table, rows in tables.items()}
    return Checked(clean, categories, package.not_kept, ids), []


def _same_hours(first: Row, again: Row) -> bool:
    """The same hours given twice, once for a service and once for its place (the spec's examples do this)."""
    links = ("service_id", "location_id", "service_at_location_id")
    if {k: v for k, v in first.values.items() if k not in links} != {k: v for k, v in again.values.items() if k not in links}:
        return False
    for name in links:
        first.values[name] = first.values.get(name) or again.values.get(name)
    return True


def _schedules_of_services(package: Package, tables: dict[str, list[Row]], services: dict[str, Row]) -> list[Row]:
    """Every schedule as a service's own: a place's hours count for each service there that has no hours of its own."""
    link_service = {row.get("id"): row.get("service_id") for row in tables["service_at_location"]}
    at_location: dict[str, list[str]] = {}
    for row in tables["service_at_location"]:
        at_location.setdefault(row.get("location_id"), []).append(row.get("service_id"))
    with_own_hours = {row.get("service_id") for row in tables["schedule"] if row.get("service_id") is not None}
    found = []
    for row in tables["schedule"]:
        if row.get("service_id") is not None or (row.get("location_id") is None and row.get("service_at_location_id") is None):
            found.append(row)
            continue
        if row.get("service_at_location_id") in link_service:
            targets = [link_service[row.get("service_at_location_id")]]
        else:
            targets = at_location.get(row.get("location_id"), [])
        targets = [service for service in dict.fromkeys(targets) if service in services and service not in with_own_hours]
        if not targets:
            package.note_not_kept(row.file, {"schedule (hours of a place with no service in the file)"})
        for number, service in enumerate(targets):
            identifier = row.get("id") if number == 0 else vocabulary.derived_id("schedule", str(row.get("id")), service)
            found.append(Row(row.file, row.row, row.prefix, {**row.values, "id": identifier, "service_id": service}))
    return found


def _zone_of(offsets: list[str], hours) -> str:
    """The timezone of hours given with a UTC offset (``+01:00``, ``Z``) or HSDS's numeric ``timezone``; else Dera's own."""
    if offsets:
        text = offsets[0]
        minutes = 0 if text == "Z" else (1 if text[0] == "+" else -1) * (int(text[1:3]) * 60 + int(text[-2:]))
    elif hours is not None:
        if not isinstance(hours, float):
            raise ValueError(N_("\"%(value)s\" should be a number of hours from UTC, such as 1.", value=hours))
        minutes = round(hours * 60)
    else:
        return vocabulary.DEFAULT_TIMEZONE
    if minutes % 60:
        raise ValueError(N_("is an offset that is not whole hours; give timezone_name too (such as Asia/Kolkata)."))
    # POSIX names are inverted: Etc/GMT-1 is one hour ahead of UTC.
    return "UTC" if minutes == 0 else f"Etc/GMT{-minutes // 60:+d}"


def _check_attributes(tables, ids, services, problem) -> dict[str, dict[str, list[str]]]:
    """Work out each service's areas, cost and kind from its attributes and Dera's taxonomy terms."""
    dera_terms = {
        vocabulary.term_id(kind, code): (kind, code)
        for kind, (_name, _description, labels, _english) in vocabulary.TAXONOMIES.items()
        for code in labels
    }
    dera_taxonomies = {vocabulary.taxonomy_id(kind): kind for kind in vocabulary.TAXONOMIES}
    dera_taxonomy_names = {name: kind for kind, (name, *_rest) in vocabulary.TAXONOMIES.items()}
    categories: dict[str, dict[str, list[str]]] = {}
    for row in tables["attribute"]:
        if row.get("link_entity") not in (None, "service"):
            continue
        service = row.get("link_id")
        if service not in services:
            problem(row, "link_id", N_("\"%(value)s\" is not a service in this file.", value=service) if service else N_("is missing."))
            continue
        term_key = row.get("taxonomy_term_id")
        term = ids["taxonomy_term"].get(term_key)
        if term is not None:
            named = term.get("taxonomy") if isinstance(term.get("taxonomy"), str) else None
            kind = dera_taxonomies.get(term.get("taxonomy_id")) or dera_taxonomy_names.get(named)
            if kind is None:
                continue  # a term from another taxonomy: not one of Dera's, so not kept
            code = term.get("code")
            if code not in vocabulary.TAXONOMIES[kind][2]:
                problem(term, "code", N_("\"%(value)s\" is not one of Dera's terms for %(taxonomy)s: %(choices)s.", value=code,
                                         taxonomy=vocabulary.TAXONOMIES[kind][0], choices=", ".join(vocabulary.TAXONOMIES[kind][2])))
                continue
        elif term_key in dera_terms:
            kind, code = dera_terms[term_key]
        else:
            if term_key is None:
                problem(row, "taxonomy_term_id", N_("is missing."))
            else:
                problem(row, "taxonomy_term_id", N_("\"%(value)s\" is not a taxonomy term in this file.", value=term_key))
            continue
        found = categories.setdefault(service, {"area": [], "cost": [], "scope": []})
        if code in found[kind]:
            continue
        if kind != "area" and found[kind]:
            problem(row, "taxonomy_term_id", N_("a service has one %(taxonomy)s term; this one has two.", taxonomy=vocabulary.TAXONOMIES[kind][0]))
            continue
        found[kind].append(code)
    return categories


# Writing ---------------------------------------------------------------------------

def _spec_field_names(table: str) -> list[str]:
    return [f["name"] for f in SPEC_RESOURCES[table]["schema"]["fields"]]


def _time_out(value: str | None, closing: bool) -> str | None:
    """``08:30`` -> ``08:30:00``; a closing ``24:00`` (end of the day) -> ``23:59:59``, which HSDS can write."""
    if value is None:
        return None
    if closing and value == "24:00":
        return END_OF_DAY
    return f"{value}:00"


def _complete(address: dict) -> bool:
    return all(address.get(name) not in (None, "") for name in ADDRESS_REQUIRED)


def _standard(table: str, row: dict) -> dict:
    """A record's fields as HSDS writes them: only the spec's own fields, times as HH:MM:SS."""
    values = {name: row.get(name) for name in FIELDS[table] if name not in EXTENSIONS.get(table, ())}
    if table == "schedule":
        values["opens_at"] = _time_out(values.get("opens_at"), False)
        values["closes_at"] = _time_out(values.get("closes_at"), True)
    if table == "organization" and not values.get("description"):
        values["description"] = values.get("name")
    return {name: value for name, value in values.items() if value is not None}


def _extended(table: str, row: dict, strict: bool) -> dict:
    values = _standard(table, row)
    if not strict:
        values.update({name: row[name] for name in EXTENSIONS.get(table, ()) if row.get(name) is not None})
    return values


def to_json(tables: dict[str, list[dict]], strict: bool = False) -> dict:
    """The JSON form: one HSDS page holding every service, with its records nested in it.

    ``strict`` leaves out Dera's extension fields and addresses that lack what HSDS requires,
    so that the page passes the specification's schemas with no extra properties.
    """
    contents = service_objects(tables, strict)
    return page(contents, len(contents), 1, max(len(contents), 1))


def page(contents: list, total: int, number: int, per_page: int) -> dict:
    """An HSDS page (the OpenAPI ``Page``) of ``contents``, page ``number`` of ``total`` items."""
    pages = max(1, -(-total // per_page))
    return {
        "total_items": total, "total_pages": pages, "page_number": number, "size": len(contents),
        "first_page": number == 1, "last_page": number >= pages, "empty": total == 0, "contents": contents,
    }


def service_fields(service: dict, strict: bool = False) -> dict:
    """A service's own (one-to-one) fields, as the API's list of services gives them."""
    return _extended("service", service, strict)


def service_objects(tables: dict[str, list[dict]], strict: bool = False) -> list[dict]:
    """Every service of the tables as a fully nested HSDS service object."""
    by_id = {table: {row["id"]: row for row in rows} for table, rows in tables.items()}

    def children(table: str, key: str, owner: str) -> list[dict]:
        return [row for row in tables[table] if row.get(key) == owner]

    contents = []
    for service in tables["service"]:
        obj = _extended("service", service, strict)
        organization = by_id["organization"].get(service["organization_id"])
        if organization:
            obj["organization"] = _extended("organization", organization, strict)
        obj["phones"] = [_extended("phone", row, strict) for row in children("phone", "service_id", service["id"])]
        obj["schedules"] = [_extended("schedule", row, strict) for row in children("schedule", "service_id", service["id"])]
        obj["languages"] = [_extended("language", row, strict) for row in children("language", "service_id", service["id"])]
        links = []
        for link in children("service_at_location", "service_id", service["id"]):
            location = by_id["location"][link["location_id"]]
            place = _extended("location", location, strict)
            addresses = children("address", "location_id", location["id"])
            place["addresses"] = [_extended("address", row, strict) for row in addresses if _complete(row)]
            partial = [_standard("address", row) for row in addresses if not _complete(row)]
            if partial and not strict:
                place[PARTIAL_ADDRESSES] = partial
            place["accessibility"] = [
                _extended("accessibility", row, strict) for row in children("accessibility", "location_id", location["id"])
            ]
            links.append({**_extended("service_at_location", link, strict), "location": place})
        obj["service_at_locations"] = links
        attributes = []
        for attribute in children("attribute", "link_id", service["id"]):
            term = by_id["taxonomy_term"][attribute["taxonomy_term_id"]]
            attributes.append({**_extended("attribute", attribute, strict), "taxonomy_term": _extended("taxonomy_term", term, strict)})
        obj["attributes"] = attributes
        contents.append(obj)
    return contents


def json_bytes(tables: dict[str, list[dict]], strict: bool = False) -> bytes:
    return (json.dumps(to_json(tables, strict), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv_text(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: "" if row.get(name) is None else row[name] for name in columns})
    return buffer.getvalue()


def _extension_rows(tables: dict[str, list[dict]]) -> list[dict]:
    """Dera's extension fields, and addresses that lack what HSDS requires, as (table, id, field, value) rows."""
    rows = []
    for table, names in EXTENSIONS.items():
        for row in tables[table]:
            rows += [{"table": table, "id": row["id"], "field": name, "value": row[name]} for name in names if row.get(name) is not None]
    for address in tables["address"]:
        if not _complete(address):
            rows += [
                {"table": "address", "id": address["id"], "field": name, "value": value}
                for name, value in _standard("address", address).items() if name != "id"
            ]
    return rows


def datapackage() -> dict:
    """The package descriptor: the specification's own resources (with their table schemas), and Dera's extension file."""
    resources = list(SPEC["resources"])
    resources.append({
        "name": EXTENSION_RESOURCE,
        "path": EXTENSION_PATH,
        "description": "Dera's additions to HSDS: English text beside the Albanian, named timezones of opening hours, "
                       "and addresses that lack what HSDS requires (often only the town is known).",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": [
            {"name": "table", "type": "string", "constraints": {"required": True}},
            {"name": "id", "type": "string", "format": "uuid", "constraints": {"required": True}},
            {"name": "field", "type": "string", "constraints": {"required": True}},
            {"name": "value", "type": "string"},
        ]},
    })
    return {
        "name": "dera_service_directory",
        "title": "Dera service directory (Open Referral HSDS 3)",
        "profile": "tabular-data-package",
        "version": SPEC["version"],
        "license": SPEC["license"],
        "resources": resources,
    }


def package_files(tables: dict[str, list[dict]]) -> dict[str, bytes]:
    """The CSV package as file name -> bytes: every file and column of the specification, in its order."""
    # Every table of the specification is in the package (empty when Dera keeps none), so its foreign keys resolve.
    files = {resource["path"]: _csv_text(_spec_field_names(resource["name"]), []).encode("utf-8") for resource in SPEC["resources"]}
    for table, rows in tables.items():
        files[PATHS[table]] = _csv_text(_spec_field_names(table), [_standard(table, row) for row in rows
                                                                    if table != "address" or _complete(row)]).encode("utf-8")
    files[EXTENSION_PATH] = _csv_text(["table", "id", "field", "value"], _extension_rows(tables)).encode("utf-8")
    files["datapackage.json"] = (json.dumps(datapackage(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    return files


def write(tables: dict[str, list[dict]], path: str | Path, fmt: str, strict: bool = False) -> None:
    """Write the directory to ``path``: a JSON file, or a CSV package (a ``.zip`` file or a folder)."""
    path = Path(path)
    if fmt == "json":
        path.write_bytes(json_bytes(tables, strict))
        return
    files = package_files(tables)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        return
    path.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (path / name).write_bytes(data)
