"""The appointment form: a date and time in Tirana, a neutral title and a short place."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import DateField, FlaskForm, Form, TimeField

from ..clock import now
from .services import TIRANE, tirane_to_utc

# How far ahead an appointment may be scheduled.
MAX_AHEAD = timedelta(days=366)


class AppointmentForm(FlaskForm):
    day = DateField(
        # TRANSLATORS: form label: the day of an appointment or a talk
        _l("Date"),
        validators=[InputRequired(_l("Choose a date."))],
    )
    time = TimeField(
        # TRANSLATORS: form label: the hour of an appointment (24-hour clock)
        _l("Time"),
        description=_l("Tirana time, for example 14:30."),
        validators=[InputRequired(_l("Choose a time."))],
    )
    title = StringField(
        # TRANSLATORS: form label: a neutral name for an appointment, seen by the person
        _l("Title"),
        description=_l("Neutral words that are safe on a phone, for example “Meeting” or “Visit”. The person sees it in the app."),
        validators=[DataRequired(_l("Write a title.")), Length(max=60, message=_l("At most %(max)d characters."))],
    )
    place = StringField(
        # TRANSLATORS: form label: where an appointment or a service is
        _l("Place"),
        description=_l("A few words, for example “Office, second floor”."),
        validators=[DataRequired(_l("Write a place.")), Length(max=80, message=_l("At most %(max)d characters."))],
    )
    minutes = IntegerField(
        # TRANSLATORS: appointment form: how long the appointment lasts, in minutes
        _l("Length (minutes)"),
        description=_l("How long it lasts in the person's phone calendar. Empty: the organisation's usual length."),
        validators=[Optional(), NumberRange(min=5, max=480, message=_l("Choose between %(min)s and %(max)s minutes."))],
    )

    starts_at: datetime | None = None

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the moment they make: not in the past, not more than a year ahead."""
        if not super().validate(extra_validators):
            return False
        starts_at = tirane_to_utc(self.day.data, self.time.data)
        current = now()
        if starts_at <= current:
            self.time.errors.append(_l("Choose a time that has not passed yet."))
            return False
        if starts_at > current + MAX_AHEAD:
            self.day.errors.append(_l("Choose a date within the next year."))
            return False
        self.starts_at = starts_at
        return True

    def fill_from(self, appointment) -> None:
        """Show an appointment's time in Tirana, its title and its place."""
        local = appointment.starts_at.astimezone(TIRANE)
        self.day.data, self.time.data = local.date(), local.time().replace(second=0, microsecond=0)
        self.title.data, self.place.data = appointment.title, appointment.place
        self.minutes.data = appointment.duration_minutes


class DayForm(Form):
    """The day to show in the staff's list (sent with GET, so no form token)."""

    day = DateField(
        # TRANSLATORS: form label: the day whose appointments staff want to see
        _l("Day"),
        validators=[InputRequired(_l("Choose a date."))],
    )

    parsed: date | None = None

    def validate_day(self, field) -> None:
        # The page links to the day before and after, and the calendar has an end.
        if field.data is not None and not date.min < field.data < date.max:
            raise ValidationError(_l("Choose a date closer to today."))
        self.parsed = field.data
