"""Monitoring figures: supervisors read what the programme did in a period, with no one exposed."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template, request
from flask_babel import format_date, format_decimal, format_percent, format_timedelta, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now, today
from ..extensions import db
from ..security import supervisor_required
from . import services
from .forms import PRESET_LABELS, PeriodForm

bp = Blueprint("figures", __name__, url_prefix="/console/figures")


def figure_text(cell: services.Cell, unit: str) -> str:
    """A figure as the page and the CSV show it: small ones hidden in words."""
    if cell.hidden:
        return _("fewer than 5") if unit == "count" else _("not shown: fewer than 5")
    if cell.value is None:
        return "—"
    if unit == "share":
        return format_percent(cell.value)
    if unit == "days":
        # TRANSLATORS: figures table: a number of days, e.g. the median time in a stage
        return ngettext("%(num)s day", "%(num)s days", cell.value)
    if unit == "duration":
        return format_timedelta(cell.value, granularity="minute", threshold=1.5)
    return format_decimal(cell.value)


def _period(kind: str, start, end) -> tuple[services.Period, str]:
    if kind == "custom":
        period = services.Period(start, end)
        # TRANSLATORS: figures: name of a period whose first and last day the supervisor chose
        name = _("Dates chosen")
    else:
        period = services.preset_period(kind, today())
        name = str(PRESET_LABELS[kind])
    label = _("%(name)s, %(start)s – %(end)s", name=name, start=format_date(period.start), end=format_date(period.end))
    return period, label


def _columns(form: PeriodForm) -> list[tuple[str, list[services.Table]]]:
    """One or two periods, each with its label and its figures (small numbers hidden)."""
    wanted = [(form.period.data if not form.period.errors else "this_month", form.start.data, form.end.data)]
    if form.compare.data and not form.compare.errors:
        wanted.append((form.compare.data, form.compare_start.data, form.compare_end.data))
    columns = []
    for kind, start, end in wanted:
        period, label = _period(kind, start, end)
        columns.append((label, services.figures_for(db.session, current_user.organisation, period, now(), today())))
    return columns


def _form() -> PeriodForm:
    form = PeriodForm(request.args)
    if form.period.data not in PRESET_LABELS:
        form.period.data = "this_month"
    if form.compare.data and form.compare.data not in PRESET_LABELS:
        form.compare.data = ""
    form.validate()
    return form


def _tables(columns) -> list[dict]:
    """Each figure with its rows of text (one value per period) and, for counts, the bars of its chart."""
    tables = [column_tables for _label, column_tables in columns]
    shown = []
    for index, table in enumerate(tables[0]):
        cells = [[*t[index].lines, *([t[index].total] if t[index].total else [])] for t in tables]
        rows = [
            {"label": line.label, "values": [figure_text(period[number].cell, table.unit) for period in cells]}
            for number, line in enumerate(cells[0])
        ]
        bars = None
        if table.unit == "count" and len(table.lines) > 1:
            bars = [[None if t[index].lines[n].cell.hidden else t[index].lines[n].cell.value for t in tables] for n in range(len(table.lines))]
            top = max([value for row in bars for value in row if value] or [1])
            bars = [{"label": line.label, "widths": [None if v is None else round(100 * v / top, 1) for v in row]} for line, row in zip(table.lines, bars)]
        shown.append({"table": table, "rows": rows, "bars": bars})
    return shown


@bp.get("/")
@supervisor_required
def show_figures():
    """The figures for a period, maybe beside another period."""
    form = _form()
    columns = _columns(form)
    query = {key: value for key, value in request.args.items() if value}
    labels = [label for label, _tables in columns]
    return render_template("figures/figures.html", form=form, labels=labels, tables=_tables(columns), query=query)


@bp.get("/figures.csv")
@supervisor_required
def download_figures():
    """The same figures as the page, as CSV."""
    columns = _columns(_form())
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([
        # TRANSLATORS: figures CSV column: the group of figures, e.g. People, Plans
        _("Section"),
        # TRANSLATORS: figures CSV column: the title of one figure (a table of numbers)
        _("Figure"),
        _("Part"),
        *[label for label, _tables in columns],
    ])
    for shown in _tables(columns):
        table = shown["table"]
        for row in shown["rows"]:
            writer.writerow([table.section, table.title, row["label"], *row["values"]])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="figures.csv"'})
