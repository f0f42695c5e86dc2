"""Choosing the period of the figures, and another to compare it with (a GET form)."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..forms import DateField, Form

PRESET_LABELS = {
    # TRANSLATORS: figures: the period shown, the month we are in
    "this_month": _l("This month"),
    # TRANSLATORS: figures: the period shown, the whole month before this one
    "last_month": _l("Last month"),
    # TRANSLATORS: figures: the period shown, the three months we are in
    "this_quarter": _l("This quarter"),
    # TRANSLATORS: figures: the period shown, the three months before this quarter
    "last_quarter": _l("Last quarter"),
    # TRANSLATORS: figures: the period shown, the year we are in
    "this_year": _l("This year"),
    # TRANSLATORS: figures: the period shown, the year before this one
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
    # TRANSLATORS: figures: label of the list of periods (this month, last year...)
    period = SelectField(_l("Period"), choices=[SelectChoice(k, v) for k, v in PRESET_LABELS.items()], default="this_month")
    # TRANSLATORS: date field: the first day of the period
    start = DateField(_l("From"), validators=[Optional()])
    # TRANSLATORS: date field: the last day of the period
    end = DateField(_l("To"), validators=[Optional()])
    compare = SelectField(
        # TRANSLATORS: figures: label of a list: a second period to set next to the first
        _l("Compare with"),
        # TRANSLATORS: figures: first choice of the list: show only one period
        choices=[SelectChoice("", _l("No comparison"))] + [SelectChoice(k, v) for k, v in PRESET_LABELS.items()],
        default="",
    )
    # TRANSLATORS: figures: the first day of the second period, the one compared with
    compare_start = DateField(_l("From (comparison)"), validators=[Optional()])
    # TRANSLATORS: figures: the last day of the second period, the one compared with
    compare_end = DateField(_l("To (comparison)"), validators=[Optional()])

    # On the choice, not the dates: an empty optional date stops its own checks.
    def validate_period(self, field) -> None:
        _custom_dates(self, field, self.start, self.end)

    def validate_compare(self, field) -> None:
        _custom_dates(self, field, self.compare_start, self.compare_end)
