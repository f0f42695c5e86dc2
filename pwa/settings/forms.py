"""Settings forms."""
from flask_babel import lazy_gettext as _l
from ..forms import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo

from ..auth.forms import PIN_RULE, refuse_common_pin


class ChangePinForm(FlaskForm):
    current_pin = PasswordField(_l("Your PIN now"), validators=[DataRequired(_l("Write your PIN.")), PIN_RULE])
    new_pin = PasswordField(_l("New PIN (6 digits)"), validators=[DataRequired(_l("Choose a PIN of 6 digits.")), PIN_RULE, refuse_common_pin])
    new_pin_again = PasswordField(
        _l("New PIN again"),
        validators=[
            DataRequired(_l("Write the PIN again.")),
            EqualTo("new_pin", message=_l("The two PINs are not the same. Try again.")),
        ],
    )


class DeleteDataForm(FlaskForm):
    # TRANSLATORS: label: the person's PIN
    pin = PasswordField(_l("Your PIN"), validators=[DataRequired(_l("Write your PIN.")), PIN_RULE])
