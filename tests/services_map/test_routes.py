"""The public directory pages: filters, search, a service, the map, the JSON for the phone."""
from datetime import date, datetime, timezone

import pytest

from pwa.extensions import db
from tests import factories

PUBLIC = ["/services", "/services/map", "/services/directory.json"]


@pytest.fixture
def directory(app):
    return {
        "legal": factories.directory_service("Ndihmë ligjore Tiranë", areas=("legal",), town="Tiranë", verified_on=date(2026, 11, 1)),
        "work": factories.directory_service("Zyra e punës Elbasan", areas=("economic",), town="Elbasan", point=(41.1125, 20.0822)),
        "line": factories.directory_service("Linja 116 117", areas=("psychological", "safety"), town=None, phone="116 117", hours=()),
        "hidden": factories.directory_service("Shërbim i fshehur", status="inactive"),
    }


def _names(html):
    return [name for name in ("Ndihmë ligjore Tiranë", "Zyra e punës Elbasan", "Linja 116 117", "Shërbim i fshehur") if name in html]


@pytest.mark.parametrize("path", PUBLIC)
def test_directory_pages_are_public(client, directory, path):
    assert client.get(path).status_code == 200


def test_signed_in_people_see_the_same_list(client, people, directory, login_as):
    anonymous = _names(client.get("/services").get_data(as_text=True))
    login_as(people.lulja)
    assert _names(client.get("/services").get_data(as_text=True)) == anonymous


def test_staff_see_the_public_list_too(client, people, directory, login_as):
    login_as(people.arta)
    assert client.get("/services").status_code == 200


def test_the_list_shows_only_published_services(client, directory):
    assert _names(client.get("/services").get_data(as_text=True)) == ["Ndihmë ligjore Tiranë", "Zyra e punës Elbasan", "Linja 116 117"]


def test_filter_by_area(client, directory):
    assert _names(client.get("/services?area=economic").get_data(as_text=True)) == ["Zyra e punës Elbasan"]


def test_filter_by_town_keeps_lines_for_everyone(client, directory):
    html = client.get("/services?town=Elbasan").get_data(as_text=True)
    assert _names(html) == ["Zyra e punës Elbasan", "Linja 116 117"]


def test_search_by_word(client, directory):
    assert _names(client.get("/services?q=ligjore").get_data(as_text=True)) == ["Ndihmë ligjore Tiranë"]


def test_an_unknown_area_shows_everything(client, directory):
    assert len(_names(client.get("/services?area=nonsense").get_data(as_text=True))) == 3


def test_nothing_found_says_so(client, directory):
    assert "Nuk gjetëm asnjë shërbim" in client.get("/services?q=zzzz").get_data(as_text=True)


def test_the_list_has_call_links_and_open_now(app, client, directory):
    app.config["CLOCK"] = lambda: datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)  # Monday 10:00 in Tirana
    html = client.get("/services").get_data(as_text=True)
    assert 'href="tel:0691234567"' in html and 'href="tel:116117"' in html
    assert html.count(">Hapur tani<") == 2


def test_open_now_says_closed_out_of_hours(app, client, directory):
    app.config["CLOCK"] = lambda: datetime(2026, 11, 23, 18, 0, tzinfo=timezone.utc)  # Monday 19:00
    assert ">Mbyllur tani<" in client.get(f"/services/{directory['legal'].id}").get_data(as_text=True)


def test_a_service_page_has_directions_hours_languages_and_cost(client, directory):
    html = client.get(f"/services/{directory['legal'].id}").get_data(as_text=True)
    assert 'href="geo:41.32750,19.81890"' in html
    assert "https://www.openstreetmap.org/?mlat=41.32750&amp;mlon=19.81890#map=17/41.32750/19.81890" in html
    assert "08:00–16:00" in html and "E hënë – E premte" in html
    assert "Ndihmë ligjore" in html


def test_an_unchecked_service_says_so(client, directory):
    assert "nuk është kontrolluar ende" in client.get(f"/services/{directory['work'].id}").get_data(as_text=True)


def test_a_hidden_service_is_not_found(client, directory):
    assert client.get(f"/services/{directory['hidden'].id}").status_code == 404


def test_a_place_with_a_street_address_has_an_exact_position(client, directory):
    directory["work"].locations[0].address_1 = "Rruga Qemal Stafa 3"
    db.session.commit()
    work = next(s for s in client.get("/services/directory.json").get_json()["services"] if s["name"] == "Zyra e punës Elbasan")
    assert work["places"][0]["exact"] is True


def test_directory_json_has_what_the_phone_needs(client, directory):
    data = client.get("/services/directory.json").get_json()
    assert data["timezone"] == "Europe/Tirane"
    work = next(s for s in data["services"] if s["name"] == "Zyra e punës Elbasan")
    assert work["places"] == [{"town": "Elbasan", "lat": 41.1125, "lon": 20.0822, "exact": False}]
    assert work["hours"] == [{"days": ["MO", "TU", "WE", "TH", "FR"], "opens": "08:00", "closes": "16:00", "timezone": "Europe/Tirane"}]
    assert work["phones"] == [{"number": "069 123 4567", "tel": "0691234567"}]
    assert "Shërbim i fshehur" not in str(data)


def test_only_the_map_page_may_load_tiles(app, client, directory):
    app.config["TILE_URL"] = "https://tiles.example.org/{z}/{x}/{y}.png"
    map_csp = client.get("/services/map").headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://tiles.example.org;" in map_csp
    assert "tiles.example.org" not in client.get("/services").headers["Content-Security-Policy"]


def test_the_map_page_loads_leaflet_and_the_list_does_not(client, directory):
    assert "leaflet-1.9.4/leaflet.js" in client.get("/services/map").get_data(as_text=True)
    assert "leaflet" not in client.get("/services").get_data(as_text=True)


def test_the_list_page_fits_the_first_render_budget(client, app):
    import gzip
    from pathlib import Path

    for n in range(15):
        factories.directory_service(f"Shërbimi numër {n}", areas=("legal", "economic", "family"))
    html = client.get("/services").get_data()
    css = (Path(app.static_folder) / "css" / "dera.css").read_bytes()
    assert len(gzip.compress(html)) + len(gzip.compress(css)) < 14 * 1024


def test_directory_json_does_not_count_as_activity_for_the_idle_lock(app):
    from pwa.security import _PASSIVE_ENDPOINTS

    assert "services_map.directory_json" in _PASSIVE_ENDPOINTS


def test_scripts_imported_by_other_scripts_are_checked_again_each_time(client, org):
    assert client.get("/static/js/directory.js").headers["Cache-Control"] == "no-cache"
    assert "max-age" in client.get("/static/js/directory.js?v=1").headers["Cache-Control"]


def test_a_services_page_shows_who_it_is_for_how_to_ask_fees_and_alerts(client):
    service = factories.directory_service(
        "Strehë", eligibility_description="Gra mbi 18 vjeç", application_process="Telefono më parë",
        fees_description="Falas për të gjithë", alert="Mbyllur më 1 janar",
    )
    html = client.get(f"/services/{service.id}").get_data(as_text=True)
    for text in ("Për kë është", "Gra mbi 18 vjeç", "Si ta kërkosh", "Telefono më parë", "Falas për të gjithë", "Mbyllur më 1 janar"):
        assert text in html
