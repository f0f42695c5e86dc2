"""The audit log's filters (a GET form: reading changes nothing, so it needs no CSRF token)."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, ValidationError
from wtforms.validators import Length, Optional

from ..forms import DateField, Form


def _optional_int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


class LogFilterForm(Form):
    # One person's record, from the link on her record (a list of every person would grow with the organisation).
    survivor = HiddenField(filters=[_optional_int])
    person = StringField(
        # TRANSLATORS: audit log filter and column: the person whose record it is
        _l("Person"),
        # TRANSLATORS: audit log filter hint: type the person's nickname (pseudonim), or a part of it
        description=_l("The person's nickname, or part of it."),
        validators=[Optional(), Length(max=40)],
    )
    # TRANSLATORS: audit log filter and column: who opened or changed the record
    staff = SelectField(_l("Staff member"), coerce=_optional_int, validate_choice=False)
    action = SelectField(_l("Kind of action"), validate_choice=False)
    # TRANSLATORS: date field: the first day to show
    start = DateField(_l("From"), validators=[Optional()])
    # TRANSLATORS: date field: the last day to show
    end = DateField(_l("To"), validators=[Optional()])

    def validate_end(self, field) -> None:
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end date is before the start date."))
