"""Appointments: hers (upcoming, one appointment, the calendar file, "I can't come") and the staff's (by day, schedule, change, cancel)."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_survivor_or_404
from ..clock import now
from ..extensions import db
from ..models import Appointment
from ..security import staff_required, survivor_required
from ..signing import secret_keys
from . import services
from .calendar import appointment_ics, calendar_uid
from .forms import AppointmentForm, DayForm

bp = Blueprint("appointments", __name__)


def _default_locale() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _is_open(appointment: Appointment) -> bool:
    """She can still answer: not cancelled and not over."""
    return not appointment.is_cancelled and appointment.starts_at >= now() - services.UPCOMING_GRACE


# Hers ------------------------------------------------------------------------------

def _her_appointment_or_404(appointment_id: int) -> Appointment:
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None or appointment.survivor_id != current_user.id:
        abort(404)
    return appointment


@bp.get("/appointments")
@survivor_required
def list_appointments():
    """Her upcoming appointments, and reminders on this phone."""
    return render_template("appointments/list.html", appointments=services.upcoming_for(db.session, current_user, now()))


@bp.get("/appointments/<int:appointment_id>")
@survivor_required
def show_appointment(appointment_id: int):
    """One appointment in full (a reminder opens this page, after the PIN)."""
    appointment = _her_appointment_or_404(appointment_id)
    return render_template("appointments/appointment.html", appointment=appointment, is_open=_is_open(appointment))


@bp.get("/appointments/<int:appointment_id>/calendar.ics")
@survivor_required
def download_calendar(appointment_id: int):
    """The appointment for her phone's calendar: only the organisation's neutral words and the time."""
    appointment = _her_appointment_or_404(appointment_id)
    organisation = appointment.survivor.organisation
    # TRANSLATORS: page title: one appointment
    summary = organisation.calendar_text or _("Appointment")
    uid = calendar_uid(appointment, secret_keys())
    db.session.commit()
    body = appointment_ics(appointment, now(), summary, uid, organisation.reminder_offsets)
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    # TRANSLATORS: file name of the calendar file, lower case, no spaces
    filename = _("appointment") + ".ics"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _answered(appointment: Appointment):
    """The answer fragment for htmx; otherwise back to the appointment page."""
    if request.headers.get("HX-Request"):
        response = make_response(render_template("appointments/_answer.html", appointment=appointment, is_open=_is_open(appointment)))
    else:
        response = redirect(url_for("appointments.show_appointment", appointment_id=appointment.id))
    response.vary.add("HX-Request")
    return response


@bp.post("/appointments/<int:appointment_id>/cant-come")
@survivor_required
def cant_come(appointment_id: int):
    """She cannot come; her case manager sees it."""
    appointment = _her_appointment_or_404(appointment_id)
    if _is_open(appointment):
        services.say_cant_come(db.session, appointment, now(), _default_locale())
        db.session.commit()
    return _answered(appointment)


@bp.post("/appointments/<int:appointment_id>/can-come")
@survivor_required
def can_come(appointment_id: int):
    """She can come after all."""
    appointment = _her_appointment_or_404(appointment_id)
    if _is_open(appointment):
        services.say_can_come(db.session, appointment)
        db.session.commit()
    return _answered(appointment)


# The staff's ---------------------------------------------------------------------------

def _staff_appointment_or_404(appointment_id: int, action: str) -> Appointment:
    """The appointment, if the signed-in staff member may see its person (audited); otherwise 404."""
    appointment = db.session.get(Appointment, appointment_id)
    if appointment is None:
        abort(404)
    get_survivor_or_404(appointment.survivor_id, action)
    return appointment


def _day_url(appointment: Appointment) -> str:
    return url_for("appointments.list_day", day=services.tirane_day(appointment.starts_at).isoformat())


@bp.get("/console/appointments")
@staff_required
def list_day():
    """The appointments of one day (today unless ``?day=YYYY-MM-DD``) of the people I work with."""
    form = DayForm(request.args)
    day = services.tirane_day(now())
    if request.args.get("day") and form.validate():
        day = form.parsed
    elif not request.args.get("day"):
        form.day.data = day
    return render_template(
        "appointments/staff_day.html",
        form=form,
        day=day,
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        today=services.tirane_day(now()),
        appointments=services.appointments_on(db.session, current_user, day),
    )


@bp.route("/console/people/<int:survivor_id>/appointments/new", methods=["GET", "POST"])
@staff_required
def schedule_appointment(survivor_id: int):
    """Schedule an appointment for one of my people."""
    survivor = get_survivor_or_404(survivor_id, "appointment_new" if request.method == "POST" else "view")
    form = AppointmentForm()
    if request.method == "GET":
        form.minutes.data = survivor.organisation.appointment_minutes
    if form.validate_on_submit():
        appointment = services.schedule_appointment(
            db.session, current_user, survivor, form.starts_at, form.title.data, form.place.data, now(), minutes=form.minutes.data
        )
        db.session.commit()
        flash(_("The appointment is saved."))
        return redirect(_day_url(appointment))
    db.session.commit()  # the audit event
    return render_template("appointments/schedule.html", form=form, survivor=survivor)


@bp.route("/console/appointments/<int:appointment_id>/edit", methods=["GET", "POST"])
@staff_required
def edit_appointment(appointment_id: int):
    """Change the time, title or place; a new time makes the reminders again."""
    appointment = _staff_appointment_or_404(appointment_id, "appointment_edit" if request.method == "POST" else "view")
    form = AppointmentForm()
    if request.method == "GET":
        form.fill_from(appointment)
    elif not appointment.is_cancelled and form.validate_on_submit():
        services.change_appointment(db.session, appointment, form.starts_at, form.title.data, form.place.data, now(), minutes=form.minutes.data)
        db.session.commit()
        flash(_("The appointment is saved."))
        return redirect(_day_url(appointment))
    db.session.commit()  # the audit event
    return render_template("appointments/edit.html", form=form, appointment=appointment)


@bp.post("/console/appointments/<int:appointment_id>/cancel")
@staff_required
def cancel_appointment(appointment_id: int):
    """Cancel an appointment: she sees it is cancelled, and no reminder goes."""
    appointment = _staff_appointment_or_404(appointment_id, "appointment_cancel")
    if not appointment.is_cancelled:
        services.cancel_appointment(db.session, appointment, now())
    db.session.commit()
    flash(_("The appointment is cancelled."))
    return redirect(_day_url(appointment))
