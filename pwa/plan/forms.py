"""Plan forms: every message translated, every choice checked against the vocabulary."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from ..forms import DateField, FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError

from ..clock import today
from .vocabulary import AREAS, GOAL_STATUSES, STAGES, TEMPLATES

TITLE_MAX = 120
STEP_MAX = 200
NOTE_MAX = 500


class DateWithin:
    """A date from ``past_days`` ago to ``future_days`` ahead of today."""

    def __init__(self, past_days: int, future_days: int, future_message=_l("Choose a date in the next five years.")):
        self.past_days, self.future_days, self.future_message = past_days, future_days, future_message

    def __call__(self, form, field):
        if field.data is None:
            return
        now = today()
        if field.data < now - timedelta(days=self.past_days):
            raise ValidationError(_l("This date is too far in the past."))
        if field.data > now + timedelta(days=self.future_days):
            raise ValidationError(self.future_message)


def _choice(keys, message):
    return AnyOf(list(keys), message=message)


AREA_RULE = _choice(AREAS, _l("Choose one of the areas in the list."))
STAGE_RULE = _choice(STAGES, _l("Choose one of the stages in the list."))
FUTURE_DATE = DateWithin(past_days=366, future_days=5 * 366)


class StepForm(FlaskForm):
    """A step: a few words and maybe a day to do it by."""

    text = StringField(
        # TRANSLATORS: form label: one step of a goal in a plan
        _l("Step"),
        validators=[
            DataRequired(_l("Write the step in a few words.")),
            Length(min=2, max=STEP_MAX, message=_l("A step must have 2 to %(max)d letters.")),
        ],
    )
    due_date = DateField(_l("By when (you can leave it empty)"), validators=[Optional(), FUTURE_DATE])


class EditStepForm(StepForm):
    version = HiddenField(validators=[InputRequired()])


class ProposeGoalForm(FlaskForm):
    """A goal the survivor adds to her own plan."""

    title = StringField(
        _l("Your goal, in a few words"),
        validators=[
            DataRequired(_l("Write your goal in a few words.")),
            Length(min=2, max=TITLE_MAX, message=_l("A goal must have 2 to %(max)d letters.")),
        ],
    )
    area = SelectField(_l("What it is about"), validate_choice=False, validators=[AREA_RULE])


class GoalForm(FlaskForm):
    """A goal as staff write it."""

    title = StringField(
        # TRANSLATORS: form label: a goal in a plan
        _l("Goal"),
        validators=[
            DataRequired(_l("Write the goal in a few words.")),
            Length(min=2, max=TITLE_MAX, message=_l("A goal must have 2 to %(max)d letters.")),
        ],
    )
    area = SelectField(_l("Area of help"), validate_choice=False, validators=[AREA_RULE])
    # TRANSLATORS: the stage of the programme: crisis, transition, inclusion
    stage = SelectField(_l("Stage"), validate_choice=False, validators=[STAGE_RULE])
    target_date = DateField(_l("By when (optional)"), validators=[Optional(), FUTURE_DATE])


class EditGoalForm(GoalForm):
    version = HiddenField(validators=[InputRequired()])


class StageForm(FlaskForm):
    # TRANSLATORS: form label: the stage a person's plan is in now
    stage = SelectField(_l("Stage now"), validate_choice=False, validators=[STAGE_RULE])


class GoalStatusForm(FlaskForm):
    status = SelectField(
        # TRANSLATORS: label: the state of a goal or a help request
        _l("Status"),
        validate_choice=False,
        validators=[_choice(GOAL_STATUSES, _l("Choose one of the statuses in the list."))],
    )


class TemplateForm(FlaskForm):
    template = HiddenField(validators=[_choice(TEMPLATES, _l("Choose one of the goals in the list."))])


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])


class TickForm(FlaskForm):
    done = HiddenField(validators=[AnyOf(["0", "1"])])


class AgreementForm(FlaskForm):
    agree = HiddenField(validators=[AnyOf(["0", "1"])])


class CheckInForm(FlaskForm):
    held_on = DateField(
        _l("Date"), validators=[
            InputRequired(_l("Write the date of the check-in.")),
            DateWithin(366, 0, _l("A check-in cannot be in the future.")),
        ],
    )
    note = TextAreaField(
        _l("How the person is doing, in a few words"),
        description=_l("Only staff who work with the person see this. It is kept encrypted."),
        validators=[Optional(), Length(max=NOTE_MAX, message=_l("At most %(max)d letters."))],
    )


def area_choices():
    return [(key, label) for key, label in AREAS.items()]


def stage_choices(survivor_labels: bool = False):
    return [(s.key, s.survivor_label if survivor_labels else s.label) for s in STAGES.values()]


def status_choices():
    return list(GOAL_STATUSES.items())


def parse_version(form) -> int:
    """The version the editor loaded (a tampered value means the text changed meanwhile)."""
    text = form.version.data or ""
    # A version is a small counter: anything else (or too large for the database) cannot match.
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        return -1
    return int(text)



class RecommendServiceForm(FlaskForm):
    """Recommend a service from the directory for a goal, or for one of its steps."""

    # TRANSLATORS: a service from the directory
    service = SelectField(_l("Service"), validate_choice=True, validators=[DataRequired(_l("Choose a service."))])
    # TRANSLATORS: form label: the goal or step a service is recommended for
    step = SelectField(_l("For"), validate_choice=True)


def recommend_form(goal, services, formdata=...):
    """The form with the published services (those of the goal's area first) and the goal's steps."""
    from wtforms.fields.choices import SelectChoice

    from .vocabulary import step_text

    kwargs = {"prefix": "recommend"}
    if formdata is not ...:
        kwargs["formdata"] = formdata
    form = RecommendServiceForm(**kwargs)
    ordered = sorted(services, key=lambda s: (goal.area not in s.areas, s.name.lower()))
    form.service.choices = [SelectChoice("", _l("Choose a service"))] + [SelectChoice(s.id, s.name) for s in ordered]
    form.step.choices = [SelectChoice("", _l("The whole goal"))] + [SelectChoice(str(step.id), step_text(step)) for step in goal.steps]
    return form
