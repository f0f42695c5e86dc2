"""Directory forms: the survivor's filters, and the supervisor's service editor."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.fields.choices import SelectChoice

from . import vocabulary


class FilterForm(FlaskForm):
    """What I need, my town, a word: sent with GET, so it works without JavaScript and can be bookmarked."""

    class Meta:
        csrf = False

    area = SelectField(_l("What do you need?"), validate_choice=False)
    town = SelectField(_l("Town"), validate_choice=False)
    q = SearchField(_l("Search with a word"))

    def fill(self, towns: list[str]) -> "FilterForm":
        self.area.choices = [SelectChoice("", _l("Everything"))] + [SelectChoice(k, v) for k, v in vocabulary.AREAS.items()]
        self.town.choices = [SelectChoice("", _l("All towns"))] + [SelectChoice(town, town) for town in towns]
        return self

    @property
    def chosen(self) -> dict:
        """The filters in use, for links that keep them (list <-> map)."""
        area = self.area.data if self.area.data in vocabulary.AREAS else None
        town = (self.town.data or "").strip()[:100] or None
        query = (self.q.data or "").strip()[:100] or None
        return {key: value for key, value in (("area", area), ("town", town), ("q", query)) if value}
