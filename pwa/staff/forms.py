"""Forms for staff accounts: role, a new password after a reset, the second factor's code."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from ..models import Role


class RoleForm(FlaskForm):
    role = RadioField(
        _l("Role"),
        choices=[SelectChoice(Role.CASE_MANAGER.value, _l("Case manager")), SelectChoice(Role.SUPERVISOR.value, _l("Supervisor"))],
        validators=[InputRequired(_l("Choose a role."))],
    )


class NewPasswordForm(FlaskForm):
    new_password = PasswordField(
        # TRANSLATORS: label when changing a password
        _l("New password"),
        validators=[
            DataRequired(_l("Write a new password.")),
            Length(min=12, max=200, message=_l("A password must have at least 12 characters.")),
        ],
    )
    new_password_again = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Write the new password again.")),
            EqualTo("new_password", message=_l("The two passwords are not the same.")),
        ],
    )


class ResetCodeForm(FlaskForm):
    code = StringField(
        _l("Code from your supervisor"),
        validators=[DataRequired(_l("Write the code you were given.")), Length(max=30)],
    )


class SecondFactorForm(FlaskForm):
    code = StringField(
        _l("Code from the app"),
        description=_l("The six digits your authenticator app shows now, or one of your recovery codes."),
        validators=[DataRequired(_l("Write the code from the app.")), Length(max=20)],
    )
