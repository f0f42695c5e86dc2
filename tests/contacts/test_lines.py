"""The national lines data file: every line sourced, labelled in both languages, and safe to show."""
import json
import shutil

import pytest

from pwa import create_app
from pwa.contacts.lines import NationalLinesError, load_national_lines
from tests.conftest import ROOT, app_config

DATA = ROOT / "pwa" / "data" / "national_lines.json"


def test_the_lines_the_issue_names_are_all_there():
    numbers = [line.number for line in load_national_lines(DATA)]
    assert numbers == ["112", "129", "127", "128", "116 117", "116 111", "116 006", "0800 0911"]


def test_every_line_cites_a_source_and_has_both_labels():
    for entry in json.loads(DATA.read_text())["lines"]:
        assert entry["source"].strip() and entry["sq"].strip() and entry["en"].strip()


def test_the_national_help_line_is_labelled_neutrally():
    line = next(line for line in load_national_lines(DATA) if line.number == "116 006")
    assert (line.label("sq"), line.label("en"), line.free) == ("Linja kombëtare e ndihmës", "National help line", True)


def test_the_womens_line_is_free_and_open_day_and_night():
    line = next(line for line in load_national_lines(DATA) if line.number == "116 117")
    assert line.free and line.open_24_7 and line.tel == "tel:116117"


@pytest.mark.parametrize(
    "broken",
    [
        {"number": "call us", "sq": "a", "en": "a", "free": True, "open_24_7": True, "source": "s"},
        {"number": "112", "sq": "a", "en": "a", "free": True, "open_24_7": True, "source": ""},
        {"number": "112", "sq": "a", "free": True, "open_24_7": True, "source": "s"},
        {"number": "112", "sq": "a", "en": "a", "free": "yes", "open_24_7": True, "source": "s"},
    ],
)
def test_a_broken_file_stops_the_app_at_start(tmp_path, broken):
    path = tmp_path / "lines.json"
    path.write_text(json.dumps({"lines": [broken]}))
    with pytest.raises(NationalLinesError):
        create_app(app_config(tmp_path, NATIONAL_LINES_FILE=str(path)))


def test_the_organisation_can_use_its_own_copy(make_app, tmp_path):
    path = tmp_path / "lines.json"
    shutil.copy(DATA, path)
    data = json.loads(path.read_text())
    data["lines"].append({"number": "0800 1111", "sq": "Linja e qytetit", "en": "City line", "free": True, "open_24_7": False, "source": "Bashkia"})
    path.write_text(json.dumps(data))
    app = make_app(NATIONAL_LINES_FILE=str(path))
    html = app.test_client().get("/contacts").get_data(as_text=True)
    assert 'href="tel:08001111"' in html and "Linja e qytetit" in html
