"""Long console lists come a page at a time: the links work without JavaScript, keep the filters, and pass axe on a phone."""
from datetime import datetime, timedelta, timezone

import pytest
from playwright.sync_api import expect

from pwa.extensions import db
from pwa.models import AuditEvent, Role
from tests import factories
from tests.browser.conftest import EXIT_URL, axe_violations
from tests.browser.test_foundation import sign_in_staff


@pytest.fixture
def busy_org(live):
    org = factories.organisation(exit_url=EXIT_URL)
    factories.staff(org, "drita", Role.SUPERVISOR)
    arta = factories.staff(org, "arta")
    for n in range(55):
        factories.staff(org, f"colleague{n:02d}", first_name=f"Kolege {n:02d}")
    lulja = factories.survivor(arta, "Lulja", pin=None)
    dielli = factories.survivor(arta, "Dielli", pin=None)
    start = datetime(2027, 1, 1, tzinfo=timezone.utc)
    db.session.add_all(AuditEvent(staff_id=arta.id, survivor_id=lulja.id, action="plan_edit", at=start + timedelta(minutes=n)) for n in range(60))
    db.session.add_all(AuditEvent(staff_id=arta.id, survivor_id=dielli.id, action="view", at=start + timedelta(minutes=n)) for n in range(60))
    db.session.commit()
    return org


def test_the_next_page_of_the_log_keeps_its_filter_without_javascript(open_browser, busy_org):
    office = open_browser(javascript=False)
    sign_in_staff(office, "drita")
    page = office.page
    page.goto("/console/audit/")
    page.get_by_label("Personi").fill("lulj")
    page.get_by_role("button", name="Shiko").click()
    pages = page.get_by_role("navigation", name="Faqet")
    expect(pages).to_contain_text("Faqja 1 nga 2")
    pages.get_by_role("link", name="Faqja tjetër").click()
    expect(page.get_by_role("navigation", name="Faqet")).to_contain_text("Faqja 2 nga 2")
    expect(page.locator("main table tbody tr")).to_have_count(10)
    expect(page.locator("main table tbody")).not_to_contain_text("Dielli")
    expect(page.get_by_label("Personi")).to_have_value("lulj")


def test_the_staff_list_pages_on_a_phone_with_no_serious_accessibility_problems(open_browser, busy_org):
    phone = open_browser()
    sign_in_staff(phone, "drita")
    page = phone.page
    page.goto("/console/staff")
    pages = page.get_by_role("navigation", name="Faqet")
    expect(pages).to_contain_text("Faqja 1 nga 2")
    link = pages.get_by_role("link", name="Faqja tjetër")
    assert link.bounding_box()["height"] >= 44
    assert axe_violations(page) == []
    link.click()
    expect(page.get_by_role("link", name="Faqja e mëparshme")).to_be_visible()
    expect(page.get_by_role("link", name="Dil shpejt", exact=True)).to_be_visible()
