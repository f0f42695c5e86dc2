"""The supervisor's duty rota, audit log, figures, staff and directory lists in a real browser, on an office screen and a phone."""
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from pwa.extensions import db
from pwa.models import AuditEvent, DirectoryServiceReport, DutyShift, Role
from tests import factories
from tests.browser.conftest import EXIT_URL, axe_violations, screenshot
from tests.browser.test_foundation import sign_in_staff

OFFICE = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def org_people(live):
    org = factories.organisation(exit_url=EXIT_URL)
    factories.staff(org, "drita", Role.SUPERVISOR)
    arta = factories.staff(org, "arta")
    factories.staff(org, "besnik")
    lulja = factories.survivor(arta, "Lulja", pin=None)
    db.session.add(AuditEvent(staff_id=arta.id, survivor_id=lulja.id, action="view"))
    kept = factories.directory_service("Qendra Ligjore e Tiranës", keeper_id=org.id)
    db.session.add(DirectoryServiceReport(service_id=kept.id, kind="phone", reported_on=date.today()))
    db.session.commit()
    return org


def test_a_supervisor_adds_a_shift_without_javascript_and_the_console_shows_it(open_browser, org_people):
    office = open_browser(viewport=OFFICE, javascript=False)
    sign_in_staff(office, "drita")
    page = office.page
    page.get_by_role("link", name="Kujdestaria").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kujdestaria")
    form = page.locator("form", has=page.get_by_role("button", name="Shto turnin"))
    form.get_by_label("Menaxheri i rastit").select_option(label="Besnik")
    for day in ("e hënë", "e martë", "e mërkurë", "e enjte", "e premte", "e shtunë", "e diel"):
        form.get_by_label(day, exact=True).check()
    form.get_by_label("Nga").fill("00:00")
    form.get_by_label("Deri").fill("00:00")
    form.get_by_role("button", name="Shto turnin").click()
    expect(page.get_by_text("Kujdestaria u ruajt.")).to_be_visible()
    expect(page.get_by_text("Në kujdestari tani: Besnik.")).to_be_visible()
    db.session.rollback()
    assert len(db.session.scalars(select(DutyShift)).all()) == 7


@pytest.mark.parametrize("viewport", [OFFICE, PHONE], ids=["office", "phone"])
@pytest.mark.parametrize(
    "path",
    ["/console/rota/", "/console/audit/", "/console/figures/?compare=last_month", "/console/staff", "/console/services/", "/console/services/reports"],
    ids=["rota", "audit", "figures", "staff", "directory", "reports"],
)
def test_the_organisation_pages_have_no_serious_accessibility_problems(open_browser, org_people, path, viewport):
    office = open_browser(viewport=viewport)
    sign_in_staff(office, "drita")
    page = office.page
    page.goto(path)
    expect(page.locator("h1")).to_be_visible()
    assert axe_violations(page) == []
    # Nothing wider than the screen except inside a scrolling table.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    screenshot(page, f"axe-{'-'.join(path.strip('/').split('?')[0].split('/')[1:])}-{viewport['width']}")
