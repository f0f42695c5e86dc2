"""Near me on a phone: honest about positions that are only a town's, and fair to services without one."""
import pytest
from playwright.sync_api import expect

from pwa.extensions import db
from tests import factories

TIRANA_CENTRE = (41.3275, 19.8189)


@pytest.fixture
def directory(live):
    factories.directory_service("Zyra A në Tiranë", town="Tiranë", point=TIRANA_CENTRE)
    factories.directory_service("Zyra B në Tiranë", town="Tiranë", point=TIRANA_CENTRE)
    durres = factories.directory_service("Qendra në Durrës", town="Durrës", point=(41.3231, 19.4414))
    durres.locations[0].address_1 = "Rruga Taulantia 12"
    factories.directory_service("Strehë në Tiranë", town="Tiranë", point=None)
    factories.directory_service("Atje ku s'dihet", town="Fier", point=None)
    factories.directory_service("Linja kombëtare", town=None, phone="116 117")
    db.session.commit()


def near_me(phone, position):
    phone.context.grant_permissions(["geolocation"], origin=phone.base_url)
    phone.context.set_geolocation({"latitude": position[0], "longitude": position[1]})
    page = phone.page
    page.goto("/services")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Pranë meje").click()
    expect(page.locator("#near-me-status")).to_have_text("Më të afërtit në krye. Vendndodhja jote mbetet vetëm në këtë telefon.")
    return {
        item.locator("h2").inner_text(): (item.locator("[data-distance]").inner_text() if item.locator("[data-distance]").is_visible() else None)
        for item in page.locator("#service-list li").all()
    }


def test_in_the_town_it_says_the_town_not_a_false_distance(phone, directory):
    shown = near_me(phone, (41.3290, 19.8170))
    assert set(list(shown)[:3]) == {"Zyra A në Tiranë", "Zyra B në Tiranë", "Strehë në Tiranë"}
    assert shown["Zyra A në Tiranë"] == shown["Strehë në Tiranë"] == "në Tiranë"
    assert shown["Qendra në Durrës"] == "31 km"


def test_further_away_it_rounds_as_coarsely_as_the_position_allows(phone, directory):
    shown = near_me(phone, (41.3275, 19.8550))
    assert shown["Zyra A në Tiranë"] == "rreth 3 km"
    shown = near_me(phone, (41.0, 19.8189))
    assert shown["Zyra A në Tiranë"] == "rreth 35 km"


def test_services_without_a_position_stay_above_the_lines_for_everywhere(phone, directory):
    names = list(near_me(phone, (41.3231, 19.4414)))
    assert names[0] == "Qendra në Durrës"
    assert names[-2:] == ["Atje ku s'dihet", "Linja kombëtare"]
