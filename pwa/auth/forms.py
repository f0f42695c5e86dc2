"""Sign-in forms."""
from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm, Pin, shown_to_others
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

PIN_RULE = Pin()


class StaffSignInForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(_l("Write your username.")), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Write your password.")), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(_l("Write the code you were given.")), Length(max=20)],
    )


class EnrolForm(FlaskForm):
    nickname = StringField(
        _l("Nickname"),
        description=_l("Any word you like. Not your real name."),
        filters=[shown_to_others],
        validators=[
            DataRequired(_l("Choose a nickname.")),
            Length(min=2, max=30, message=_l("A nickname has 2 to 30 letters.")),
        ],
    )
    pin = PasswordField(
        _l("PIN (6 digits)"),
        description=_l("6 numbers that only you know."),
        validators=[DataRequired(_l("Choose a PIN of 6 digits.")), PIN_RULE],
    )
    pin_again = PasswordField(
        _l("PIN again"),
        validators=[
            DataRequired(_l("Write the PIN again.")),
            EqualTo("pin", message=_l("The two PINs are not the same. Try again.")),
        ],
    )


class PinForm(FlaskForm):
    pin = PasswordField(_l("PIN"), validators=[DataRequired(_l("Write your PIN.")), PIN_RULE])


class LanguageForm(FlaskForm):
    locale = HiddenField()
    next = HiddenField()
