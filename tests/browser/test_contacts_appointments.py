"""Contacts, trusted people and appointments on a phone (360×740), in Albanian."""
import re
from datetime import time, timedelta

import pytest
from playwright.sync_api import expect

from pwa.appointments.services import tirane_day, tirane_to_utc
from pwa.models import Role, utcnow
from tests import factories
from tests.browser.conftest import EXIT_URL, axe_violations, screenshot
from tests.browser.test_foundation import bind_phone, sign_in_staff, unlock
from tests.browser.test_shell import controlled

TRUSTED_NAME, TRUSTED_NUMBER = "Vjollca", "068 555 1234"


@pytest.fixture
def people(live):
    org = factories.organisation(exit_url=EXIT_URL, helpline="0800 4321")
    arta = factories.staff(org, "arta", work_phone="069 000 0001")
    factories.staff(org, "drita", Role.SUPERVISOR)
    return org, arta, factories.survivor(arta, "Lulja")


def tomorrow_at(hour, minute):
    return tirane_to_utc(tirane_day(utcnow()) + timedelta(days=1), time(hour, minute))


def recorder(session):
    """Every request the phone makes from now on (pages, scripts, the service worker's fetches)."""
    seen = []
    session.context.on("request", lambda request: seen.append(request))
    return seen


def leaks(requests, *secrets):
    """Requests whose address, headers or body carry any of the secrets."""
    found = []
    for request in requests:
        try:
            headers = request.all_headers()
        except Exception:  # a request that never got an answer keeps only what was sent
            headers = request.headers
        text = " ".join([request.url, str(headers), request.post_data or ""])
        text += " " + text.replace("%20", " ").replace("+", " ")
        found += [request.url for secret in secrets if secret in text]
    return found


def test_contacts_open_without_a_network_after_one_visit(phone, people):
    page = phone.page
    page.goto("/contacts")
    controlled(page)
    expect(page.get_by_role("link", name=re.compile("116 117"))).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "contacts")
    phone.context.set_offline(True)
    page.goto("/contacts")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kontaktet")
    expect(page.get_by_role("link", name=re.compile("Linja kombëtare e ndihmës"))).to_have_attribute("href", "tel:116006")
    expect(page.get_by_role("link", name=re.compile("Linja jonë e ndihmës"))).to_have_attribute("href", "tel:08004321")


def test_trusted_people_stay_on_the_phone_and_never_reach_the_server(phone, people):
    requests = recorder(phone)
    bind_phone(phone, people[2])
    unlock(phone)
    page = phone.page
    page.goto("/contacts")
    expect(page.get_by_role("link", name=re.compile("Arta, që punon me ty"))).to_have_attribute("href", "tel:0690000001")
    page.get_by_role("link", name="Hap njerëzit e mi të besuar").click()
    expect(page.get_by_text("Ende nuk ka njeri këtu.")).to_be_visible()
    expect(page.get_by_text("Kjo faqe ka nevojë për JavaScript")).to_be_hidden()
    page.get_by_label("Emri").fill(TRUSTED_NAME)
    page.get_by_label("Numri i telefonit").fill("thirrmë")
    page.get_by_role("button", name="Shto").click()
    expect(page.get_by_text("Shkruaj numrin me shifra")).to_be_visible()
    page.get_by_label("Numri i telefonit").fill(TRUSTED_NUMBER)
    page.get_by_role("button", name="Shto").click()
    expect(page.get_by_role("link", name=f"{TRUSTED_NAME} {TRUSTED_NUMBER}")).to_have_attribute("href", "tel:0685551234")
    expect(page.get_by_role("status")).to_have_text("U ruajt në këtë telefon.")
    assert axe_violations(page) == []
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "trusted-people")

    # Quick exit leaves them in place (they are hers); seeing them again needs the PIN.
    page.get_by_role("link", name="Dil shpejt", exact=True).click()
    expect(page).to_have_url(EXIT_URL)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/unlock$"))
    page.get_by_label("PIN-i").fill(factories.PIN)
    page.get_by_role("button", name="Hap").click()
    page.goto("/trusted-people")
    expect(page.get_by_role("link", name=f"{TRUSTED_NAME} {TRUSTED_NUMBER}")).to_be_visible()

    page.get_by_role("button", name=f"Fshi: {TRUSTED_NAME}").click()
    expect(page.get_by_text("Ende nuk ka njeri këtu.")).to_be_visible()
    assert requests and leaks(requests, TRUSTED_NAME, TRUSTED_NUMBER, "5551234") == []
    assert TRUSTED_NAME not in str(phone.context.cookies())


def test_without_javascript_the_page_says_nothing_can_be_kept(open_browser, people):
    phone = open_browser(javascript=False)
    bind_phone(phone, people[2])
    unlock(phone)
    phone.page.goto("/trusted-people")
    expect(phone.page.get_by_text("Kjo faqe ka nevojë për JavaScript")).to_be_visible()
    expect(phone.page.get_by_label("Emri")).to_be_hidden()


def test_she_sees_her_next_appointment_and_says_she_cannot_come(phone, people, open_browser):
    org, arta, lulja = people
    factories.appointment(lulja, tomorrow_at(14, 30), title="Takim në zyrë", place="Zyra, kati i dytë")
    factories.appointment(lulja, tomorrow_at(9, 0) + timedelta(days=6), title="Kurs", place="Qendra e formimit")
    bind_phone(phone, lulja)
    unlock(phone)
    page = phone.page
    expect(page.get_by_role("heading", name="Takimi yt i radhës")).to_be_visible()
    screenshot(page, "today-next-appointment")
    page.get_by_role("link", name="Takimet Takimet dhe kujtesat e tua").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Takimet")
    expect(page.get_by_role("button", name="Ndiz kujtesat")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "appointments")
    page.get_by_role("link", name=re.compile("14:30 Takim në zyrë")).click()
    expect(page.get_by_text("Zyra, kati i dytë")).to_be_visible()
    page.get_by_role("button", name="Nuk mund të vij").click()
    expect(page.get_by_text("Ke thënë që nuk mund të vish.")).to_be_visible()
    expect(page.get_by_role("button", name="Në fakt, mund të vij")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "appointment")

    office = open_browser()
    sign_in_staff(office, "arta")
    office.page.get_by_role("link", name="Takimet").click()
    office.page.get_by_role("link", name="Dita tjetër").click()
    expect(office.page.get_by_role("listitem").filter(has_text="Takim në zyrë")).to_contain_text("Nuk mund të vijë")
    assert axe_violations(office.page) == []
    screenshot(office.page, "console-appointments")


def test_a_case_manager_schedules_an_appointment_on_her_phone(open_browser, people):
    org, arta, lulja = people
    office = open_browser()
    sign_in_staff(office, "arta")
    page = office.page
    page.get_by_role("link", name="Lulja").click()
    page.get_by_role("link", name="Cakto një takim").click()
    page.get_by_role("button", name="Ruaj").click()
    expect(page.get_by_role("alert")).to_contain_text("Zgjidh një datë.")
    assert axe_violations(page) == []
    screenshot(page, "console-schedule-errors")
    day = (tirane_day(utcnow()) + timedelta(days=2)).isoformat()
    page.get_by_label("Data").fill(day)
    page.get_by_label("Ora", exact=True).fill("11:15")
    page.get_by_label("Titulli").fill("Takim")
    page.get_by_label("Vendi").fill("Zyra")
    page.get_by_role("button", name="Ruaj").click()
    expect(page.get_by_text("Takimi u ruajt.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="11:15")).to_contain_text("Lulja")


def test_trusted_people_open_without_a_network_by_default(phone, people):
    bind_phone(phone, people[2])
    unlock(phone)
    page = phone.page
    page.goto("/trusted-people")
    controlled(page)
    page.get_by_label("Emri").fill(TRUSTED_NAME)
    page.get_by_label("Numri i telefonit").fill(TRUSTED_NUMBER)
    page.get_by_role("button", name="Shto").click()
    expect(page.get_by_role("link", name=f"{TRUSTED_NAME} {TRUSTED_NUMBER}")).to_be_visible()
    # "Keep my plan on this phone" was never turned on.
    assert not page.evaluate("caches.has('dera-private-v1')")
    phone.context.set_offline(True)
    page.goto("/trusted-people")
    expect(page.get_by_role("heading", level=1)).to_have_text("Njerëzit e mi të besuar")
    expect(page.get_by_role("link", name=f"{TRUSTED_NAME} {TRUSTED_NUMBER}")).to_have_attribute("href", "tel:0685551234")
