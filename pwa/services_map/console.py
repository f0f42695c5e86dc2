"""The directory in the staff console: supervisors add, edit, hide and export services."""
from __future__ import annotations

import base64
import binascii
import io
import zipfile

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..boundary import upload_endpoint
from ..clock import now
from ..extensions import db
from ..kept_pages import kept_page
from ..pagination import page_number
from ..security import supervisor_required
from . import hsds, services, vocabulary
from .forms import ApplyImportForm, ImportForm, ServiceForm
from .hsds import DAYS
from .routes import language_name

bp = Blueprint("services_console", __name__, url_prefix="/console/services")


def _text(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _form(service=None) -> ServiceForm:
    form = ServiceForm()
    form.languages.choices = [(code, language_name(code, code)) for code in vocabulary.LANGUAGE_CODES]
    if service is not None and not form.is_submitted():
        _fill(form, service)
    return form


def _fill(form: ServiceForm, service) -> None:
    form.organization_name.data = service.organization.name
    form.name.data, form.url.data = service.name, service.url
    form.description.data, form.description_en.data = service.description, service.description_en
    form.areas.data, form.scope.data, form.cost.data = service.areas, service.scope, service.cost or ""
    form.alert.data, form.fees_description.data = service.alert, service.fees_description
    form.eligibility_description.data, form.application_process.data = service.eligibility_description, service.application_process
    form.languages.data = [language.code for language in service.languages]
    for entry, phone in zip(form.phones.entries, service.phones):
        entry.form.number.data, entry.form.description.data = phone.number, phone.description
        entry.form.description_en.data = phone.description_en
    if service.locations:
        place = service.locations[0]
        form.city.data, form.address_1.data = place.city, place.address_1
        form.latitude.data = "" if place.latitude is None else str(place.latitude)
        form.longitude.data = "" if place.longitude is None else str(place.longitude)
        form.accessibility.data, form.accessibility_en.data = place.accessibility, place.accessibility_en
    for schedule in service.schedules:
        for day in schedule.days:
            if not form[f"opens_{day}"].data:
                form[f"opens_{day}"].data, form[f"closes_{day}"].data = schedule.opens_at, schedule.closes_at
    if service.schedules:
        form.timezone.data = service.schedules[0].timezone
    form.verified_on.data = service.verified_on


def _details(form: ServiceForm) -> services.ServiceDetails:
    latitude = float(form.latitude.data) if form.latitude.data else None
    return services.ServiceDetails(
        organization_name=form.organization_name.data.strip(),
        name=form.name.data.strip(),
        description=_text(form.description.data),
        description_en=_text(form.description_en.data),
        areas=list(form.areas.data or []),
        scope=form.scope.data or None,
        cost=form.cost.data or None,
        fees_description=_text(form.fees_description.data),
        eligibility_description=_text(form.eligibility_description.data),
        application_process=_text(form.application_process.data),
        alert=_text(form.alert.data),
        languages=list(form.languages.data or []),
        phones=[
            (entry.form.number.data.strip(), _text(entry.form.description.data), _text(entry.form.description_en.data))
            for entry in form.phones.entries
            if _text(entry.form.number.data)
        ],
        url=_text(form.url.data),
        city=_text(form.city.data),
        address_1=_text(form.address_1.data),
        latitude=latitude,
        longitude=float(form.longitude.data) if form.longitude.data else None,
        accessibility=_text(form.accessibility.data),
        accessibility_en=_text(form.accessibility_en.data),
        hours=form.hours(),
        timezone=form.timezone.data.strip(),
        verified_on=form.verified_on.data,
    )


def _kept_service(service_id: str):
    """A service this supervisor's organisation keeps; any other service is not found."""
    service = services.find_service(db.session, service_id)
    if service is None or not service.kept_by(current_user.organisation_id):
        abort(404)
    return service


@bp.get("/")
@supervisor_required
@kept_page
def list_directory():
    """Every service in the directory, shown or hidden, with who keeps it."""
    found = services.all_services(db.session, request.args.get("page", 1, type=page_number))
    return render_template(
        "services_map/console_list.html",
        services=found,
        hidden_here=services.hidden_for(db.session, current_user.organisation_id, among=found.items),
        organisation_id=current_user.organisation_id,
    )


@bp.route("/new", methods=["GET", "POST"])
@supervisor_required
def create_service():
    """Add a service to the directory."""
    form = _form()
    if form.validate_on_submit():
        service = services.save_service(db.session, None, _details(form), now(), keeper_id=current_user.organisation_id)
        db.session.commit()
        flash(_("The service is saved: %(name)s.", name=service.name))
        return redirect(url_for("services_console.list_directory"))
    return render_template("services_map/console_form.html", form=form, service=None, days=DAYS)


@bp.route("/<service_id>/edit", methods=["GET", "POST"])
@supervisor_required
def edit_service(service_id: str):
    """Change a service's details (only the organisation that keeps it)."""
    service = _kept_service(service_id)
    form = _form(service)
    if form.validate_on_submit():
        services.save_service(db.session, service, _details(form), now())
        db.session.commit()
        flash(_("The service is saved: %(name)s.", name=service.name))
        return redirect(url_for("services_console.list_directory"))
    return render_template("services_map/console_form.html", form=form, service=service, days=DAYS)


def _done(message: str):
    db.session.commit()
    flash(message)
    return redirect(url_for("services_console.list_directory"))


@bp.post("/<service_id>/hide")
@supervisor_required
def hide_service(service_id: str):
    """Hide a service from everyone (only the organisation that keeps it; it stays in the console and the export)."""
    service = _kept_service(service_id)
    services.set_shown(service, False, now())
    return _done(_("Hidden from the directory: %(name)s.", name=service.name))


@bp.post("/<service_id>/show")
@supervisor_required
def show_service(service_id: str):
    """Show a hidden service to everyone again (only the organisation that keeps it)."""
    service = _kept_service(service_id)
    services.set_shown(service, True, now())
    return _done(_("Shown in the directory again: %(name)s.", name=service.name))


@bp.post("/<service_id>/hide-here")
@supervisor_required
def hide_here(service_id: str):
    """Hide any service from this organisation's own people; other organisations still show it."""
    service = services.find_service(db.session, service_id) or abort(404)
    services.hide_for(db.session, service, current_user.organisation_id, True, now())
    return _done(_("Hidden from your organisation's people: %(name)s.", name=service.name))


@bp.post("/<service_id>/show-here")
@supervisor_required
def show_here(service_id: str):
    """Show a service to this organisation's own people again."""
    service = services.find_service(db.session, service_id) or abort(404)
    services.hide_for(db.session, service, current_user.organisation_id, False, now())
    return _done(_("Shown to your organisation's people again: %(name)s.", name=service.name))


@bp.get("/reports")
@supervisor_required
@kept_page
def report_queue():
    """Services someone said are wrong, with what and since when, and when each was last checked."""
    return render_template(
        "services_map/console_reports.html", queue=services.report_queue(db.session, request.args.get("page", 1, type=page_number)),
        organisation_id=current_user.organisation_id, vocabulary=vocabulary,
    )


@bp.post("/<service_id>/checked")
@supervisor_required
def mark_checked(service_id: str):
    """The keeping organisation checked the details: today becomes the checked date, and the reports are cleared."""
    service = _kept_service(service_id)
    services.mark_checked(db.session, service, now())
    db.session.commit()
    flash(_("Marked as checked today: %(name)s.", name=service.name))
    return redirect(url_for("services_console.report_queue"))


MAX_IMPORT_BYTES = 5 * 1024 * 1024


@bp.app_template_global()
def import_words(message) -> str:
    """A problem's words (or the place in the file) in the page's language."""
    return message.translated(_) if isinstance(message, hsds.Message) else str(message)


def _try_import(data: bytes, filename: str) -> tuple[services.ImportSummary | None, list, str | None]:
    """Import into the open transaction: the summary, or the problems, or why the file cannot be read."""
    try:
        package = hsds.read_bytes(data, filename)
        return services.import_package(db.session, package, now(), keeper_id=current_user.organisation_id), [], None
    except hsds.FormatError as error:
        return None, [], error.message.translated(_)
    except services.ImportRefused as refused:
        return None, refused.problems, None


@bp.route("/import", methods=["GET", "POST"])
@upload_endpoint(MAX_IMPORT_BYTES)
@supervisor_required
def import_directory():
    """Upload a directory file and see, before anything is stored, what it would add or change and what is wrong."""
    form, apply_form = ImportForm(), ApplyImportForm()
    preview = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(MAX_IMPORT_BYTES + 1)
        filename = (upload.filename or "directory.json").rsplit("/", 1)[-1][:200]
        if len(data) > MAX_IMPORT_BYTES:
            form.file.errors.append(_("The file is larger than 5 MB. Split it, or ask the server's administrators to import it."))
        else:
            summary, problems, unreadable = _try_import(data, filename)
            # A preview stores nothing: the whole import is undone here and done again on "Import".
            db.session.rollback()
            preview = {"summary": summary, "problems": problems, "unreadable": unreadable, "filename": filename}
            apply_form.content.data, apply_form.filename.data = base64.b64encode(data).decode("ascii"), filename
    return render_template("services_map/console_import.html", form=form, apply_form=apply_form, preview=preview)


@bp.post("/import/apply")
@upload_endpoint(MAX_IMPORT_BYTES)
@supervisor_required
def apply_import():
    """Store the previewed file: all of it, or nothing when anything is wrong."""
    apply_form = ApplyImportForm()
    try:
        data = base64.b64decode(apply_form.content.data or "", validate=True) if apply_form.validate_on_submit() else b""
    except (binascii.Error, ValueError):
        data = b""
    if not data or len(data) > MAX_IMPORT_BYTES:
        flash(_("The file could not be read again. Choose it once more."))
        return redirect(url_for("services_console.import_directory"))
    summary, problems, unreadable = _try_import(data, apply_form.filename.data)
    if summary is None:
        db.session.rollback()
        preview = {"summary": None, "problems": problems, "unreadable": unreadable, "filename": apply_form.filename.data}
        return render_template("services_map/console_import.html", form=ImportForm(formdata=None), apply_form=apply_form, preview=preview), 422
    db.session.commit()
    flash(ngettext("%(num)d service imported.", "%(num)d services imported.", summary.services))
    return redirect(url_for("services_console.list_directory"))


@bp.get("/export.json")
@supervisor_required
def export_json():
    """The whole directory as an HSDS JSON file."""
    data = hsds.json_bytes(services.directory_tables(db.session))
    return send_file(io.BytesIO(data), mimetype="application/json", as_attachment=True, download_name="directory-hsds.json")


@bp.get("/export.zip")
@supervisor_required
def export_zip():
    """The whole directory as an HSDS CSV package (zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in hsds.package_files(services.directory_tables(db.session)).items():
            archive.writestr(name, data)
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name="directory-hsds.zip")
