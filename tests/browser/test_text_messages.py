"""One-tap texts when there is no mobile data: sms: links to her trusted people and the help line, built on the phone."""
import json
import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from pwa.models import Role
from tests import factories
from tests.browser.conftest import EXIT_URL, axe_violations, screenshot
from tests.browser.test_foundation import bind_phone, unlock
from tests.browser.test_shell import controlled

TRUSTED = [{"name": "Vjollca", "number": "068 555 1234"}, {"name": "Motra", "number": "+355 69 777 8888"}]


@pytest.fixture
def people(live):
    org = factories.organisation(exit_url=EXIT_URL, helpline="0800 4321")
    factories.staff(org, "drita", Role.SUPERVISOR)
    arta = factories.staff(org, "arta", work_phone="069 000 0001")
    return org, arta, factories.survivor(arta, "Lulja")


def sms(number: str, body: str) -> str:
    return f"sms:{number}?body={quote(body, safe='')}"


def signed_in_with_trusted_people(phone, people):
    bind_phone(phone, people[2])
    unlock(phone)
    phone.page.evaluate("people => localStorage.setItem('dera-trusted-people', JSON.stringify(people))", TRUSTED)


def server_requests(session, start: int) -> list[str]:
    """Requests to Dera since ``start`` (the session records every request it makes)."""
    return [url for url in session.requests[start:] if url.startswith(session.base_url)]


def test_texts_on_ask_for_help_are_built_on_the_phone_and_work_offline(phone, people):
    signed_in_with_trusted_people(phone, people)
    page = phone.page
    page.goto("/help")
    vjollca = page.get_by_role("link", name=re.compile("Dërgo SMS: Vjollca"))
    motra = page.get_by_role("link", name=re.compile("Dërgo SMS: Motra"))
    line = page.get_by_role("link", name=re.compile("Dërgo SMS te linja jonë e ndihmës"))
    expect(vjollca).to_have_attribute("href", sms("0685551234", "Më merr në telefon, të lutem."))
    expect(motra).to_have_attribute("href", sms("+355697778888", "Më merr në telefon, të lutem."))
    expect(line).to_have_attribute("href", sms("08004321", "Më merr në telefon, të lutem."))
    assert axe_violations(page) == []
    screenshot(page, "help-texts")

    start = len(phone.requests)
    phone.context.set_offline(True)
    page.get_by_label("Mund të vish të më marrësh?").check()
    expect(vjollca).to_have_attribute("href", sms("0685551234", "Mund të vish të më marrësh?"))
    page.get_by_label("Fjalët e mia").first.check()
    page.locator("#sms-own").fill("Jam te dyqani, eja në 5.")
    expect(line).to_have_attribute("href", sms("08004321", "Jam te dyqani, eja në 5."))
    expect(motra).to_have_attribute("href", sms("+355697778888", "Jam te dyqani, eja në 5."))
    assert server_requests(phone, start) == []
    phone.context.set_offline(False)

    # Her words stay on the phone for next time, and never reach the server.
    page.reload()
    expect(page.locator("#sms-own")).to_have_value("Jam te dyqani, eja në 5.")
    expect(vjollca).to_have_attribute("href", sms("0685551234", "Jam te dyqani, eja në 5."))
    assert all("dyqani" not in json.dumps(request) for request in phone.requests)


def test_contacts_offer_the_same_texts_when_she_is_signed_in(phone, people):
    signed_in_with_trusted_people(phone, people)
    page = phone.page
    page.goto("/contacts")
    expect(page.get_by_role("link", name=re.compile("Dërgo SMS: Vjollca"))).to_have_attribute("href", sms("0685551234", "Më merr në telefon, të lutem."))
    page.get_by_label("Kam nevojë të flas.").check()
    expect(page.get_by_role("link", name=re.compile("Dërgo SMS te linja jonë e ndihmës"))).to_have_attribute("href", sms("08004321", "Kam nevojë të flas."))
    assert axe_violations(page) == []


def test_the_public_contacts_page_never_shows_trusted_people(phone, people):
    page = phone.page
    page.goto("/contacts")
    page.evaluate("people => localStorage.setItem('dera-trusted-people', JSON.stringify(people))", TRUSTED)
    page.reload()
    expect(page.get_by_role("link", name=re.compile("Dërgo SMS te linja jonë e ndihmës"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Vjollca"))).to_have_count(0)


def test_without_javascript_the_help_line_text_still_works(open_browser, people):
    phone = open_browser(javascript=False)
    page = phone.page
    page.goto("/contacts")
    expect(page.get_by_role("link", name=re.compile("Dërgo SMS te linja jonë e ndihmës"))).to_have_attribute("href", sms("08004321", "Më merr në telefon, të lutem."))


def test_a_request_waiting_offline_can_go_as_a_text_to_the_help_line(phone, people):
    bind_phone(phone, people[2])
    unlock(phone)
    page = phone.page
    page.goto("/help")
    controlled(page)
    page.get_by_label("Dhunë në shtëpi").click()
    page.get_by_label("Tani", exact=True).click()
    page.get_by_label("Më telefono", exact=True).click()
    phone.context.set_offline(True)
    page.get_by_role("button", name="Dërgo", exact=True).click()
    offer = page.get_by_role("link", name="Dërgoje edhe si SMS te linja jonë e ndihmës")
    expect(offer).to_be_visible()
    href = offer.get_attribute("href")
    assert href.startswith("sms:08004321?body=")
    body = href.split("body=", 1)[1]
    for words in ("Kërkova ndihmë në aplikacion", "Dhunë në shtëpi", "Tani", "Më telefono"):
        assert quote(words, safe="") in body


def test_the_texts_work_on_contacts_opened_without_a_network(phone, people):
    """After one visit the service worker has the page and its scripts: choosing a message still works offline."""
    page = phone.page
    page.goto("/contacts")
    controlled(page)
    page.reload()
    phone.context.set_offline(True)
    page.goto("/contacts")
    page.get_by_label("Kam nevojë të flas.").check()
    expect(page.get_by_role("link", name=re.compile("Dërgo SMS te linja jonë e ndihmës"))).to_have_attribute("href", sms("08004321", "Kam nevojë të flas."))
