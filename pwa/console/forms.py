"""Staff console forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from ..models import Role

PHONE_RULE = Regexp(r"^\+?[0-9 ]{3,20}$", message=_l("Write the number with digits only, for example 069 123 4567."))


class EnrolSurvivorForm(FlaskForm):
    nickname = StringField(
        _l("Nickname"),
        description=_l("A word you agree on together, not the person's real name. It can be changed on the phone."),
        validators=[
            DataRequired(_l("Write a nickname.")),
            Length(min=2, max=30, message=_l("A nickname has 2 to 30 letters.")),
        ],
    )
    case_manager_id = SelectField(_l("Case manager"), coerce=int, validate_choice=True)


class StaffAccountForm(FlaskForm):
    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Write a username.")),
            Length(min=3, max=60, message=_l("A username has 3 to 60 characters.")),
            Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Use only letters, numbers, dots, dashes and underscores.")),
        ],
    )
    first_name = StringField(
        _l("First name"),
        description=_l("People in the programme see this name."),
        validators=[DataRequired(_l("Write a first name.")), Length(max=60)],
    )
    work_phone = StringField(_l("Work phone"), validators=[Optional(), PHONE_RULE])
    role = SelectField(
        _l("Role"),
        choices=[(Role.CASE_MANAGER.value, _l("Case manager")), (Role.SUPERVISOR.value, _l("Supervisor"))],
        validators=[DataRequired()],
    )
    password = PasswordField(
        _l("First password"),
        description=_l("At least 12 characters. Give it to them in person; they can change it."),
        validators=[
            DataRequired(_l("Write a password.")),
            Length(min=12, max=200, message=_l("A password has at least 12 characters.")),
        ],
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(_l("Write your current password."))])
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Write a new password.")),
            Length(min=12, max=200, message=_l("A password has at least 12 characters.")),
        ],
    )
    new_password_again = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Write the new password again.")),
            EqualTo("new_password", message=_l("The two passwords are not the same.")),
        ],
    )
