"""Services: the community service directory and map, public so that phones can keep it offline.

These pages show no personal data and are the same for everyone, signed in or not.
"""
from __future__ import annotations

from urllib.parse import urlencode

from babel import Locale
from babel.dates import get_day_names
from flask import Blueprint, abort, current_app, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from ..clock import now, this_minute
from ..extensions import csrf, db, kept_in_process, limiter
from ..i18n import page_language
from ..kept_pages import kept_page
from ..security import allow_images_from
from . import services, vocabulary
from .forms import FilterForm

bp = Blueprint("services_map", __name__)

LEAFLET = "vendor/leaflet-1.9.4"


@bp.app_template_global()
def directory_text(sq: str | None, en: str | None) -> str | None:
    """The English text on English pages when there is one; the Albanian otherwise."""
    return en if page_language() == "en" and en else sq


@bp.app_template_global()
def language_name(code: str | None, name: str | None) -> str:
    """A language's name in the page's language (``sq`` -> "shqip" or "Albanian")."""
    if code:
        found = Locale.parse(page_language()).languages.get(code)
        if found:
            return found
    return name or code or ""


@bp.app_template_global()
def day_name(index: int) -> str:
    name = get_day_names("wide", locale=page_language())[index]
    return name[:1].upper() + name[1:]


@bp.app_template_global()
def osm_url(location) -> str:
    """A plain link to OpenStreetMap at the place; nothing loads from it unless she follows it."""
    lat, lon = f"{location.latitude:.5f}", f"{location.longitude:.5f}"
    return "https://www.openstreetmap.org/?" + urlencode({"mlat": lat, "mlon": lon}) + f"#map=17/{lat}/{lon}"


@bp.app_template_global()
def geo_url(location) -> str:
    """A ``geo:`` link: the phone's own map app opens at the place."""
    return f"geo:{location.latitude:.5f},{location.longitude:.5f}"


def viewer_organisation() -> int | None:
    """The signed-in person's organisation, whose hidden services she does not see; None for everyone else."""
    return current_user.organisation_id if current_user.is_authenticated else None


def _filtered(version: str | None = None):
    everything = services.shown_directory(db.session, viewer_organisation(), version)[1]
    form = FilterForm(request.args).fill(services.towns(everything))
    chosen = form.chosen
    found = services.filter_services(everything, chosen.get("area"), chosen.get("town"), chosen.get("q"))
    current = now()
    opening = {service.id: services.is_open(service.schedules, current) for service in found}
    return {"form": form, "filters": chosen, "services": found, "opening": opening, "vocabulary": vocabulary}


def _tagged(response, tag: str):
    """A response the phone may keep and must check again with its ``ETag``."""
    response.set_etag(tag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# Rendered lists kept per process: public content only, so one copy serves everyone it fits.
_KEPT_LISTS = 512


def _list_main() -> Markup:
    """The list page's content, rendered once per directory version, viewer's organisation, language, filters and minute.

    Nothing on it is about the person looking (filters, services, "open now"); the minute is
    in the key because "open now" changes with it.
    """
    version = services.directory_version(db.session)
    if version is None:
        return Markup(render_template("services_map/_list_main.html", **_filtered()))
    key = (
        version, viewer_organisation(), page_language(), request.script_root,
        tuple(sorted(request.args.items(multi=True))), this_minute(),
    )
    return kept_in_process("dera_directory_lists", key, lambda: Markup(render_template("services_map/_list_main.html", **_filtered(version))), _KEPT_LISTS)


@bp.get("/services")
@kept_page
def list_services():
    """The directory: filter by what I need and by town, search by a word, sort near me on the phone."""
    return render_template("services_map/list.html", main=_list_main())


@bp.get("/services/map")
@kept_page
def show_map():
    """The same list under a map; Leaflet and the tiles load only on this page."""
    response = make_response(
        render_template(
            "services_map/map.html",
            leaflet=LEAFLET,
            tile_url=current_app.config["TILE_URL"],
            tile_attribution=current_app.config["TILE_ATTRIBUTION"],
            tile_attribution_url=current_app.config["TILE_ATTRIBUTION_URL"],
            **_filtered(),
        )
    )
    return allow_images_from(response, current_app.config["TILE_URL"])


@bp.get("/services/directory.json")
def directory_json():
    """Every shown service as compact JSON, for the phone to filter, sort and tell "open now" offline.

    Its ``ETag`` is the directory's version: a phone that has the current copy gets 304 and no body.
    """
    organisation_id = viewer_organisation()
    version = services.directory_version(db.session)
    tag = f"{version}-{organisation_id or 0}" if version else None
    if tag is not None and request.if_none_match.contains(tag):
        return _tagged(current_app.response_class(status=304), tag)
    found = services.shown_directory(db.session, organisation_id, version)[1]
    response = jsonify(services.directory_payload(found, lambda service: url_for("services_map.show_service", service_id=service.id)))
    return _tagged(response, tag) if tag is not None else response


@bp.get("/services/<service_id>")
def show_service(service_id: str):
    """One service: what it helps with, hours, open now, call, directions, languages, cost."""
    service = services.published_service(db.session, service_id, viewer_organisation())
    if service is None:
        abort(404)
    return render_template(
        "services_map/detail.html",
        service=service,
        is_open=services.is_open(service.schedules, now()),
        hours=services.weekly_hours(service.schedules),
        other_timezones=services.timezones(service.schedules),
        vocabulary=vocabulary,
        reported=request.args.get("reported") in vocabulary.REPORT_KINDS,
    )


@bp.post("/services/<service_id>/wrong")
@csrf.exempt  # anyone may say it, signed in or not; nothing about who is kept, so there is no one to forge it for
@limiter.limit("10 per hour")
def report_wrong(service_id: str):
    """One tap: this service's phone, address or hours are wrong. Back to the page, with thanks."""
    service = services.published_service(db.session, service_id) or abort(404)
    kind = request.form.get("kind")
    if kind not in vocabulary.REPORT_KINDS:
        abort(400)
    services.report_wrong(db.session, service, kind, now())
    db.session.commit()
    return redirect(url_for("services_map.show_service", service_id=service.id, reported=kind, _anchor="wrong"), 303)
