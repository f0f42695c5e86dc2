"""The duty rota: supervisors set who shares the duty queue, by weekday and hours, with exceptions."""
from __future__ import annotations

from babel.dates import get_day_names
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ..clock import now, today
from ..extensions import db
from ..kept_pages import kept_page
from ..i18n import page_language
from ..models import DutyException, DutyShift, Staff
from ..pagination import page_number, page_of
from ..security import supervisor_required
from . import services
from .forms import ExceptionForm, ShiftForm

bp = Blueprint("rota", __name__, url_prefix="/console/rota")

# Two forms share the page, so their fields carry prefixes; the app-wide CSRF check
# (``csrf_token`` in every post) protects them, not a prefixed token of their own.
NO_FORM_CSRF = {"csrf": False}


@bp.app_template_global()
def on_duty_now() -> list[Staff]:
    """The case managers on duty now in the signed-in person's organisation (shown in the console)."""
    return services.staff_on_duty(db.session, current_user.organisation_id, now())


@bp.app_template_filter()
def clock_time(minute: int) -> str:
    """Minutes after midnight as a time of day (24:00 for the end of the day)."""
    return services.format_minute(minute)


def weekday_names() -> dict[int, str]:
    """Monday (0) to Sunday (6) in the reader's language."""
    return dict(sorted(get_day_names("wide", locale=page_language()).items()))


def _forms(shift_form=None, exception_form=None):
    people = [SelectChoice(person.id, person.first_name) for person in services.rota_staff(db.session, current_user.organisation_id)]
    shift_form = shift_form or ShiftForm(prefix="shift", meta=NO_FORM_CSRF)
    exception_form = exception_form or ExceptionForm(prefix="exception", meta=NO_FORM_CSRF)
    shift_form.staff_id.choices = exception_form.staff_id.choices = people
    shift_form.weekdays.choices = [SelectChoice(number, name) for number, name in weekday_names().items()]
    return shift_form, exception_form


def _page(shift_form=None, exception_form=None, status: int = 200):
    shift_form, exception_form = _forms(shift_form, exception_form)
    organisation_id = current_user.organisation_id
    return render_template(
        "rota/rota.html",
        week=services.week(db.session, organisation_id),
        days=weekday_names(),
        exceptions=page_of(db.session, services.upcoming_exceptions(organisation_id, today()), request.args.get("page", 1, type=page_number), scalars=True),
        shift_form=shift_form,
        exception_form=exception_form,
    ), status


def _minutes(value) -> int:
    return value.hour * 60 + value.minute


@bp.get("/")
@supervisor_required
@kept_page
def show_rota():
    """The week's grid, the exceptions to come, and who is on duty now."""
    return _page()


@bp.post("/shifts")
@supervisor_required
def add_shift():
    """Put a case manager on duty on some weekdays, for the same hours."""
    shift_form, _exception_form = _forms(ShiftForm(prefix="shift", meta=NO_FORM_CSRF))
    if not shift_form.validate_on_submit():
        return _page(shift_form=shift_form, status=400)
    person = db.session.get(Staff, shift_form.staff_id.data)
    hours = services.normalise_hours(_minutes(shift_form.starts.data), _minutes(shift_form.ends.data))
    services.add_shift(db.session, person, shift_form.weekdays.data, hours)
    db.session.commit()
    flash(_("The rota is saved."))
    return redirect(url_for("rota.show_rota"), code=303)


@bp.post("/exceptions")
@supervisor_required
def add_exception():
    """A date when a case manager is off, or on duty for other hours."""
    _shift_form, exception_form = _forms(exception_form=ExceptionForm(prefix="exception", meta=NO_FORM_CSRF))
    if not exception_form.validate_on_submit():
        return _page(exception_form=exception_form, status=400)
    person = db.session.get(Staff, exception_form.staff_id.data)
    hours = None
    if exception_form.kind.data == "on":
        hours = services.normalise_hours(_minutes(exception_form.starts.data), _minutes(exception_form.ends.data))
    services.add_exception(db.session, person, exception_form.on_date.data, hours)
    db.session.commit()
    flash(_("The rota is saved."))
    return redirect(url_for("rota.show_rota"), code=303)


def _own_or_404(model, record_id: int):
    record = db.session.get(model, record_id)
    if record is None or record.organisation_id != current_user.organisation_id:
        abort(404)
    return record


@bp.post("/shifts/<int:shift_id>/remove")
@supervisor_required
def remove_shift(shift_id: int):
    """Take one shift off the week."""
    db.session.delete(_own_or_404(DutyShift, shift_id))
    db.session.commit()
    flash(_("The shift is removed."))
    return redirect(url_for("rota.show_rota"), code=303)


@bp.post("/exceptions/<int:exception_id>/remove")
@supervisor_required
def remove_exception(exception_id: int):
    """Remove an exception: the week's shifts apply that day again."""
    db.session.delete(_own_or_404(DutyException, exception_id))
    db.session.commit()
    flash(_("The exception is removed."))
    return redirect(url_for("rota.show_rota"), code=303)
