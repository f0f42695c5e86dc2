"""Directory forms: the survivor's filters, and the supervisor's service editor."""
from __future__ import annotations

from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired

from ..forms import DateField, FlaskForm, Form, parse_time
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from ..console.forms import PHONE_RULE
from . import vocabulary
from .hsds import DAYS


class FilterForm(FlaskForm):
    """What I need, my town, a word: sent with GET, so it works without JavaScript and can be bookmarked."""

    class Meta:
        csrf = False

    area = SelectField(_l("What do you need?"), validate_choice=False)
    # TRANSLATORS: filter and column: the town of a service
    town = SelectField(_l("Town"), validate_choice=False)
    q = SearchField(_l("Search with a word"))

    def fill(self, towns: list[str]) -> "FilterForm":
        # TRANSLATORS: filter choice: all areas of help
        self.area.choices = [SelectChoice("", _l("Everything"))] + [SelectChoice(k, v) for k, v in vocabulary.AREAS.items()]
        # TRANSLATORS: filter choice: every town
        self.town.choices = [SelectChoice("", _l("All towns"))] + [SelectChoice(town, town) for town in towns]
        return self

    @property
    def chosen(self) -> dict:
        """The filters in use, for links that keep them (list <-> map)."""
        area = self.area.data if self.area.data in vocabulary.AREAS else None
        town = (self.town.data or "").strip()[:100] or None
        query = (self.q.data or "").strip()[:100] or None
        return {key: value for key, value in (("area", area), ("town", town), ("q", query)) if value}


def _hour(value: str, closing: bool) -> str | None:
    """An opening or closing time as ``HH:MM`` (``24:00`` closes at the end of a day), or None."""
    if closing and value in ("24:00", "24.00"):
        return "24:00"
    try:
        return parse_time(value).strftime("%H:%M")
    except ValueError:
        return None


class PhoneForm(Form):
    # TRANSLATORS: label: a phone number
    number = StringField(_l("Phone number"), validators=[Optional(), PHONE_RULE, Length(max=30)])
    description = StringField(_l("When to call (Albanian)"), validators=[Optional(), Length(max=200)])
    description_en = StringField(_l("When to call (English)"), validators=[Optional(), Length(max=200)])


class ServiceForm(FlaskForm):
    """A supervisor adds or edits one service of the directory."""

    organization_name = StringField(
        # TRANSLATORS: the organisation that gives a service
        _l("Provider"),
        description=_l("The organisation or office that gives the service. An existing name links to it."),
        validators=[DataRequired(_l("Write who gives the service.")), Length(max=200)],
    )
    name = StringField(
        _l("Name of the service"),
        description=_l("As the provider writes it."),
        validators=[DataRequired(_l("Write the name of the service.")), Length(max=200)],
    )
    description = TextAreaField(_l("What it does (Albanian)"), validators=[Optional(), Length(max=2000)])
    description_en = TextAreaField(_l("What it does (English)"), validators=[Optional(), Length(max=2000)])
    alert = TextAreaField(
        # TRANSLATORS: staff: a short notice shown at the top of a service's page
        _l("A short notice"),
        description=_l("Shown first on the service's page, after “Please note:”. For example: closed until 6 January. Leave it empty when there is nothing to say."),
        validators=[Optional(), Length(max=1000)],
    )
    eligibility_description = TextAreaField(
        _l("Who it is for"),
        description=_l("For example: women over 18 living in Tirana."),
        validators=[Optional(), Length(max=2000)],
    )
    application_process = TextAreaField(
        _l("How to ask for it"),
        description=_l("For example: call first and ask for an appointment."),
        validators=[Optional(), Length(max=2000)],
    )
    areas = SelectMultipleField(
        _l("Areas of help"),
        choices=[SelectChoice(key, label) for key, label in vocabulary.AREAS.items()],
        widget=ListWidget(html_tag="ul", prefix_label=False),
        option_widget=CheckboxInput(),
        validators=[DataRequired(_l("Choose at least one area of help."))],
    )
    scope = RadioField(
        _l("Kind of service"),
        choices=[SelectChoice(key, label) for key, label in vocabulary.SCOPES.items()],
        widget=ListWidget(html_tag="ul", prefix_label=False),
        validators=[InputRequired(_l("Choose the kind of service."))],
    )
    cost = SelectField(
        # TRANSLATORS: what a service costs: free, low cost or paid
        _l("Cost"),
        default="",
        # TRANSLATORS: a service's cost is not known
        choices=[SelectChoice("", _l("Not known"))] + [SelectChoice(key, label) for key, label in vocabulary.COSTS.items()],
    )
    fees_description = TextAreaField(
        # TRANSLATORS: staff: a service's cost explained in a sentence, beside the choice free / low cost / paid
        _l("About the cost"),
        description=_l("For example: the first visit is free."),
        validators=[Optional(), Length(max=2000)],
    )
    languages = SelectMultipleField(
        # TRANSLATORS: languages a service is given in
        _l("Languages"),
        widget=ListWidget(html_tag="ul", prefix_label=False),
        option_widget=CheckboxInput(),
    )
    phones = FieldList(FormField(PhoneForm), min_entries=2, max_entries=2)
    url = StringField(
        # TRANSLATORS: a service's web address
        _l("Web page"),
        validators=[Optional(), Length(max=500), Regexp(r"^https?://\S+$", message=_l("Write a full address that starts with https://"))],
    )
    city = StringField(_l("Town or municipality"), validators=[Optional(), Length(max=100)])
    address_1 = StringField(
        # TRANSLATORS: a service's street address
        _l("Address"),
        description=_l("Leave it empty unless you have checked it. The town alone is fine."),
        validators=[Optional(), Length(max=200)],
    )
    # TRANSLATORS: map position of a service
    latitude = StringField(_l("Latitude"), description=_l("For example 41.3275 (Tirana)."))
    # TRANSLATORS: map position of a service
    longitude = StringField(_l("Longitude"), description=_l("For example 19.8189 (Tirana)."))
    accessibility = TextAreaField(_l("Access for people with disabilities (Albanian)"), validators=[Optional(), Length(max=1000)])
    accessibility_en = TextAreaField(_l("Access for people with disabilities (English)"), validators=[Optional(), Length(max=1000)])
    timezone = StringField(_l("Timezone of the hours"), default=vocabulary.DEFAULT_TIMEZONE)
    verified_on = DateField(
        _l("Details checked on"),
        validators=[Optional()],
        description=_l("The day someone called or visited and checked these details. Leave it empty if nobody has."),
    )

    def validate_latitude(self, field) -> None:
        self._coordinate(field, 90, _l("Latitude is a number between -90 and 90, for example 41.3275."))
        if bool((field.data or "").strip()) != bool((self.longitude.data or "").strip()):
            raise ValidationError(_l("Write both latitude and longitude, or neither."))

    def validate_longitude(self, field) -> None:
        self._coordinate(field, 180, _l("Longitude is a number between -180 and 180, for example 19.8189."))

    @staticmethod
    def _coordinate(field, limit: int, message) -> None:
        text = (field.data or "").strip().replace(",", ".")
        if not text:
            field.data = ""
            return
        try:
            value = float(text)
        except ValueError:
            raise ValidationError(message) from None
        if not -limit <= value <= limit:
            raise ValidationError(message)
        field.data = text

    def validate_timezone(self, field) -> None:
        if (field.data or "").strip() not in available_timezones():
            raise ValidationError(_l("Write a timezone name such as Europe/Tirane."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for day in DAYS:
            opens, closes = self[f"opens_{day}"], self[f"closes_{day}"]
            opens.data, closes.data = (opens.data or "").strip(), (closes.data or "").strip()
            if not opens.data and not closes.data:
                continue
            opening, closing = _hour(opens.data, False), _hour(closes.data, True)
            if not opens.data or not closes.data:
                (closes if opens.data else opens).errors.append(_l("Write both times, or neither."))
            elif opening is None or closing is None:
                opens.errors.append(_l("Write the times as 08:30 (24-hour clock)."))
            elif opening == closing:
                closes.errors.append(_l("It cannot open and close at the same time. For a whole day write 00:00 and 24:00."))
            else:
                opens.data, closes.data = opening, closing
                continue
            valid = False
        return valid

    def hours(self) -> list[tuple[str, str, str]]:
        """The week as (day, opens, closes), for the days that have hours."""
        return [(day, self[f"opens_{day}"].data, self[f"closes_{day}"].data) for day in DAYS if self[f"opens_{day}"].data]


for _day in DAYS:
    # TRANSLATORS: opening hours: the time a service opens
    setattr(ServiceForm, f"opens_{_day}", StringField(_l("Opens")))
    # TRANSLATORS: opening hours: the time a service closes
    setattr(ServiceForm, f"closes_{_day}", StringField(_l("Closes")))


class ImportForm(FlaskForm):
    """A supervisor uploads a directory file to see what it would change."""

    file = FileField(
        # TRANSLATORS: staff: label of the file of services to import (Open Referral HSDS, CSV or ZIP)
        _l("Directory file"),
        description=_l("An Open Referral HSDS file: JSON, or a CSV package as a zip file."),
        validators=[FileRequired(_l("Choose a file to import."))],
    )


class ApplyImportForm(FlaskForm):
    """The file already previewed, sent back to be stored."""

    content = HiddenField(validators=[DataRequired()])
    filename = HiddenField(validators=[DataRequired(), Length(max=200)])
