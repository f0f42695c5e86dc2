"""The service directory on a phone: filter, search, near me, open now, the map, accessibility."""
import re
import struct
import zlib
from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import ARTIFACTS, UNREACHABLE_TILES, axe_violations, screenshot

# Monday 23 November 2026, 10:00 in Tirana.
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
# Where the phone says it is: in Elbasan. These digits must never leave the phone.
POSITION = {"latitude": 41.1173, "longitude": 20.0861}


@pytest.fixture
def directory(live):
    return {
        "tirana": factories.directory_service(
            "Ndihmë ligjore falas", areas=("legal",), town="Tiranë", point=(41.3275, 19.8189),
            verified_on=MONDAY_MORNING.date(), description="Këshilla ligjore falas për gratë.", provider="Qendra Ligjore",
        ),
        "elbasan": factories.directory_service(
            "Zyra e punës Elbasan", areas=("economic", "education_training"), town="Elbasan", point=(41.1125, 20.0822),
            hours=(("SA", "09:00", "12:00"),), phone="054 000 000",
        ),
        "vlora": factories.directory_service(
            "Qendra Vatra", areas=("psychological", "housing"), town="Vlorë", point=(40.4667, 19.4897), cost="free",
        ),
        "line": factories.directory_service(
            "Linja e këshillimit – 116 117", areas=("psychological", "safety"), town=None, phone="116 117",
            hours=(("MO,TU,WE,TH,FR,SA,SU", "00:00", "24:00"),),
        ),
    }


@pytest.fixture
def frozen(live):
    """The server's clock stops on Monday morning (the page's clock is stopped by each test)."""
    live.config["CLOCK"] = lambda: MONDAY_MORNING
    yield MONDAY_MORNING
    live.config.pop("CLOCK", None)


@pytest.fixture
def tile_server(live):
    """Point the map at a tile server; the test says which."""
    original = live.config["TILE_URL"]

    def use(url):
        live.config["TILE_URL"] = url

    yield use
    live.config["TILE_URL"] = original


def _names(page):
    return page.locator("#service-list li h2").all_inner_texts()


def test_filter_by_need_and_town_and_search_by_word(phone, directory):
    page = phone.page
    page.goto("/services")
    expect(page.get_by_role("heading", level=1)).to_have_text("Shërbimet")
    page.get_by_label("Çfarë të duhet?").select_option(label="Mbështetja emocionale")
    page.get_by_role("button", name="Shiko", exact=True).click()
    expect(page.locator("#service-list li")).to_have_count(2)
    assert set(_names(page)) == {"Qendra Vatra", "Linja e këshillimit – 116 117"}
    page.get_by_label("Çfarë të duhet?").select_option(label="Të gjitha")
    page.get_by_label("Qyteti").select_option("Elbasan")
    page.get_by_role("button", name="Shiko", exact=True).click()
    expect(page.locator("#service-list li")).to_have_count(2)
    assert _names(page)[0] == "Zyra e punës Elbasan"
    page.get_by_label("Qyteti").select_option(label="Të gjitha qytetet")
    page.get_by_label("Kërko me një fjalë").fill("ligjore")
    page.get_by_label("Kërko me një fjalë").press("Enter")
    expect(page.locator("#service-list li")).to_have_count(1)
    expect(page.get_by_role("link", name="Ndihmë ligjore falas")).to_be_visible()


def test_filters_work_without_javascript(open_browser, directory):
    page = open_browser(javascript=False).page
    page.goto("/services")
    page.get_by_label("Kërko me një fjalë").fill("vatra")
    page.get_by_role("button", name="Shiko", exact=True).click()
    expect(page.locator("#service-list li")).to_have_count(1)
    expect(page.get_by_role("button", name="Pranë meje")).to_be_hidden()


def test_near_me_sorts_on_the_phone_and_never_sends_the_position(phone, directory):
    sent = []
    phone.context.on("request", lambda request: sent.append((request.url, dict(request.headers), request.post_data or "")))
    phone.context.grant_permissions(["geolocation"], origin=phone.base_url)
    phone.context.set_geolocation(POSITION)
    page = phone.page
    page.goto("/services")
    expect(page.locator("#service-list li").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    # The directory is already on the phone: sorting needs no network at all.
    phone.context.set_offline(True)
    page.get_by_role("button", name="Pranë meje").click()
    expect(page.get_by_role("status")).to_have_text("Më të afërtit në krye. Vendndodhja jote mbetet vetëm në këtë telefon.")
    assert _names(page)[:3] == ["Zyra e punës Elbasan", "Ndihmë ligjore falas", "Qendra Vatra"]
    # Its position is only the town's (no street address): never a false "600 m".
    expect(page.locator("#service-list li").first.locator("[data-distance]")).to_have_text("në Elbasan")
    phone.context.set_offline(False)
    screenshot(page, "services-near-me")
    digits = [str(POSITION["latitude"]), str(POSITION["longitude"]), "41,117", "20,086", "41.117", "20.086"]
    for url, headers, body in sent:
        carried = url + " " + " ".join(f"{k}: {v}" for k, v in headers.items()) + " " + body
        assert not any(digit in carried for digit in digits), url


def test_open_now_labels_at_a_frozen_time(phone, directory, frozen):
    page = phone.page
    page.clock.set_fixed_time(frozen)
    page.goto("/services")
    tirana = page.locator("li", has_text="Ndihmë ligjore falas")
    elbasan = page.locator("li", has_text="Zyra e punës Elbasan")
    expect(tirana.locator("[data-open-now]")).to_have_text("Hapur tani")
    expect(elbasan.locator("[data-open-now]")).to_have_text("Mbyllur tani")
    expect(page.locator("li", has_text="116 117").locator("[data-open-now]")).to_have_text("Hapur tani")
    page.get_by_role("link", name="Zyra e punës Elbasan").click()
    expect(page.get_by_text("Mbyllur tani")).to_be_visible()
    expect(page.get_by_text("09:00–12:00")).to_be_visible()


def test_a_service_page_has_call_and_directions_links(phone, directory):
    page = phone.page
    page.goto("/services")
    page.get_by_role("link", name="Ndihmë ligjore falas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ndihmë ligjore falas")
    expect(page.get_by_role("link", name="Telefono 069 123 4567")).to_have_attribute("href", "tel:0691234567")
    expect(page.get_by_role("link", name="Hap në hartën e telefonit")).to_have_attribute("href", "geo:41.32750,19.81890")
    expect(page.get_by_role("link", name="Hap në OpenStreetMap")).to_have_attribute(
        "href", "https://www.openstreetmap.org/?mlat=41.32750&mlon=19.81890#map=17/41.32750/19.81890"
    )
    assert axe_violations(page) == []
    screenshot(page, "services-detail")


def test_the_map_with_its_tile_server_unreachable_still_shows_the_list(phone, directory, tile_server):
    tile_server(UNREACHABLE_TILES)
    problems = []
    phone.page.on("console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text else None)
    page = phone.page
    page.goto("/services")
    page.get_by_role("link", name="Shiko në hartë").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Harta e shërbimeve")
    expect(page.locator("#map-status")).to_have_text("Pamjet e hartës nuk u ngarkuan. Lista më poshtë punon njësoj.")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(3)
    expect(page.locator("#service-list li")).to_have_count(4)
    expect(page.get_by_role("link", name="Qendra Vatra")).to_be_visible()
    assert problems == []
    assert axe_violations(page) == []


def _tile_png() -> bytes:
    """A plain 256×256 map-coloured tile, so the screenshot shows a map without any real tile server."""
    row = b"\x00" + bytes((0xE8, 0xEE, 0xE2)) * 256
    raw = zlib.compress(row * 256)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def test_screenshots_of_the_list_and_the_map_on_a_phone(phone, directory, tile_server, frozen):
    tile_server(UNREACHABLE_TILES)
    tile = _tile_png()
    phone.context.route("http://127.0.0.1:9/**", lambda route: route.fulfill(status=200, content_type="image/png", body=tile))
    page = phone.page
    page.clock.set_fixed_time(frozen)
    page.goto("/services")
    expect(page.locator("#service-list li")).to_have_count(4)
    assert axe_violations(page) == []
    screenshot(page, "services-list")
    page.goto("/services/map")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(3)
    expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
    expect(page.locator("#map-status")).to_be_hidden()
    expect(page.get_by_role("link", name="© OpenStreetMap")).to_be_visible()
    page.locator(".leaflet-marker-icon").first.click()
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    # The map fills the screen: the phone's view, not the whole page.
    page.screenshot(path=str(ARTIFACTS / "services-map.png"))


# Leaflet's own English: its control titles and labels, its prefix link, its default marker text.
LEAFLET_ENGLISH = ("Zoom", "zoom", "Close popup", "Marker", "Leaflet", "JavaScript", "Layers", "interactive maps")


def test_the_map_controls_speak_albanian(phone, directory, tile_server):
    tile_server(UNREACHABLE_TILES)
    tile = _tile_png()
    phone.context.route("http://127.0.0.1:9/**", lambda route: route.fulfill(status=200, content_type="image/png", body=tile))
    page = phone.page
    page.goto("/services/map")
    expect(page.locator(".leaflet-marker-icon")).to_have_count(3)
    expect(page.get_by_role("button", name="Zmadho hartën", exact=True)).to_have_attribute("title", "Zmadho hartën")
    expect(page.get_by_role("button", name="Zvogëlo hartën", exact=True)).to_have_attribute("title", "Zvogëlo hartën")
    page.get_by_role("button", name="Qendra Vatra").click()
    close = page.get_by_role("button", name="Mbyll këtë listë", exact=True)
    expect(close).to_be_visible()
    words = page.locator("#map").evaluate(
        """map => [map.innerText].concat(Array.from(map.querySelectorAll("*")).flatMap(
            node => ["title", "aria-label", "alt"].map(name => node.getAttribute(name) || "")))"""
    )
    left = [word for word in words if any(english in word for english in LEAFLET_ENGLISH)]
    assert left == []
    close.click()
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    page.get_by_role("button", name="Zmadho hartën", exact=True).click()
    expect(page.get_by_role("button", name="Zvogëlo hartën", exact=True)).to_be_enabled()


def test_a_supervisor_edits_the_directory_on_a_laptop(open_browser, live, directory):
    from pwa.models import Role
    from tests.browser.test_foundation import sign_in_staff

    factories.staff(factories.organisation(), "drita", Role.SUPERVISOR)
    office = open_browser(viewport={"width": 1280, "height": 800})
    sign_in_staff(office, "drita")
    page = office.page
    page.get_by_role("link", name="Lista e shërbimeve").click()
    page.get_by_role("link", name="Shto një shërbim").click()
    page.get_by_label("Ofruesi").fill("Qendra Drita")
    page.get_by_label("Emri i shërbimit").fill("Këshillim për punë")
    page.get_by_label("Gjerësia gjeografike").fill("95")
    page.get_by_role("button", name="Ruaj").click()
    expect(page.get_by_role("alert")).to_contain_text("Zgjidh të paktën një fushë ndihme.")
    expect(page.get_by_label("Emri i shërbimit")).to_have_value("Këshillim për punë")
    assert axe_violations(page) == []
    screenshot(page, "services-console-errors")
    page.get_by_label("Puna dhe të ardhurat").check()
    page.get_by_label("Shërbim për të gjithë").check()
    page.get_by_label("Gjerësia gjeografike").fill("42.0683")
    page.get_by_label("Gjatësia gjeografike").fill("19.5126")
    page.get_by_label("Qyteti ose bashkia").fill("Shkodër")
    page.get_by_role("button", name="Ruaj").click()
    expect(page.get_by_text("Shërbimi u ruajt: Këshillim për punë.")).to_be_visible()
    page.get_by_role("row", name=re.compile("Zyra e punës Elbasan")).get_by_role("button", name="Mos e shfaq").click()
    expect(page.get_by_role("row", name=re.compile("Zyra e punës Elbasan"))).to_contain_text("Nuk shfaqet")
