"""Directory rules: what is shown, filters and search, "open now", and HSDS import and export.

Plain functions: they take the database session and the time explicitly.
"""
from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from ..models import (
    DirectoryLanguage,
    DirectoryLocation,
    DirectoryOrganization,
    DirectoryPhone,
    DirectorySchedule,
    DirectoryService,
    DirectoryServiceAtLocation,
    DirectoryServiceCategory,
    DirectoryServiceHidden,
    DirectoryServiceReport,
    DirectoryState,
)
from ..pagination import Page, page_of
from . import hsds, vocabulary
from .hsds import DAYS

_LOAD = (
    selectinload(DirectoryService.organization),
    selectinload(DirectoryService.categories),
    selectinload(DirectoryService.phones),
    selectinload(DirectoryService.schedules),
    selectinload(DirectoryService.languages),
    selectinload(DirectoryService.service_at_locations).selectinload(DirectoryServiceAtLocation.location),
)


def new_id() -> str:
    return str(uuid.uuid4())


# Reading the directory ---------------------------------------------------------------

def search_key(text: str | None) -> str:
    """Text folded for search: no case, no accents, so "shkoder" finds "Shkodër"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _not_hidden_by(query, organisation_id: int | None):
    """Leave out the services the viewer's organisation hides from its own people."""
    if organisation_id is None:
        return query
    hidden = select(DirectoryServiceHidden.service_id).where(DirectoryServiceHidden.organisation_id == organisation_id)
    return query.where(DirectoryService.id.not_in(hidden))


def published_services(session, organisation_id: int | None = None) -> list[DirectoryService]:
    """Every service people may see (status ``active``), by name; without the ones ``organisation_id`` hides."""
    query = _not_hidden_by(select(DirectoryService).where(DirectoryService.status == "active"), organisation_id)
    services = session.scalars(query.options(*_LOAD)).all()
    return sorted(services, key=lambda service: (search_key(service.name), service.id))


def directory_version(session) -> str | None:
    """The directory's current version (None before anything was ever written to it)."""
    return session.scalar(_VERSION)


_VERSION = select(DirectoryState.version).where(DirectoryState.id == 1)


def shown_directory(session, organisation_id: int | None = None, version: str | None = None) -> tuple[str | None, list[DirectoryService]]:
    """The directory's version and ``published_services``, read from the database once per version and process.

    The services are a read-only copy, outside any session: pages and JSON show them, nothing
    changes them or links other records to them (use ``published_services`` for that).
    """
    version = version or directory_version(session)
    if version is None:
        return None, _detached(session, organisation_id)
    copies = current_app.extensions.setdefault("dera_directory", {})
    key = (version, organisation_id)
    found = copies.get(key)
    if found is None:
        for old in [k for k in copies if k[0] != version]:
            del copies[old]
        copies[key] = found = _detached(session, organisation_id)
    return version, found


def _detached(session, organisation_id: int | None) -> list[DirectoryService]:
    """``published_services`` loaded by a session of its own and closed, so the objects belong to no request.

    It reads through the request's own connection, so it sees what the request has written.
    """
    with Session(bind=session.connection()) as reader:
        return published_services(reader, organisation_id)


def all_services(session, page: int) -> Page:
    """Every service, shown or hidden, by name, a page at a time (for supervisors)."""
    query = select(DirectoryService).options(*_LOAD).order_by(func.lower(DirectoryService.name), DirectoryService.id)
    return page_of(session, query, page, scalars=True)


def published_service(session, service_id: str, organisation_id: int | None = None) -> DirectoryService | None:
    """One service people may see (and ``organisation_id`` does not hide), or None."""
    query = select(DirectoryService).where(DirectoryService.id == service_id, DirectoryService.status == "active")
    return session.scalar(_not_hidden_by(query, organisation_id).options(*_LOAD))


def hidden_for(session, organisation_id: int, among: list[DirectoryService] | None = None) -> set[str]:
    """The ids of the services an organisation hides from its own people (only ``among`` these, when given)."""
    query = select(DirectoryServiceHidden.service_id).where(DirectoryServiceHidden.organisation_id == organisation_id)
    if among is not None:
        query = query.where(DirectoryServiceHidden.service_id.in_([service.id for service in among]))
    return set(session.scalars(query))


def hide_for(session, service: DirectoryService, organisation_id: int, hidden: bool, now: datetime) -> None:
    """Hide a service from one organisation's people, or show it to them again; others are not affected."""
    record = session.get(DirectoryServiceHidden, (organisation_id, service.id))
    if hidden and record is None:
        session.add(DirectoryServiceHidden(organisation_id=organisation_id, service_id=service.id, hidden_at=now))
    elif not hidden and record is not None:
        session.delete(record)


def towns(services: list[DirectoryService]) -> list[str]:
    """The towns the services are in, for the town filter."""
    found = {location.city for service in services for location in service.locations if location.city}
    return sorted(found, key=search_key)


def filter_services(services: list[DirectoryService], area: str | None = None, town: str | None = None, query: str | None = None) -> list[DirectoryService]:
    """Services in an area of help and a town, whose words contain every word of ``query``.

    Services with no place (help lines) serve every town, so they stay in a town's list, after the local ones.
    """
    found = services
    if area:
        found = [service for service in found if area in service.areas]
    if town:
        wanted = search_key(town)
        local = [s for s in found if any(search_key(loc.city) == wanted for loc in s.locations)]
        everywhere = [s for s in found if not s.locations]
        found = local + everywhere
    words = search_key(query).split()
    if words:
        found = [service for service in found if all(word in _haystack(service) for word in words)]
    return found


def _haystack(service: DirectoryService) -> str:
    parts = [service.name, service.alternate_name, service.description, service.description_en, service.organization.name]
    parts += [location.city for location in service.locations] + [location.address_1 for location in service.locations]
    return search_key(" ".join(part for part in parts if part))


# Opening hours ---------------------------------------------------------------------

def _minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def is_open(schedules: list[DirectorySchedule], now: datetime) -> bool | None:
    """Whether the weekly hours say it is open at ``now`` (None when the hours are not known).

    Each schedule is read in its own timezone, so summer time is followed; hours that
    close before they open (20:00 to 02:00) run past midnight into the next day.
    """
    if not schedules:
        return None
    for schedule in schedules:
        local = now.astimezone(ZoneInfo(schedule.timezone))
        today, yesterday = DAYS[local.weekday()], DAYS[(local.weekday() - 1) % 7]
        minute = local.hour * 60 + local.minute
        opens, closes = _minutes(schedule.opens_at), _minutes(schedule.closes_at)
        days = schedule.days
        if opens < closes:
            if today in days and opens <= minute < closes:
                return True
        elif (today in days and minute >= opens) or (yesterday in days and minute < closes):
            return True
    return False


@dataclass
class HoursLine:
    """Days with the same hours, e.g. Monday to Friday, 08:00–16:00."""

    first_day: int
    last_day: int
    hours: list[tuple[str, str]]


def weekly_hours(schedules: list[DirectorySchedule]) -> list[HoursLine]:
    """The week as lines of days that share the same hours (days not listed are closed)."""
    per_day = []
    for index, day in enumerate(DAYS):
        hours = sorted((s.opens_at, s.closes_at) for s in schedules if day in s.days)
        per_day.append(hours)
    lines: list[HoursLine] = []
    for index, hours in enumerate(per_day):
        if lines and lines[-1].hours == hours and lines[-1].last_day == index - 1:
            lines[-1].last_day = index
        else:
            lines.append(HoursLine(index, index, hours))
    return lines


def timezones(schedules: list[DirectorySchedule]) -> list[str]:
    """The timezones of the hours other than the directory's own (usually none)."""
    return sorted({s.timezone for s in schedules} - {vocabulary.DEFAULT_TIMEZONE})


# What the phone needs offline --------------------------------------------------------

def directory_payload(services: list[DirectoryService], detail_url) -> dict:
    """The published directory as compact JSON: enough to filter, sort by distance and tell "open now" offline."""
    return {
        "timezone": vocabulary.DEFAULT_TIMEZONE,
        "services": [
            {
                "id": service.id,
                "url": detail_url(service),
                "name": service.name,
                "organization": service.organization.name,
                "areas": service.areas,
                "cost": service.cost,
                "scope": service.scope,
                "verified_on": service.verified_on.isoformat() if service.verified_on else None,
                "phones": [{"number": phone.number, "tel": phone.tel} for phone in service.phones],
                "places": [
                    # Without a street address a position can only be the town's (often its centre):
                    # the phone then says "in <town>" or "about N km", never a false "50 m".
                    {"town": location.city, "lat": location.latitude, "lon": location.longitude,
                     "exact": bool((location.address_1 or "").strip())}
                    for location in service.locations
                ],
                "hours": [
                    {"days": s.days, "opens": s.opens_at, "closes": s.closes_at, "timezone": s.timezone}
                    for s in service.schedules
                ],
                "languages": [language.code or language.name for language in service.languages],
            }
            for service in services
        ],
    }


# Import and export -----------------------------------------------------------------

class ImportRefused(Exception):
    """The file has problems; nothing was stored."""

    def __init__(self, problems: list[hsds.Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportSummary:
    organizations: int
    services: int
    locations: int
    not_kept: dict[str, set[str]]
    replaced: int = 0


def import_directory(session, path: str | Path, now: datetime, keeper_id: int | None = None) -> ImportSummary:
    """Read an HSDS file or package and store it: records are added, or replaced when their id exists.

    ``keeper_id`` None is the server's administrators (the command line): they may replace
    any record, and new services are theirs. An organisation (the console) may add services,
    which it then keeps, and replace only what it keeps. Every row is checked first; on any
    problem ``ImportRefused`` lists them all and nothing is written. The caller commits
    (one transaction) or rolls back.
    """
    return import_package(session, hsds.read(path), now, keeper_id)


def import_package(session, package: hsds.Package, now: datetime, keeper_id: int | None = None) -> ImportSummary:
    """Check and store a package already read (see ``import_directory``)."""
    known_organizations = set(session.scalars(select(DirectoryOrganization.id)))
    known_locations = set(session.scalars(select(DirectoryLocation.id)))
    checked, problems = hsds.check(package, known_organizations, known_locations)
    if checked is not None and keeper_id is not None:
        problems = _kept_by_others(session, checked, keeper_id)
    if problems:
        raise ImportRefused(problems)
    tables = checked.tables
    incoming = [row["id"] for row in tables["service"]]
    replaced = len(session.scalars(select(DirectoryService.id).where(DirectoryService.id.in_(incoming))).all())
    _store(session, checked, now, keeper_id)
    return ImportSummary(len(tables["organization"]), len(tables["service"]), len(tables["location"]), checked.not_kept, replaced)


def _kept_by_others(session, checked: hsds.Checked, keeper_id: int) -> list[hsds.Problem]:
    """Records in the file that would change services another organisation (or the server) keeps."""
    rows = checked.rows
    problems = []
    services = {row["id"] for row in checked.tables["service"]}
    for service in session.scalars(select(DirectoryService).where(DirectoryService.id.in_(services))):
        if service.keeper_id != keeper_id:
            row = rows["service"][service.id]
            problems.append(hsds.Problem(row.file, row.row, "id", hsds.N_("\"%(value)s\" (%(name)s) is kept by another organisation or by the server's administrators; only they can change it.", value=service.id, name=service.name)))
    others = select(DirectoryService).where((DirectoryService.keeper_id != keeper_id) | DirectoryService.keeper_id.is_(None))
    shared_providers = {service.organization_id for service in session.scalars(others)}
    for identifier in sorted(shared_providers & {row["id"] for row in checked.tables["organization"]}):
        row = rows["organization"][identifier]
        problems.append(hsds.Problem(row.file, row.row, f"{row.prefix}id", hsds.N_("\"%(value)s\" is shared with services another organisation or the server's administrators keep; only they can change it.", value=identifier)))
    shared_places = set(session.scalars(
        select(DirectoryServiceAtLocation.location_id).join(DirectoryService).where(
            (DirectoryService.keeper_id != keeper_id) | DirectoryService.keeper_id.is_(None))
    ))
    for identifier in sorted(shared_places & {row["id"] for row in checked.tables["location"]}):
        row = rows["location"][identifier]
        problems.append(hsds.Problem(row.file, row.row, f"{row.prefix}id", hsds.N_("\"%(value)s\" is shared with services another organisation or the server's administrators keep; only they can change it.", value=identifier)))
    return problems


def _set(record, values: dict, names: list[str]) -> None:
    for name in names:
        setattr(record, name, values.get(name))


def _store(session, checked: hsds.Checked, now: datetime, keeper_id: int | None) -> None:
    tables = checked.tables
    for row in tables["organization"]:
        organization = session.get(DirectoryOrganization, row["id"]) or DirectoryOrganization(id=row["id"])
        _set(organization, row, ["name", "description", "website", "email"])
        # HSDS requires a description, so an export writes the name when there is none.
        if organization.description == organization.name:
            organization.description = None
        session.add(organization)
    # Organizations first: locations refer to them by id alone.
    session.flush()
    addresses = {row["location_id"]: row for row in tables["address"]}
    notes = {row["location_id"]: row for row in tables["accessibility"]}
    for row in tables["location"]:
        location = session.get(DirectoryLocation, row["id"]) or DirectoryLocation(id=row["id"])
        _set(location, row, ["location_type", "organization_id", "name", "latitude", "longitude"])
        address = addresses.get(row["id"], {})
        location.address_id = address.get("id")
        _set(location, address, ["address_1", "city", "state_province", "postal_code", "country", "address_type"])
        note = notes.get(row["id"], {})
        location.accessibility_id = note.get("id")
        location.accessibility, location.accessibility_en = note.get("description"), note.get("description_en")
        session.add(location)
    session.flush()

    services = []
    for row in tables["service"]:
        service = session.get(DirectoryService, row["id"]) or DirectoryService(id=row["id"], keeper_id=keeper_id)
        _set(service, row, ["organization_id", "name", "alternate_name", "description", "description_en", "url", "email", "status",
                            "eligibility_description", "fees_description", "application_process", "alert"])
        service.verified_on = date.fromisoformat(row["assured_date"]) if row.get("assured_date") else None
        found = checked.categories.get(row["id"], {})
        service.cost = (found.get("cost") or [None])[0]
        service.scope = (found.get("scope") or [None])[0]
        service.updated_at = now
        for collection in (service.categories, service.phones, service.schedules, service.languages, service.service_at_locations):
            collection.clear()
        session.add(service)
        services.append(service)
    # Old children go before new ones with the same identifiers arrive.
    session.flush()

    def rows_of(table: str, service_id: str, key: str = "service_id") -> list[dict]:
        return [row for row in tables[table] if row.get(key) == service_id]

    for service in services:
        found = checked.categories.get(service.id, {})
        service.categories = [DirectoryServiceCategory(area=area) for area in sorted(found.get("area", []))]
        service.phones = [
            DirectoryPhone(id=row["id"], position=position, number=row["number"], type=row.get("type"),
                           description=row.get("description"), description_en=row.get("description_en"))
            for position, row in enumerate(rows_of("phone", service.id))
        ]
        service.schedules = [
            DirectorySchedule(id=row["id"], position=position, byday=row["byday"], opens_at=row["opens_at"],
                              closes_at=row["closes_at"], timezone=row["timezone_name"])
            for position, row in enumerate(rows_of("schedule", service.id))
        ]
        service.languages = [
            DirectoryLanguage(id=row["id"], position=position, code=row.get("code"), name=row.get("name"))
            for position, row in enumerate(rows_of("language", service.id))
        ]
        service.service_at_locations = [
            DirectoryServiceAtLocation(id=row["id"], position=position, location_id=row["location_id"])
            for position, row in enumerate(rows_of("service_at_location", service.id))
        ]
    session.flush()


def directory_tables(session) -> dict[str, list[dict]]:
    """The whole directory (shown and hidden) as HSDS tables, in a stable order."""
    tables: dict[str, list[dict]] = {name: [] for name in hsds.FIELDS}
    for organization in session.scalars(select(DirectoryOrganization).order_by(DirectoryOrganization.id)):
        tables["organization"].append({
            "id": organization.id, "name": organization.name, "description": organization.description,
            "email": organization.email, "website": organization.website,
        })
    for location in session.scalars(select(DirectoryLocation).order_by(DirectoryLocation.id)):
        tables["location"].append({
            "id": location.id, "location_type": location.location_type, "organization_id": location.organization_id,
            "name": location.name, "latitude": location.latitude, "longitude": location.longitude,
        })
        address = [location.address_1, location.city, location.state_province, location.postal_code, location.country, location.address_type]
        if any(value is not None for value in address):
            tables["address"].append({
                "id": location.address_id or vocabulary.derived_id("address", location.id), "location_id": location.id,
                "address_1": location.address_1, "city": location.city, "state_province": location.state_province,
                "postal_code": location.postal_code, "country": location.country, "address_type": location.address_type,
            })
        if location.accessibility or location.accessibility_en:
            tables["accessibility"].append({
                "id": location.accessibility_id or vocabulary.derived_id("accessibility", location.id),
                "location_id": location.id, "description": location.accessibility, "description_en": location.accessibility_en,
            })
    for kind, (name, description, labels, english) in vocabulary.TAXONOMIES.items():
        tables["taxonomy"].append({"id": vocabulary.taxonomy_id(kind), "name": name, "description": description})
        for code in labels:
            tables["taxonomy_term"].append({
                "id": vocabulary.term_id(kind, code), "code": code, "name": english[code],
                "description": f"{name}: {english[code]}", "taxonomy": name, "taxonomy_id": vocabulary.taxonomy_id(kind),
            })
    services = session.scalars(select(DirectoryService).order_by(DirectoryService.id).options(*_LOAD))
    for service in services:
        tables["service"].append({
            "id": service.id, "organization_id": service.organization_id, "name": service.name,
            "alternate_name": service.alternate_name, "description": service.description,
            "description_en": service.description_en, "url": service.url, "email": service.email,
            "status": service.status, "assured_date": service.verified_on.isoformat() if service.verified_on else None,
            "eligibility_description": service.eligibility_description, "fees_description": service.fees_description,
            "application_process": service.application_process, "alert": service.alert,
        })
        for link in service.service_at_locations:
            tables["service_at_location"].append({"id": link.id, "service_id": service.id, "location_id": link.location_id})
        for phone in service.phones:
            tables["phone"].append({
                "id": phone.id, "service_id": service.id, "number": phone.number, "type": phone.type,
                "description": phone.description, "description_en": phone.description_en,
            })
        for schedule in service.schedules:
            tables["schedule"].append({
                "id": schedule.id, "service_id": service.id, "freq": "WEEKLY", "byday": schedule.byday,
                "opens_at": schedule.opens_at, "closes_at": schedule.closes_at, "timezone_name": schedule.timezone,
            })
        for language in service.languages:
            tables["language"].append({"id": language.id, "service_id": service.id, "name": language.name, "code": language.code})
        terms = [("area", area) for area in service.areas]
        terms += [(kind, value) for kind, value in (("cost", service.cost), ("scope", service.scope)) if value]
        for kind, code in terms:
            tables["attribute"].append({
                "id": vocabulary.derived_id("attribute", service.id, kind, code), "link_id": service.id,
                "link_type": None, "link_entity": "service", "taxonomy_term_id": vocabulary.term_id(kind, code),
            })
    return tables


def export_directory(session, path: str | Path, fmt: str, strict: bool = False) -> int:
    """Write the whole directory as HSDS JSON or as a CSV package; return how many services."""
    tables = directory_tables(session)
    hsds.write(tables, path, fmt, strict)
    return len(tables["service"])


# Editing in the console ----------------------------------------------------------------

@dataclass
class ServiceDetails:
    """What a supervisor writes about a service in the console."""

    organization_name: str
    name: str
    description: str | None
    description_en: str | None
    areas: list[str]
    scope: str | None
    cost: str | None
    fees_description: str | None
    eligibility_description: str | None
    application_process: str | None
    alert: str | None
    languages: list[str]
    phones: list[tuple[str, str | None, str | None]]
    url: str | None
    city: str | None
    address_1: str | None
    latitude: float | None
    longitude: float | None
    accessibility: str | None
    accessibility_en: str | None
    hours: list[tuple[str, str, str]]
    timezone: str
    verified_on: date | None


def find_service(session, service_id: str) -> DirectoryService | None:
    """Any service, shown or hidden (for supervisors)."""
    return session.scalar(select(DirectoryService).where(DirectoryService.id == service_id).options(*_LOAD))


def _provider(session, name: str) -> DirectoryOrganization:
    for organization in session.scalars(select(DirectoryOrganization)):
        if search_key(organization.name) == search_key(name):
            return organization
    organization = DirectoryOrganization(id=new_id(), name=name)
    session.add(organization)
    return organization


def save_service(session, service: DirectoryService | None, details: ServiceDetails, now: datetime, keeper_id: int | None = None) -> DirectoryService:
    """Create a service (kept by ``keeper_id``) or change one. Phones, places and hours beyond what the form shows are kept."""
    provider = _provider(session, details.organization_name)
    # A new provider is stored first: a new place refers to it by its id alone.
    session.flush()
    if service is None:
        service = DirectoryService(id=new_id(), status="active", organization=provider, keeper_id=keeper_id)
        session.add(service)
    service.organization = provider
    service.name, service.url = details.name, details.url
    service.description, service.description_en = details.description, details.description_en
    service.scope, service.cost, service.verified_on = details.scope, details.cost, details.verified_on
    service.fees_description, service.alert = details.fees_description, details.alert
    service.eligibility_description, service.application_process = details.eligibility_description, details.application_process
    service.updated_at = now

    current = {category.area: category for category in service.categories}
    service.categories = [current.get(area) or DirectoryServiceCategory(area=area) for area in sorted(details.areas)]

    by_code = {language.code: language for language in service.languages}
    service.languages = [
        by_code.get(code) or DirectoryLanguage(id=new_id(), code=code) for code in details.languages
    ] + [language for language in service.languages if language.code not in vocabulary.LANGUAGE_CODES]
    for position, language in enumerate(service.languages):
        language.position = position

    edited, kept = service.phones[:2], service.phones[2:]
    phones = []
    for index, (number, note, note_en) in enumerate(details.phones):
        phone = edited[index] if index < len(edited) else DirectoryPhone(id=new_id())
        phone.number, phone.description, phone.description_en = number, note, note_en
        phone.type = phone.type or "voice"
        phones.append(phone)
    service.phones = phones + kept
    for position, phone in enumerate(service.phones):
        phone.position = position

    _save_place(service, details)
    session.flush()
    service.schedules = [
        DirectorySchedule(id=new_id(), position=position, byday=day, opens_at=opens, closes_at=closes, timezone=details.timezone)
        for position, (day, opens, closes) in enumerate(details.hours)
    ]
    session.flush()
    return service


def _save_place(service: DirectoryService, details: ServiceDetails) -> None:
    values = [details.city, details.address_1, details.latitude, details.accessibility, details.accessibility_en]
    links = service.service_at_locations
    if not any(value is not None for value in values):
        service.service_at_locations = links[1:]
        return
    if links:
        location = links[0].location
    else:
        location = DirectoryLocation(id=new_id(), location_type="physical", organization_id=service.organization.id)
        service.service_at_locations = [DirectoryServiceAtLocation(id=new_id(), location=location)]
    location.city, location.address_1 = details.city, details.address_1
    location.latitude, location.longitude = details.latitude, details.longitude
    location.accessibility, location.accessibility_en = details.accessibility, details.accessibility_en
    if location.city or location.address_1:
        location.country = location.country or "AL"
        location.address_type = location.address_type or "physical"


def set_shown(service: DirectoryService, shown: bool, now: datetime) -> None:
    """Show a service to people, or hide it (HSDS status active or inactive)."""
    service.status = "active" if shown else "inactive"
    service.updated_at = now


# The read-only HSDS API ------------------------------------------------------------------

@dataclass
class ApiQuery:
    """What another system asks the directory for (the HSDS OpenAPI's query parameters)."""

    search: str | None = None
    taxonomy_term_id: str | None = None
    taxonomy_id: str | None = None
    organization_id: str | None = None
    modified_after: datetime | None = None
    page: int = 1
    per_page: int = 50


def api_page(session, query: ApiQuery, full: bool) -> dict:
    """A page of published services, newest identifiers last, as the HSDS API answers ``/services``."""
    published = filter_services(published_services(session), query=query.search)
    tables = directory_tables(session)
    terms = {row["id"]: row for row in tables["taxonomy_term"]}
    wanted_terms = None
    if query.taxonomy_term_id is not None:
        wanted_terms = {query.taxonomy_term_id}
    if query.taxonomy_id is not None:
        in_taxonomy = {term_id for term_id, term in terms.items() if term.get("taxonomy_id") == query.taxonomy_id}
        wanted_terms = in_taxonomy if wanted_terms is None else wanted_terms & in_taxonomy
    if wanted_terms is not None:
        tagged = {row["link_id"] for row in tables["attribute"] if row["taxonomy_term_id"] in wanted_terms}
        published = [service for service in published if service.id in tagged]
    if query.organization_id is not None:
        published = [service for service in published if service.organization_id == query.organization_id]
    if query.modified_after is not None:
        published = [service for service in published if service.updated_at >= query.modified_after]
    published.sort(key=lambda service: service.id)
    start = (query.page - 1) * query.per_page
    chosen = published[start:start + query.per_page]
    contents = _api_objects(tables, chosen, full)
    return hsds.page(contents, len(published), query.page, query.per_page)


def api_service(session, service_id: str) -> dict | None:
    """One published service, fully nested, as the HSDS API answers ``/services/{id}``; None if hidden or unknown."""
    service = published_service(session, service_id)
    if service is None:
        return None
    return _api_objects(directory_tables(session), [service], True)[0]


def _api_objects(tables: dict[str, list[dict]], chosen: list[DirectoryService], full: bool) -> list[dict]:
    ids = {service.id for service in chosen}
    modified = {service.id: service.updated_at for service in chosen}
    if full:
        objects = {obj["id"]: obj for obj in hsds.service_objects({**tables, "service": [row for row in tables["service"] if row["id"] in ids]})}
    else:
        objects = {row["id"]: hsds.service_fields(row) for row in tables["service"] if row["id"] in ids}
    found = []
    for service in chosen:
        obj = objects[service.id]
        obj["last_modified"] = modified[service.id].isoformat().replace("+00:00", "Z")
        found.append(obj)
    return found


# "This is wrong": reports from the public page, and the supervisors' queue ---------------

def report_wrong(session, service: DirectoryService, kind: str, now: datetime) -> None:
    """Note that someone found the phone, address or hours wrong: the kind and the day only."""
    if kind not in vocabulary.REPORT_KINDS:
        raise ValueError(kind)
    session.add(DirectoryServiceReport(service_id=service.id, kind=kind, reported_on=now.astimezone(ZoneInfo(vocabulary.DEFAULT_TIMEZONE)).date()))


@dataclass
class ReportedService:
    """A service in the supervisors' queue: how many reports of each kind, and since when."""

    service: DirectoryService
    counts: dict[str, int]
    first_reported: date


def report_queue(session, page: int) -> Page:
    """Every service with reports, the one reported first first, a page at a time; two more statements per page."""
    first_reported = func.min(DirectoryServiceReport.reported_on)
    found = page_of(
        session,
        select(DirectoryService, first_reported)
        .join(DirectoryServiceReport, DirectoryServiceReport.service_id == DirectoryService.id)
        .group_by(DirectoryService.id)
        .order_by(first_reported, DirectoryService.id),
        page,
    )
    counts = {service.id: {kind: 0 for kind in vocabulary.REPORT_KINDS} for service, _first in found.items}
    for service_id, kind, count in session.execute(
        select(DirectoryServiceReport.service_id, DirectoryServiceReport.kind, func.count())
        .where(DirectoryServiceReport.service_id.in_(list(counts)))
        .group_by(DirectoryServiceReport.service_id, DirectoryServiceReport.kind)
    ):
        counts[service_id][kind] = count
    found.items = [ReportedService(service, counts[service.id], first) for service, first in found.items]
    return found


def mark_checked(session, service: DirectoryService, now: datetime) -> None:
    """Someone checked the details: today is the service's checked date, and its reports are done with."""
    service.verified_on = now.astimezone(ZoneInfo(vocabulary.DEFAULT_TIMEZONE)).date()
    service.updated_at = now
    session.execute(delete(DirectoryServiceReport).where(DirectoryServiceReport.service_id == service.id))
