"""The caseload, a case's life and staff accounts in a real browser, on an office screen and on a phone."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from pwa.extensions import db
from pwa.models import Role, utcnow
from tests import factories
from tests.browser.conftest import EXIT_URL, axe_violations, screenshot
from tests.browser.test_foundation import bind_phone, sign_in_staff

OFFICE = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def people(live):
    org = factories.organisation(exit_url=EXIT_URL, helpline="0800 1234")
    supervisor = factories.staff(org, "drita", Role.SUPERVISOR)
    arta = factories.staff(org, "arta", work_phone="069 000 0001")
    besnik = factories.staff(org, "besnik")
    lulja = factories.survivor(arta, "Lulja")
    factories.plan(lulja, "transition")
    factories.help_request(lulja, urgency="today", now=utcnow() - timedelta(hours=3))
    factories.appointment(lulja)
    for n in range(4):
        factories.survivor(arta, f"Person {n}", pin=None)
    return factories.SmallOrganisation(org, supervisor, arta, besnik, lulja, factories.survivor(besnik, "Dielli"))


def _no_page_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [OFFICE, PHONE], ids=["office", "phone"])
def test_the_caseload_puts_who_needs_attention_first_and_fits_the_screen(open_browser, people, viewport):
    session = open_browser(viewport=viewport)
    sign_in_staff(session, "arta")
    page = session.page
    rows = page.get_by_role("row")
    expect(rows.nth(1).get_by_role("rowheader")).to_contain_text("Lulja")
    page.get_by_label("Vetëm kush ka nevojë për vëmendje").check()
    page.get_by_role("button", name="Shiko").click()
    expect(page.get_by_role("row")).to_have_count(2)
    assert _no_page_overflow(page)
    if viewport is OFFICE:
        # The table uses the office screen: it is wider than the 40-rem column of a phone page.
        assert page.locator("table.caseload").bounding_box()["width"] > 700
    assert axe_violations(page) == []
    screenshot(page, f"caseload-{viewport['width']}")


def test_a_supervisor_moves_and_closes_a_case_and_reopens_it(open_browser, people):
    office = open_browser(viewport=OFFICE)
    sign_in_staff(office, "drita")
    page = office.page
    page.get_by_role("link", name="Lulja").click()
    page.get_by_role("link", name="Kalo te një menaxher tjetër rasti").click()
    assert axe_violations(page) == []
    page.get_by_label("Menaxheri i ri i rastit").select_option(label="Besnik")
    page.get_by_role("button", name="Kaloje").click()
    expect(page.get_by_text("Besnik ndjek tani Lulja.")).to_be_visible()
    page.get_by_role("link", name="Mbyll rastin").click()
    assert axe_violations(page) == []
    page.get_by_label("Qëllimet u arritën").check()
    page.get_by_role("button", name="Mbyll rastin").click()
    expect(page.get_by_text("Rasti u mbyll: Lulja.")).to_be_visible()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Rihap rastin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kod për një herë")


def test_her_phone_shows_the_kind_closing_page(open_browser, people):
    from pwa.cases.services import close_case

    close_case(db.session, people.arta, people.lulja, "goals_reached", utcnow())
    db.session.commit()
    phone = open_browser(viewport=PHONE)
    bind_phone(phone, people.lulja)
    page = phone.page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Faleminderit që e bëre këtë rrugë me ne")
    expect(page.get_by_text("0800 1234").first).to_be_visible()
    assert "Arta" not in page.content()
    assert _no_page_overflow(page)
    assert axe_violations(page) == []


def test_a_supervisor_manages_a_colleague_and_sets_up_the_app(open_browser, people):
    people.supervisor.totp_secret = people.supervisor.totp_enabled_at = None
    db.session.commit()
    office = open_browser(viewport=OFFICE)
    page = office.page
    page.goto("/login")
    page.get_by_label("Emri i përdoruesit").fill("drita")
    page.get_by_label("Fjalëkalimi").fill(factories.PASSWORD)
    page.get_by_role("button", name="Hyr").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Konfiguro aplikacionin e kodeve")
    assert axe_violations(page) == []
    db.session.expire_all()
    person = factories.staff_by_username("drita")
    page.get_by_label("Kodi nga aplikacioni").fill(factories.second_factor_code(person))
    page.get_by_role("button", name="Aktivizoje").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kodet e tua rezervë")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("link", name="I kam ruajtur").click()
    page.get_by_role("link", name="Stafi").click()
    page.get_by_role("link", name="Besnik").click()
    assert axe_violations(page) == []
    page.get_by_role("link", name="Kalo personat te një koleg").click()
    page.get_by_label("Menaxheri i ri i rastit").select_option(label="Arta")
    page.get_by_role("button", name="Kalo personat").click()
    page.get_by_role("link", name="Besnik").click()
    page.get_by_role("button", name="Çaktivizo").click()
    expect(page.get_by_text("Besnik nuk mund të hyjë më.")).to_be_visible()
    screenshot(page, "staff-colleague-1280")
