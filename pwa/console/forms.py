"""Staff console forms."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField, URLField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ..config import ORGANISATION_DEFAULTS
from ..forms import FlaskForm, HttpsAddress, shown_to_others
from ..models import Role
from ..models.organisation import parse_reminder_hours
from ..staff.forms import NewPasswordForm

# Reminders go at most a week ahead, and at most three per appointment.
MAX_REMINDER_HOURS, MAX_REMINDERS = 168, 3

PHONE_RULE = Regexp(r"^\+?[0-9 ]{3,20}$", message=_l("Write the number in digits, for example 069 123 4567."))


class EnrolSurvivorForm(FlaskForm):
    nickname = StringField(
        _l("Nickname"),
        description=_l("A word you agree on together, not the person's real name. It can be changed on the phone."),
        filters=[shown_to_others],
        validators=[
            DataRequired(_l("Write a nickname.")),
            Length(min=2, max=30, message=_l("A nickname must have 2 to 30 letters.")),
        ],
    )
    # TRANSLATORS: staff role and column; on screens for the person we say 'the person who works with you'
    case_manager_id = SelectField(_l("Case manager"), coerce=int, validate_choice=True)


class StaffAccountForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Write a username.")),
            Length(min=3, max=60, message=_l("A username must have 3 to 60 characters.")),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use only letters, numbers, dots, dashes and underscores.")),
        ],
    )
    first_name = StringField(
        # TRANSLATORS: a staff member's first name, shown to the people they work with
        _l("First name"),
        description=_l("People in the programme see this name."),
        filters=[shown_to_others],
        validators=[DataRequired(_l("Write a first name.")), Length(max=60)],
    )
    # TRANSLATORS: a staff member's work number
    work_phone = StringField(_l("Work phone"), validators=[Optional(), PHONE_RULE])
    role = SelectField(
        # TRANSLATORS: staff role: case manager or supervisor
        _l("Role"),
        choices=[SelectChoice(Role.CASE_MANAGER.value, _l("Case manager")), SelectChoice(Role.SUPERVISOR.value, _l("Supervisor"))],
        validators=[DataRequired()],
    )
    password = PasswordField(
        # TRANSLATORS: a new staff account's first password
        _l("First password"),
        description=_l("At least 12 characters. Give it to them in person; they can change it."),
        validators=[
            DataRequired(_l("Write a password.")),
            Length(min=12, max=200, message=_l("A password must have at least 12 characters.")),
        ],
    )


class ChangePasswordForm(NewPasswordForm):
    # TRANSLATORS: label when changing a password
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Write your current password."))])


def _days_field(label, low: int, high: int, **kwargs) -> IntegerField:
    """A number of days between ``low`` and ``high``, with the settings page's messages."""
    return IntegerField(
        label,
        validators=[
            InputRequired(_l("Write a number of days.")),
            NumberRange(min=low, max=high, message=_l("Choose between %(min)s and %(max)s days.")),
        ],
        **kwargs,
    )


class OrganisationSettingsForm(FlaskForm):
    app_name = StringField(
        _l("Name of the app"),
        description=_l("Shown on screens, tabs and the phone's home screen. Choose a name that does not say what the app is for."),
        filters=[shown_to_others],
        validators=[DataRequired(_l("Write a name.")), Length(max=40, message=_l("At most 40 characters."))],
    )
    exit_url = URLField(
        _l("Address for Leave quickly"),
        description=_l("A harmless page that opens when someone leaves quickly, for example the weather."),
        validators=[
            DataRequired(_l("Write an address.")),
            Length(max=500),
            HttpsAddress(),
        ],
    )
    idle_lock_survivor_minutes = IntegerField(
        _l("Lock the app for people in the programme after (minutes)"),
        validators=[
            InputRequired(_l("Write a number of minutes.")),
            NumberRange(min=1, max=60, message=_l("Choose between %(min)s and %(max)s minutes.")),
        ],
    )
    idle_lock_staff_minutes = IntegerField(
        _l("Sign staff out after (minutes)"),
        validators=[
            InputRequired(_l("Write a number of minutes.")),
            NumberRange(min=5, max=240, message=_l("Choose between %(min)s and %(max)s minutes.")),
        ],
    )
    helpline = StringField(
        _l("Our help line, open 24 hours"),
        description=_l("Shown on Contacts to everyone, also without internet. Leave it empty if there is none."),
        filters=[lambda value: (value or "").strip() or None],
        validators=[Optional(), PHONE_RULE],
    )
    reminder_hours = StringField(
        _l("Reminders before an appointment (hours)"),
        description=_l("One to three numbers of hours, separated by commas, for example 24, 2."),
        validators=[DataRequired(_l("Write at least one number of hours."))],
    )
    appointment_minutes = IntegerField(
        _l("Usual length of an appointment (minutes)"),
        description=_l("The person's phone calendar shows this length; it can be changed for each appointment."),
        # Left empty (or on a form from before this setting), the usual length stays the default.
        filters=[lambda value: ORGANISATION_DEFAULTS["appointment_minutes"] if value is None else value],
        validators=[Optional(), NumberRange(min=5, max=480, message=_l("Choose between %(min)s and %(max)s minutes."))],
    )
    calendar_text = StringField(
        _l("Words in the person's phone calendar"),
        description=_l("A shared phone shows them: keep them neutral. Leave empty for “Appointment” in the person's language."),
        filters=[lambda value: (value or "").strip() or None],
        validators=[Optional(), Length(max=40, message=_l("At most 40 characters."))],
    )
    appointment_retention_days = IntegerField(
        _l("Delete past appointments after (days)"),
        validators=[
            InputRequired(_l("Write a number of days.")),
            NumberRange(min=1, max=365, message=_l("Choose between %(min)s and %(max)s days.")),
        ],
    )

    def validate_reminder_hours(self, field) -> None:
        try:
            offsets = parse_reminder_hours(field.data)
        except ValueError:
            offsets = []
        hours = [int(offset.total_seconds() // 3600) for offset in offsets]
        if not hours or len(hours) > MAX_REMINDERS or max(hours) > MAX_REMINDER_HOURS:
            raise ValidationError(_l("Write one to three numbers of hours from 1 to 168, separated by commas, for example 24, 2."))
        field.data = ",".join(str(h) for h in hours)
    help_escalate_now_minutes = IntegerField(
        _l("Requests for help now: after (minutes)"),
        validators=[
            InputRequired(_l("Write a number of minutes.")),
            NumberRange(min=5, max=240, message=_l("Choose between %(min)s and %(max)s minutes.")),
        ],
    )
    help_escalate_today_hours = IntegerField(
        _l("Requests for help today: after (hours)"),
        validators=[
            InputRequired(_l("Write a number of hours.")),
            NumberRange(min=1, max=24, message=_l("Choose between %(min)s and %(max)s hours.")),
        ],
    )
    help_escalate_week_days = IntegerField(
        _l("Requests for help this week: after (days)"),
        validators=[
            InputRequired(_l("Write a number of days.")),
            NumberRange(min=1, max=7, message=_l("Choose between %(min)s and %(max)s days.")),
        ],
    )
    help_retention_days = IntegerField(
        _l("Delete closed help requests after (days)"),
        description=_l("Resolved and withdrawn requests, with their notes."),
        validators=[
            InputRequired(_l("Write a number of days.")),
            NumberRange(min=7, max=365, message=_l("Choose between %(min)s and %(max)s days.")),
        ],
    )
    checkin_interval_crisis_days = _days_field(_l("Check-ins in the crisis stage: every (days)"), 1, 90)
    checkin_interval_transition_days = _days_field(_l("Check-ins in the transition stage: every (days)"), 1, 90)
    checkin_interval_inclusion_days = _days_field(_l("Check-ins in the inclusion stage: every (days)"), 1, 90)
    closed_case_retention_days = _days_field(
        _l("Delete the record of a closed case after (days)"), 7, 3650, description=_l("Unless the case is reopened first.")
    )
    closure_needs_approval = BooleanField(_l("A supervisor approves each closure a case manager asks for"))
    case_manager_two_factor = BooleanField(_l("Case managers also sign in with an authenticator app"))
    audit_retention_days = _days_field(
        _l("Keep the audit log for (days)"), 90, 3650, description=_l("Who opened or changed whose record. Two years is usual.")
    )
    paper_consent = BooleanField(
        _l("People also sign a paper copy of their consent to the plan"),
        description=_l("The consent page tells them so before they give it in the app."),
    )
