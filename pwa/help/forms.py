"""Forms for asking for help (survivor) and for answering requests (staff)."""
from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from ..models.help import CONTACTS, SETBACKS, URGENCIES
from .labels import CONTACT_LABELS, CONTACT_STAFF_LABELS, SETBACK_LABELS, URGENCY_LABELS

NOTE_MAX = 500
OUTCOME_MAX = 120


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in labels.items()]


class OneOf:
    """The answer must be one of the offered keys; a missing or unknown one gets the same plain message."""

    def __init__(self, keys, message):
        self.keys, self.message = tuple(keys), message

    def __call__(self, form, field):
        if field.data not in self.keys:
            field.errors[:] = []
            raise StopValidation(self.message)


class HelpRequestForm(FlaskForm):
    key = HiddenField()
    setback = RadioField(
        # TRANSLATORS: first question of Ask for help
        _l("What happened?"),
        choices=_choices(SETBACK_LABELS),
        validate_choice=False,
        validators=[OneOf(SETBACKS, _l("Choose what happened."))],
    )
    urgency = RadioField(
        _l("How soon do you need help?"),
        choices=_choices(URGENCY_LABELS),
        validate_choice=False,
        validators=[OneOf(URGENCIES, _l("Choose how soon you need help."))],
    )
    contact = RadioField(
        _l("How should we reach you?"),
        choices=_choices(CONTACT_LABELS),
        validate_choice=False,
        validators=[OneOf(CONTACTS, _l("Choose how we can reach you."))],
    )
    note = TextAreaField(
        _l("Anything you want to add? (you can leave this empty)"),
        description=_l("Only the people who answer your request can read it."),
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("Please keep it shorter: at most %(max)d letters."))],
    )


class AnswerForm(FlaskForm):
    how = RadioField(
        _l("How did you reach them?"),
        choices=_choices(CONTACT_STAFF_LABELS),
        validate_choice=False,
        validators=[OneOf(CONTACTS, _l("Choose how you reached them."))],
    )


class ResolveForm(FlaskForm):
    outcome = StringField(
        _l("Outcome, in a few words"),
        description=_l("For example: rent paid this month, referred to the health centre."),
        validators=[
            DataRequired(_l("Write the outcome in a few words.")),
            Length(max=OUTCOME_MAX, message=_l("At most %(max)d characters.")),
        ],
    )


class AwayForm(FlaskForm):
    away = RadioField(
        _l("Are you away?"),
        choices=[SelectChoice("no", _l("I am here")), SelectChoice("yes", _l("I am away"))],
        validate_choice=False,
        validators=[OneOf(("no", "yes"), _l("Choose whether you are away."))],
    )
    delegate_id = SelectField(
        _l("Who answers for you while you are away"),
        description=_l("They see your people and their requests until you are back."),
        coerce=lambda value: int(value) if str(value).isdigit() else None,
        validate_choice=False,
    )

    def validate_delegate_id(self, field):
        offered = {choice.value for choice in field.choices if choice.value}
        if self.away.data == "yes" and field.data not in offered:
            raise ValidationError(_l("Choose who answers for you while you are away."))
