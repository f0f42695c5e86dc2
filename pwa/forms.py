"""The forms' shared base: every text field is cleaned and checked the same way.

Every form of Dera derives from ``FlaskForm`` (or ``Form`` for forms without a
token) from here, so a new field cannot forget it (tests/app/test_boundary.py
checks). Before a field's own validators run, its text is:

- one line (most fields): trimmed, normalised to NFC, and refused with a plain
  message when it holds a control character (a newline included);
- several lines (``TextAreaField``): the same, but newlines and tabs are kept
  (``\\r\\n`` becomes ``\\n``);
- secret (``PasswordField``): taken exactly as typed, refused on any control
  character.

Dates and times are ``DateField`` and ``TimeField`` from here: a browser without a
date picker shows a text box, and people in Albania type ``31.05.2026``.

Form data never comes from a JSON body: the boundary refuses JSON on form
endpoints, and these forms do not read it either.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, time
from urllib.parse import urlsplit

import flask_wtf
import wtforms
from flask_babel import lazy_gettext as _l
from flask import request
from flask_wtf.form import _Auto, _is_submitted
from werkzeug.datastructures import CombinedMultiDict
from wtforms import PasswordField, StringField, TextAreaField, ValidationError
from wtforms.csrf.core import CSRFTokenField
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation

# C0 and C1 controls and DEL, and the two Unicode line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Marks that change the direction of text around them: in a name read by others, they can make it look like another.
_BIDI_CONTROLS = re.compile(r"[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

CONTROL_MESSAGE = _l("This contains a character that cannot be typed. Delete it and try again.")
LINE_MESSAGE = _l("Write this on one line.")


def one_line(value):
    """Trimmed and NFC-normalised."""
    return unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else value


def several_lines(value):
    """Like ``one_line``, with every line break as ``\\n``."""
    if not isinstance(value, str):
        return value
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()


def shown_to_others(value):
    """A name other people read (a nickname, a first name): without bidirectional controls."""
    return _BIDI_CONTROLS.sub("", value).strip() if isinstance(value, str) else value


def _refuse_controls(pattern: re.Pattern):
    def check(form, field):
        data = field.data
        if not isinstance(data, str) or not pattern.search(data):
            return
        field.errors[:] = []
        if pattern is _CONTROL and "\n" in data and not _CONTROL.search(data.replace("\n", "")):
            raise StopValidation(LINE_MESSAGE)
        raise StopValidation(CONTROL_MESSAGE)

    return check


_ONE_LINE_CHECK = _refuse_controls(_CONTROL)
_SEVERAL_LINES_CHECK = _refuse_controls(_CONTROL_BUT_LINES)


_CHOOSE = _l("Choose one of the options in the list.")
DATE_MESSAGE = _l("Write the date as day, month and year, for example 31.05.2026.")
NO_SUCH_DATE = _l("There is no such date. Check the day and the month.")
TIME_MESSAGE = _l("Write the time as hours and minutes, for example 14:30.")
# WTForms' own messages (it has no Albanian): ours instead, through our catalogs. WTForms
# fills in the numbers afterwards.
_LIBRARY_MESSAGES = {
    "This field is required.": _l("Please fill this in."),
    "Invalid input.": _l("Check what you wrote and try again."),
    "Not a valid choice.": _CHOOSE,
    "Invalid Choice: could not coerce.": _CHOOSE,
    "Invalid choice(s): one or more data inputs could not be coerced.": _CHOOSE,
    "'%(value)s' is not a valid choice for this field.": _CHOOSE,
    "'%(value)s' are not valid choices for this field.": _CHOOSE,
    "Invalid value, must be one of: %(values)s.": _CHOOSE,
    "Field cannot be longer than %(max)d character.": _l("At most %(max)d characters."),
    "Field cannot be longer than %(max)d characters.": _l("At most %(max)d characters."),
    "Field must be at least %(min)d character long.": _l("At least %(min)d characters."),
    "Field must be at least %(min)d characters long.": _l("At least %(min)d characters."),
    "Field must be between %(min)d and %(max)d characters long.": _l("From %(min)d to %(max)d characters."),
    "Not a valid integer value.": _l("Write a number, with digits only."),
    "Not a valid decimal value.": _l("Write a number, with digits only."),
    "Not a valid float value.": _l("Write a number, with digits only."),
    "Not a valid date value.": DATE_MESSAGE,
    "Not a valid time value.": TIME_MESSAGE,
    "Number must be between %(min)s and %(max)s.": _l("Choose a number from %(min)s to %(max)s."),
    "Field must be equal to %(other_name)s.": _l("The two are not the same. Try again."),
}


class _LibraryMessages:
    """The translations object WTForms asks for its own messages."""

    def gettext(self, string):
        return str(_LIBRARY_MESSAGES.get(string, string))

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


def _cleaning_for(field) -> tuple[tuple, object] | None:
    """The filter and the first validator for a bound field, by its kind."""
    if isinstance(field, CSRFTokenField) or not isinstance(field, StringField):
        return None
    if isinstance(field, PasswordField):
        return (), _ONE_LINE_CHECK
    if isinstance(field, TextAreaField):
        return (several_lines,), _SEVERAL_LINES_CHECK
    return (one_line,), _ONE_LINE_CHECK


class CleanTextMeta(DefaultMeta):
    """Binds every text field with the cleaning filter first and the control-character check first."""

    def get_translations(self, form):
        return _LibraryMessages()

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        cleaning = _cleaning_for(field)
        if cleaning is not None:
            filters, check = cleaning
            field.filters = (*filters, *field.filters)
            field.validators = [check, *field.validators]
        return field


class FlaskForm(flask_wtf.FlaskForm):
    """Flask-WTF's form with clean text, reading form encodings only (never a JSON body)."""

    class Meta(CleanTextMeta, flask_wtf.FlaskForm.Meta):
        def wrap_formdata(self, form, formdata):
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            if request.files:
                return CombinedMultiDict((request.files, request.form))
            return request.form or None


class Form(wtforms.Form):
    """A form without a token (sent with GET, or nested in another), with clean text."""

    class Meta(CleanTextMeta):
        pass


class Pin:
    """Exactly six ASCII digits (composable: put further PIN rules after it)."""

    def __init__(self, message=_l("Your PIN must have 6 digits (numbers only).")):
        self.message = message

    def __call__(self, form, field):
        if not re.fullmatch(r"[0-9]{6}", field.data or ""):
            raise ValidationError(self.message)


class HttpsAddress:
    """A full ``https://`` address that a browser can be sent to, checked by a parser."""

    def __init__(self, message=_l("Write a full address that starts with https://")):
        self.message = message

    def __call__(self, form, field):
        text = field.data or ""
        try:
            parts = urlsplit(text)
            port_ok = parts.port is None or 0 < parts.port < 65536
        except ValueError:
            raise ValidationError(self.message) from None
        if parts.scheme != "https" or not parts.hostname or not port_ok or parts.username or parts.password:
            raise ValidationError(self.message)
        if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text):
            raise ValidationError(self.message)


# A date picker sends 2026-05-31; typed by hand in Albania it is 31.05.2026, 31.5.2026, 31/5/2026 or 31-05-2026.
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_TYPED_DATE = re.compile(r"([0-9]{1,2}) ?([./-]) ?([0-9]{1,2}) ?\2 ?([0-9]{4})\.?")
# 14:30, 9:05 or 14.30; a time picker sends 14:30 (or 14:30:00 with seconds).
_TYPED_TIME = re.compile(r"([01]?[0-9]|2[0-3])[:.]([0-5][0-9])(?::00)?")


def parse_date(text: str) -> date:
    """The date in ``text``, picked or typed; ``ValueError`` with a message saying what is needed."""
    text = one_line(text or "")
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _TYPED_DATE.fullmatch(text):
        day, _, month, year = match.groups()
        day, month, year = int(day), int(month), int(year)
    else:
        raise ValueError(DATE_MESSAGE)
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(NO_SUCH_DATE) from None


def parse_time(text: str) -> time:
    """The time of day in ``text`` (24-hour clock); ``ValueError`` with a message saying what is needed."""
    match = _TYPED_TIME.fullmatch(one_line(text or ""))
    if not match:
        raise ValueError(TIME_MESSAGE)
    return time(int(match.group(1)), int(match.group(2)))


class _TypedByHand:
    """A field whose text comes from a picker or is typed by hand: ``parse`` reads it, ``shown`` writes it back."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        # Trimmed, so that spaces alone count as empty for InputRequired too.
        self.raw_data = [one_line(valuelist[0])]
        self.data = self.parse(self.raw_data[0]) if self.raw_data[0] else None

    def _value(self):
        # A value understood goes back to the picker in its own form; one not understood, as typed.
        if self.data is not None:
            return self.shown(self.data)
        return self.raw_data[0] if self.raw_data else ""


class DateField(_TypedByHand, wtforms.DateField):
    """A date from a picker, or typed as people in Albania write it (``parse_date``)."""

    parse = staticmethod(parse_date)
    shown = staticmethod(date.isoformat)


class TimeField(_TypedByHand, wtforms.TimeField):
    """A time of day from a picker, or typed as ``14:30`` or ``14.30`` (``parse_time``)."""

    parse = staticmethod(parse_time)
    shown = staticmethod(lambda moment: moment.strftime("%H:%M"))
