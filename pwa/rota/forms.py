"""Duty rota forms: a weekly shift, and an exception for a date."""
from flask_babel import lazy_gettext as _l
from ..forms import DateField, FlaskForm, TimeField
from wtforms import RadioField, SelectField, SelectMultipleField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class ShiftForm(FlaskForm):
    staff_id = SelectField(_l("Case manager"), coerce=int, validate_choice=True)
    weekdays = SelectMultipleField(
        _l("Days"),
        coerce=int,
        widget=ListWidget(html_tag="ul", prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one day."))],
    )
    # TRANSLATORS: duty rota: the time a shift starts
    starts = TimeField(_l("From"), validators=[InputRequired(_l("Write when the shift starts, for example 08:00."))])
    ends = TimeField(
        # TRANSLATORS: duty rota: the time a shift ends
        _l("To"),
        description=_l("An earlier time means the next morning; 00:00 is midnight."),
        validators=[InputRequired(_l("Write when the shift ends, for example 16:00."))],
    )


class ExceptionForm(FlaskForm):
    staff_id = SelectField(_l("Case manager"), coerce=int, validate_choice=True)
    on_date = DateField(_l("Date"), validators=[InputRequired(_l("Choose a date."))])
    kind = RadioField(
        # TRANSLATORS: duty rota: label of the choice for one date: off duty, or on duty other hours
        _l("That day"),
        choices=[SelectChoice("off", _l("Off duty all day")), SelectChoice("on", _l("On duty for these hours instead"))],
        default="off",
        validators=[InputRequired(_l("Choose off duty or on duty."))],
    )
    starts = TimeField(_l("From"), validators=[Optional()])
    ends = TimeField(_l("To"), description=_l("An earlier time means the next morning; 00:00 is midnight."), validators=[Optional()])

    # On the choice, not the times: an empty optional time stops its own checks.
    def validate_kind(self, field) -> None:
        if field.data == "on" and (self.starts.data is None or self.ends.data is None):
            raise ValidationError(_l("Write the hours on duty, for example 08:00 to 16:00."))
