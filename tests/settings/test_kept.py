"""'What we keep about you' tells the whole truth: every column about her, DATA.md says the same, the readable copy."""
import json
import re

from pwa.extensions import db
from pwa.settings.kept import HER_TABLES, KEPT, NOT_TOLD, data_md_section
from tests.conftest import ROOT


def test_every_column_about_her_is_told_or_is_bookkeeping(app):
    told = {column for kept in KEPT for column in kept.columns}
    missing = [
        f"{table}.{column.name}" for table in HER_TABLES for column in db.metadata.tables[table].columns
        if f"{table}.{column.name}" not in told | NOT_TOLD
    ]
    assert not missing, f"add to pwa/settings/kept.py: {missing}"


def test_every_table_that_leads_to_her_is_told(app):
    """A new table with a key to her (or to her plan, her requests...) cannot be left out of the page."""
    tables = db.metadata.tables
    hers = {"survivor"}
    while grown := {name for name, table in tables.items() if name not in hers and any(fk.column.table.name in hers for fk in table.foreign_keys)}:
        hers |= grown
    assert hers == set(HER_TABLES)


def test_every_named_column_exists(app):
    for name in {column for kept in KEPT for column in kept.columns} | NOT_TOLD:
        table, column = name.split(".")
        assert column in db.metadata.tables[table].columns, name


def test_data_md_repeats_what_she_is_told(app):
    text = (ROOT / "DATA.md").read_text()
    section = re.search(r"<!-- kept:start -->\n(.*?)\n<!-- kept:end -->", text, flags=re.S)
    assert section, "DATA.md has no kept:start/kept:end section"
    with app.app_context():
        assert section.group(1) == data_md_section(), "run: flask --app pwa kept-md"


def test_the_page_tells_of_staff_notes_views_and_the_organisations_days(client, people, login_as, course):
    people.lulja.organisation.help_retention_days = 45
    people.lulja.organisation.appointment_retention_days = 12
    people.lulja.locale = "en"
    db.session.commit()
    login_as(people.lulja)
    html = client.get("/settings/my-data").get_data(as_text=True)
    assert "45 days after the request is closed" in html
    assert "12 days after the appointment" in html
    assert "only staff read" in html
    assert "we write down who and when" in html
    assert "After you delete your data, the organisation keeps only" in html


def test_the_page_warns_that_the_copy_stays_in_downloads(client, people, login_as, course):
    people.lulja.locale = "en"
    db.session.commit()
    login_as(people.lulja)
    html = client.get("/settings/my-data").get_data(as_text=True)
    assert "stays in your phone's Downloads" in html
    assert html.index("stays in your phone's Downloads") < html.index("/settings/my-data.html")


def test_the_readable_copy_is_in_her_language_with_tirana_dates(client, people, login_as, course):
    from datetime import datetime, timezone

    from tests import factories

    factories.appointment(people.lulja, title="Te mjeku", starts_at=datetime(2026, 12, 3, 23, 30, tzinfo=timezone.utc))
    people.lulja.locale = "sq"
    db.session.commit()
    login_as(people.lulja)
    response = client.get("/settings/my-data.html")
    assert response.headers["Content-Disposition"] == 'attachment; filename="my-data.html"'
    html = response.get_data(as_text=True)
    assert '<html lang="sq">' in html and "Të dhënat e tua" in html
    assert "E premte, 4 dhjetor, 00:30" in html  # 23:30 UTC on 3 December is past midnight in Tirana
    assert "<script" not in html


def test_the_json_copy_stays_for_machines(client, people, login_as, course):
    login_as(people.lulja)
    data = json.loads(client.get("/settings/my-data.json").get_data(as_text=True))
    assert data["account"]["nickname"] == "Lulja"
