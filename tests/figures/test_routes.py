"""The figures page: supervisors only, the CSV equals the page, two periods side by side."""
import csv
import io

import pytest
from bs4 import BeautifulSoup

from tests.figures.conftest import NOW
from tests.queries import recorded_statements
from tests.roles import ROLES, expected_status, sign_in_as

JANUARY = "?period=custom&start=2027-01-01&end=2027-01-31"
COMPARED = JANUARY + "&compare=custom&compare_start=2026-12-01&compare_end=2026-12-31"


@pytest.fixture
def frozen(app):
    app.config["CLOCK"] = lambda: NOW
    yield
    app.config.pop("CLOCK", None)


def _page_rows(html: str) -> list[list[str]]:
    soup = BeautifulSoup(html, "html.parser")
    return [[cell.get_text(strip=True) for cell in row.find_all(["th", "td"])] for row in soup.select("table.figures-table tbody tr")]


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def _cells(html: str, key: str) -> dict[str, list[str]]:
    table = BeautifulSoup(html, "html.parser").find(id=f"table-{key}")
    return {row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")] for row in table.tbody.find_all("tr")}


@pytest.mark.parametrize("url", ["/console/figures/", "/console/figures/figures.csv"])
@pytest.mark.parametrize("role", ROLES)
def test_only_supervisors_read_the_figures(client, people, role, url):
    sign_in_as(role, people, client)
    assert client.get(url).status_code == expected_status(role)


def test_the_page_shows_the_hand_worked_figures_with_small_ones_hidden(client, january, login_as, frozen):
    login_as(january.supervisor)
    html = client.get("/console/figures/" + JANUARY).get_data(as_text=True)
    assert _cells(html, "appointments") == {
        "U mbajtën (pa u anuluar, pa njoftim se nuk vjen)": ["6"],
        "Nuk u mbajtën (njoftoi se nuk vjen)": ["më pak se 5"],
        "I anuluar": ["më pak se 5"],
        "Të gjitha takimet që kanë kaluar": ["13"],
    }
    assert _cells(html, "new_enrolments") == {"Personat që hynë në program": ["7"]}
    assert _cells(html, "check_ins") == {"Bisedat e ndjekjes që u bënë": ["6"], "Bisedat e ndjekjes që duheshin (sipas ritmit të çdo faze)": ["25"]}
    assert _cells(html, "days_in_stage")["Faza e krizës (0–6 muaj)"] == ["30 ditë"]
    assert _cells(html, "response_times")["Tani: koha mesatare (mediana) para se të shihej"] == ["15 minuta"]
    assert 'class="chart"' in html


def test_the_csv_equals_the_page(client, january, login_as, frozen):
    login_as(january.supervisor)
    page = _page_rows(client.get("/console/figures/" + COMPARED).get_data(as_text=True))
    download = _csv_rows(client.get("/console/figures/figures.csv" + COMPARED).get_data(as_text=True))
    assert download[0][:3] == ["Seksioni", "Shifra", "Pjesa"] and len(download[0]) == 5
    assert [row[2:] for row in download[1:]] == page
    assert len(page) > 60


def test_two_periods_side_by_side(client, january, login_as, frozen):
    login_as(january.supervisor)
    html = client.get("/console/figures/" + COMPARED).get_data(as_text=True)
    assert _cells(html, "new_enrolments") == {"Personat që hynë në program": ["7", "më pak se 5"]}
    headings = [th.get_text(strip=True) for th in BeautifulSoup(html, "html.parser").find(id="table-new_enrolments").thead.find_all("th")]
    assert headings[1].startswith("Datat e zgjedhura, 1 jan 2027") and headings[2].startswith("Datat e zgjedhura, 1 dhj 2026")


def test_the_page_in_english(client, january, login_as, frozen):
    login_as(january.supervisor)
    client.post("/language", data={"locale": "en"})
    html = client.get("/console/figures/" + JANUARY).get_data(as_text=True)
    assert _cells(html, "appointments")["Missed (the person said they could not come)"] == ["fewer than 5"]


def test_custom_dates_in_the_wrong_order_are_explained(client, january, login_as, frozen):
    login_as(january.supervisor)
    html = client.get("/console/figures/?period=custom&start=2027-02-01&end=2027-01-01").get_data(as_text=True)
    assert "Data e mbarimit është para datës së fillimit." in html
    assert _cells(html, "new_enrolments")  # the figures of this month stand in meanwhile


def test_the_page_reads_no_encrypted_column_or_free_text(client, january, login_as, frozen):
    login_as(january.supervisor)
    with recorded_statements() as statements:
        assert client.get("/console/figures/figures.csv" + COMPARED).status_code == 200
        assert client.get("/console/figures/" + COMPARED).status_code == 200
    for column in ("help_request.note", "help_request.outcome", "appointment.title", "appointment.place", "check_in.note", "goal.title", "step.text", "survivor.nickname"):
        assert not any(column in statement for statement in statements), column


@pytest.mark.parametrize("query", ["?period=custom", "?period=custom&start=2027-01-01", "?compare=custom&compare_end=2027-01-01"])
def test_custom_periods_without_both_dates_are_explained(client, january, login_as, frozen, query):
    login_as(january.supervisor)
    response = client.get("/console/figures/" + query)
    assert response.status_code == 200
    assert "Zgjidh datën e fillimit dhe datën e mbarimit." in response.get_data(as_text=True)
