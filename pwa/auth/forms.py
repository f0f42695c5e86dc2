"""Sign-in forms."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, EqualTo, Length

from ..forms import FlaskForm, Pin, shown_to_others

PIN_RULE = Pin()

# The six-digit PINs people choose most (DataGenetics' study of leaked PINs, and the repeats and runs
# anyone tries first). Someone who picks up her phone tries these before anything else.
COMMON_PINS = frozenset(
    {str(d) * 6 for d in range(10)}
    | {"012345", "123456", "234567", "345678", "456789", "567890", "987654", "876543", "765432", "654321", "543210"}
    | {"123123", "121212", "123321", "696969", "112233", "159753", "131313", "123654", "789456", "101010",
       "007007", "111222", "102030", "147258", "147852", "258369", "369258", "987789", "100200", "520520"}
)


def refuse_common_pin(form, field) -> None:
    """Refuse a PIN that someone holding her phone would guess first, and say why, kindly."""
    if field.data in COMMON_PINS:
        raise ValidationError(_l("Many people choose this PIN, so it is easy to guess. Choose 6 numbers only you would think of."))


class StaffSignInForm(FlaskForm):
    # TRANSLATORS: staff sign-in name
    username = StringField(_l("Username"), validators=[DataRequired(_l("Write your username.")), Length(max=60)])
    # TRANSLATORS: staff password
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Write your password.")), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(
        # TRANSLATORS: the one-time code of 8 letters and numbers that starts the app on a phone
        _l("Code"),
        validators=[DataRequired(_l("Write the code you were given.")), Length(max=20)],
    )


class EnrolForm(FlaskForm):
    nickname = StringField(
        # TRANSLATORS: the name a person chooses in the app instead of her real name
        _l("Nickname"),
        description=_l("Any word you like. Do not write your real name."),
        filters=[shown_to_others],
        validators=[
            DataRequired(_l("Choose a nickname.")),
            Length(min=2, max=30, message=_l("A nickname must have 2 to 30 letters.")),
        ],
    )
    pin = PasswordField(
        _l("PIN (6 digits)"),
        description=_l("6 numbers that only you know. Not your birthday, and not 123456."),
        validators=[DataRequired(_l("Choose a PIN of 6 digits.")), PIN_RULE, refuse_common_pin],
    )
    pin_again = PasswordField(
        # TRANSLATORS: label: type the 6-digit PIN a second time
        _l("PIN again"),
        validators=[
            DataRequired(_l("Write the PIN again.")),
            EqualTo("pin", message=_l("The two PINs are not the same. Try again.")),
        ],
    )


class PinForm(FlaskForm):
    # TRANSLATORS: the 6-digit number that opens the app
    pin = PasswordField(_l("PIN"), validators=[DataRequired(_l("Write your PIN.")), PIN_RULE])


class LanguageForm(FlaskForm):
    locale = HiddenField()
    next = HiddenField()
