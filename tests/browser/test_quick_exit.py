"""Leave quickly on a phone: Shift only on its own, announced; and no way back into Dera afterwards."""
import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import EXIT_URL
from tests.browser.test_foundation import bind_phone, people, unlock  # noqa: F401 (people is a fixture)
from tests.browser.test_shell import controlled

TYPED = ("Ana Bora Cela", "Më Duhet Ndihmë")


def signed_in(phone, people):
    bind_phone(phone, people.lulja)
    unlock(phone)
    expect(phone.page.get_by_text("Përshëndetje, Lulja")).to_be_visible()
    return phone.page


def type_as_a_person(page, box, text):
    """Type as on a keyboard: each capital letter is Shift held down, the letter, Shift let go."""
    box.focus()
    for char in text:
        if char.isupper():
            page.keyboard.down("Shift")
            page.keyboard.press(char)
            page.keyboard.up("Shift")
        elif char.isascii():
            page.keyboard.press(char)
        else:  # "ë": not on Playwright's US keyboard, so it is put in as text
            page.keyboard.type(char)


def open_help_note(page):
    page.goto("/help")
    page.wait_for_load_state("load")
    page.get_by_label("Shëndeti").click()
    page.get_by_label("Tani", exact=True).click()
    page.get_by_label("Më telefono").click()
    return page.get_by_label(re.compile("Dëshiron të shtosh diçka"))


@pytest.mark.parametrize("where", ["text field", "help note"])
def test_typing_capital_letters_never_leaves(phone, people, where):
    page = signed_in(phone, people)
    if where == "text field":
        page.goto("/plan/goals/new")
        page.wait_for_load_state("load")
        box = page.get_by_label("Qëllimi yt, me pak fjalë")
    else:
        box = open_help_note(page)
    for text in TYPED:
        box.fill("")
        type_as_a_person(page, box, text)
        expect(box).to_have_value(text)
    assert page.url.startswith(phone.base_url)
    expect(page.locator("#quick-exit-status")).to_have_text("")


def test_three_lone_shift_presses_leave_and_the_first_is_announced(phone, people):
    page = signed_in(phone, people)
    page.wait_for_load_state("load")
    status = page.locator("#quick-exit-status")
    expect(status).to_have_attribute("aria-live", "polite")
    page.keyboard.press("Shift")
    expect(status).to_have_text("Shift u shtyp 1 herë nga 3")
    page.keyboard.press("Shift")
    expect(page.locator("#quick-exit-status")).to_have_text("Shift u shtyp 2 herë nga 3")
    page.keyboard.press("Shift")
    expect(page).to_have_url(EXIT_URL)


def test_another_key_between_shifts_starts_the_count_again(phone, people):
    page = signed_in(phone, people)
    page.wait_for_load_state("load")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.keyboard.press("a")
    expect(page.locator("#quick-exit-status")).to_have_text("")
    page.keyboard.press("Shift")
    expect(page.locator("#quick-exit-status")).to_have_text("Shift u shtyp 1 herë nga 3")
    assert page.url.startswith(phone.base_url)


def _open_four_pages(page, people):
    page.get_by_role("link", name="Plani im", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plani im")
    page.goto("/today")
    page.get_by_role("link", name="Kërko ndihmë").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kërko ndihmë")
    service = factories.directory_service()
    page.goto(f"/services/{service.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Qendra Shpresa")


def _watch(phone):
    seen = []
    phone.page.on("response", lambda response: seen.append(response))
    return seen


def _dera_in(seen, base_url) -> list[str]:
    """Every response from Dera after leaving whose body names Dera (redirects carry none)."""
    found = []
    for response in seen:
        if not response.url.startswith(base_url) or 300 <= response.status < 400:
            continue
        try:
            body = response.text()
        except Exception:  # a body the browser dropped when it left the page was never drawn
            continue
        if "Dera" in body:
            found.append(response.url)
    return found


@pytest.mark.parametrize("how", ["button", "shift", "no javascript"])
def test_back_after_leaving_shows_only_the_neutral_site(open_browser, people, how):
    phone = open_browser(javascript=how != "no javascript")
    page = signed_in(phone, people)
    if how != "no javascript":
        controlled(page)
    _open_four_pages(page, people)
    seen = _watch(phone)
    if how == "shift":
        page.wait_for_load_state("load")
        for _ in range(3):
            page.keyboard.press("Shift")
    else:
        page.get_by_role("link", name="Dil shpejt", exact=True).click()
    expect(page).to_have_url(EXIT_URL)
    for _ in range(4):
        page.go_back()
        page.wait_for_load_state()
        assert page.url in (EXIT_URL, "about:blank"), page.url
        assert "Dera" not in page.title() and "Dera" not in page.content()
    assert _dera_in(seen, phone.base_url) == []

    # Opening Dera afresh (the home-screen icon's start address) still asks for the PIN.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/unlock$"))
    expect(page.get_by_label("PIN-i")).to_be_visible()


def test_back_after_leaving_offline_shows_no_kept_page(phone, people):
    page = signed_in(phone, people)
    controlled(page)
    page.goto("/contacts")
    page.goto("/services")
    page.get_by_role("link", name="Dil shpejt", exact=True).click()
    expect(page).to_have_url(EXIT_URL)
    phone.context.set_offline(True)
    page.go_back()
    page.wait_for_load_state()
    assert "Dera" not in page.title()
    assert "Kontaktet" not in page.content() and "Shërbimet" not in page.content()


def test_staff_typing_a_nickname_in_the_console_never_leaves(open_browser, people):
    from tests.browser.test_foundation import sign_in_staff

    office = open_browser(viewport={"width": 1280, "height": 800})
    sign_in_staff(office, "arta")
    page = office.page
    page.get_by_role("link", name="Regjistro një person").first.click()
    page.wait_for_load_state("load")
    box = page.get_by_label("Pseudonimi")
    type_as_a_person(page, box, "Ana Bora Cela")
    expect(box).to_have_value("Ana Bora Cela")


@pytest.mark.parametrize("modifier", ["Alt", "Control"])
def test_switching_the_keyboard_language_with_shift_never_leaves(phone, people, modifier):
    page = signed_in(phone, people)
    page.wait_for_load_state("load")
    for _ in range(3):
        page.keyboard.down(modifier)
        page.keyboard.press("Shift")
        page.keyboard.up(modifier)
    expect(page.locator("#quick-exit-status")).to_have_text("")
    assert page.url.startswith(phone.base_url)


def test_a_notification_tapped_after_leaving_opens_dera_afresh(phone, people):
    phone.context.grant_permissions(["notifications"])
    page = signed_in(phone, people)
    controlled(page)
    page.evaluate("navigator.serviceWorker.ready.then((r) => r.showNotification('Dera', {data: {url: '/appointments'}}))")
    other_tab = phone.context.new_page()
    other_tab.goto("/contacts")
    page.get_by_role("link", name="Dil shpejt", exact=True).click()
    expect(page).to_have_url(EXIT_URL)
    worker = phone.context.service_workers[0]
    worker.evaluate("self.registration.getNotifications().then((shown) => openNotification(shown[0]))")
    expect(other_tab).to_have_url(re.compile(r"/unlock$"))
    expect(other_tab.get_by_label("PIN-i")).to_be_visible()
