"""Forms for moving and closing cases."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, ValidationError

from ..models import ClosureReason

CLOSURE_REASONS = {
    # TRANSLATORS: staff: why the case is closing: the person reached her goals
    ClosureReason.GOALS_REACHED.value: _l("Goals reached"),
    # TRANSLATORS: staff: why the case is closing: the person moved to another place
    ClosureReason.MOVED_AWAY.value: _l("Moved away"),
    ClosureReason.CHOSE_TO_STOP.value: _l("Chose to stop"),
    # TRANSLATORS: staff: why the case is closing: we can no longer reach the person
    ClosureReason.LOST_CONTACT.value: _l("Lost contact"),
    # TRANSLATORS: staff: why the case is closing: another reason
    ClosureReason.OTHER.value: _l("Other"),
}


class MoveForm(FlaskForm):
    case_manager_id = SelectField(
        _l("New case manager"),
        coerce=lambda value: int(value) if str(value).isdigit() else None,
        validators=[InputRequired(_l("Choose a case manager."))],
        validate_choice=False,
    )

    def validate_case_manager_id(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_l("Choose a case manager."))


class CloseForm(FlaskForm):
    reason = RadioField(
        _l("Why is the case closing?"),
        choices=[SelectChoice(value, label) for value, label in CLOSURE_REASONS.items()],
        validators=[InputRequired(_l("Choose why the case is closing."))],
    )
