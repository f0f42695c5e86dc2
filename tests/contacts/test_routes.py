"""Contacts: national lines and the organisation's line for everyone; her case manager behind the PIN; trusted people on the phone."""
import pytest
from bs4 import BeautifulSoup

from pwa.extensions import db
from pwa.security import DEVICE_COOKIE


def test_contacts_list_every_national_line_with_a_call_link(client, org):
    html = client.get("/contacts").get_data(as_text=True)
    for tel in ("112", "129", "127", "128", "116117", "116111", "116006", "08000911"):
        assert f'href="tel:{tel}"' in html
    assert 'Linja kombëtare e ndihmës<span class="line-tags">, falas</span>' in html


def test_free_and_24_hours_are_shown_in_english_too(client, org):
    client.post("/language", data={"locale": "en"})
    html = client.get("/contacts").get_data(as_text=True)
    assert 'National counselling line for women and girls<span class="line-tags">, free, 24 hours</span>' in html


def test_the_organisations_line_is_shown_to_everyone(client, org):
    org.helpline = "0800 1234"
    db.session.commit()
    html = client.get("/contacts").get_data(as_text=True)
    assert 'href="tel:08001234"' in html and "Linja jonë e ndihmës" in html


def test_no_organisation_line_until_one_is_set(client, org):
    assert "Linja jonë e ndihmës" not in client.get("/contacts").get_data(as_text=True)


def test_her_case_managers_first_name_and_work_number(client, people, login_as):
    login_as(people.lulja)
    html = client.get("/contacts").get_data(as_text=True)
    assert 'href="tel:0690000001"' in html and "Arta, që punon me ty" in html


def test_the_public_copy_shows_no_case_manager(client, people):
    html = client.get("/contacts").get_data(as_text=True)
    assert "069 000 0001" not in html and "Arta" not in html


def test_contacts_link_to_trusted_people(client, org):
    assert 'href="/trusted-people"' in client.get("/contacts").get_data(as_text=True)


def test_trusted_people_need_the_pin_on_an_enrolled_phone(client, people):
    client.set_cookie(DEVICE_COOKIE, people.lulja.device_secret, domain="dera.test")
    assert client.get("/trusted-people").headers["Location"] == "/unlock"


def test_the_anonymous_copy_kept_for_offline_holds_nothing_personal(client, people):
    response = client.get("/trusted-people")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Lulja" not in html and "Arta" not in html and "help-queue" not in html


def test_staff_get_404_on_trusted_people(client, people, login_as):
    login_as(people.arta)
    assert client.get("/trusted-people").status_code == 404


def test_trusted_people_page_says_they_stay_on_the_phone_and_what_happens_without_javascript(client, people, login_as):
    login_as(people.lulja)
    soup = BeautifulSoup(client.get("/trusted-people").get_data(as_text=True), "html.parser")
    assert "Ruhen vetëm në këtë telefon" in soup.get_text()
    assert "ka nevojë për JavaScript" in soup.find(id="trusted-people-no-script").get_text()
    assert soup.find("script", src=lambda src: src and "trusted-people.js" in src)["type"] == "module"


def test_the_trusted_people_form_has_no_field_that_could_be_sent(client, people, login_as):
    login_as(people.lulja)
    soup = BeautifulSoup(client.get("/trusted-people").get_data(as_text=True), "html.parser")
    form = soup.find("form", attrs={"data-add": True})
    assert form.find_all("input") and not [field for field in form.find_all(["input", "select", "textarea", "button"]) if field.get("name")]
    assert form["method"] == "get"


@pytest.mark.parametrize("lang", ["sq", "en"])
def test_the_offline_page_has_every_national_line(client, org, lang):
    html = client.get(f"/offline?lang={lang}").get_data(as_text=True)
    assert 'href="tel:116117"' in html and 'href="tel:08000911"' in html
