"""The enrolment link carries its code in the fragment: the phone fills it in, and no address the server sees holds it."""
import re

import pytest
from playwright.sync_api import expect

from pwa.models import Role
from tests import factories


@pytest.fixture
def waiting(live):
    org = factories.organisation()
    arta = factories.staff(org, "arta", Role.CASE_MANAGER)
    ylli = factories.survivor(arta, "Ylli", pin=None)
    return factories.enrolment_code(ylli, arta)


@pytest.mark.browser
def test_the_link_opens_the_nickname_and_pin_form(phone, waiting):
    requested = []
    phone.page.on("request", lambda request: requested.append(request.url))
    phone.page.goto(f"/enrol#{waiting}")
    expect(phone.page.get_by_role("heading", level=1)).to_have_text("Para se të fillosh")
    phone.page.get_by_role("button", name="Vazhdo").click()
    expect(phone.page.get_by_label("Pseudonimi")).to_have_value("Ylli")
    expect(phone.page).to_have_url(re.compile(r"/enrol$"))
    code = waiting.replace("-", "")
    assert not [url for url in requested if waiting in url.split("#")[0] or code in url.split("#")[0]]
