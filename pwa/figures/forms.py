"""Choosing the period of the figures, and another to compare it with (a GET form)."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..forms import Form

PRESET_LABELS = {
    "this_month": _l("This month"),
    "last_month": _l("Last month"),
    "this_quarter": _l("This quarter"),
    "last_quarter": _l("Last quarter"),
    "this_year": _l("This year"),
    "last_year": _l("Last year"),
    "custom": _l("Dates I choose"),
}


def _custom_dates(form, kind, start, end) -> None:
    if kind.data != "custom":
        return
    if start.data is None or end.data is None:
        raise ValidationError(_l("Choose a start date and an end date."))
    if end.data < start.data:
        raise ValidationError(_l("The end date is before the start date."))


class PeriodForm(Form):
    period = SelectField(_l("Period"), choices=[SelectChoice(k, v) for k, v in PRESET_LABELS.items()], default="this_month")
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    compare = SelectField(
        _l("Compare with"),
        choices=[SelectChoice("", _l("No comparison"))] + [SelectChoice(k, v) for k, v in PRESET_LABELS.items()],
        default="",
    )
    compare_start = DateField(_l("From (comparison)"), validators=[Optional()])
    compare_end = DateField(_l("To (comparison)"), validators=[Optional()])

    # On the choice, not the dates: an empty optional date stops its own checks.
    def validate_period(self, field) -> None:
        _custom_dates(self, field, self.start, self.end)

    def validate_compare(self, field) -> None:
        _custom_dates(self, field, self.compare_start, self.compare_end)
