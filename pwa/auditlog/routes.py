"""The audit log: supervisors read who opened or changed which record, and download it."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..models import Staff, Survivor
from ..pagination import page_number, page_of
from ..security import supervisor_required
from . import services
from .forms import LogFilterForm

bp = Blueprint("auditlog", __name__, url_prefix="/console/audit")

# Every view of a record adds an event: past this many, the log is not counted to its end.
COUNT_LIMIT = 10_000


def _filter_form() -> LogFilterForm:
    organisation_id = current_user.organisation_id
    form = LogFilterForm(request.args)
    staff = db.session.execute(
        select(Staff.id, Staff.first_name).where(Staff.organisation_id == organisation_id).order_by(func.lower(Staff.first_name))
    ).all()
    # TRANSLATORS: audit log filter: first choice: every person or every staff member
    everyone = SelectChoice("", _("Everyone"))
    form.staff.choices = [everyone] + [SelectChoice(s.id, s.first_name) for s in staff]
    # TRANSLATORS: audit log filter: first choice: every kind of action
    form.action.choices = [SelectChoice("", _("Every kind"))] + [SelectChoice(key, label) for key, label in services.ACTIONS.items()]
    form.validate()
    return form


def _chosen_person(form: LogFilterForm) -> str | None:
    """The nickname of the one person the log is narrowed to (from her record's link), if she is of this organisation."""
    if not form.survivor.data:
        return None
    return db.session.scalar(
        select(Survivor.nickname).where(Survivor.id == form.survivor.data, Survivor.organisation_id == current_user.organisation_id)
    )


def _wanted(form: LogFilterForm) -> services.LogFilter:
    """The filters that are valid (a wrong date is shown as an error and left out)."""
    return services.LogFilter(
        survivor_id=form.survivor.data,
        nickname=form.person.data if not form.person.errors else None,
        staff_id=form.staff.data,
        start=form.start.data if not form.start.errors else None,
        end=form.end.data if not form.end.errors else None,
        action=form.action.data if form.action.data in services.ACTIONS else None,
    )


@bp.get("/")
@supervisor_required
def show_log():
    """The log, newest first, a page at a time, filtered by person, staff member, dates and kind of action."""
    form = _filter_form()
    query = services.events_query(current_user.organisation_id, _wanted(form))
    page = page_of(db.session, query, request.args.get("page", 1, type=page_number), count_limit=COUNT_LIMIT)
    # Only the form's own fields go back into the links: any other name could be one of url_for's.
    filters = {field.name: request.args[field.name] for field in form if request.args.get(field.name)}
    return render_template(
        "auditlog/log.html", form=form, page=page, filters=filters, action_label=services.action_label,
        chosen_person=_chosen_person(form), every_record={key: value for key, value in filters.items() if key != "survivor"},
    )


@bp.get("/log.csv")
@supervisor_required
def download_log():
    """The same events as CSV (every page)."""
    form = _filter_form()
    headings = [_("When"), _("Staff member"), _("Person"), _("Action")]
    text = services.events_csv(db.session, current_user.organisation_id, _wanted(form), headings, _("A deleted record"))
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
