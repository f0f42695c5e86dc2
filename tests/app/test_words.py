"""The texts she was missing: consent as the guide asks, the screen before enrolment, the PIN tip,
what happens after a help request, and where to turn from every error, offline and deleted page."""
import pytest

from pwa.extensions import db
from tests import factories
from tests.plan.conftest import course  # noqa: F401 (a fixture)


def _text(response):
    return " ".join(response.get_data(as_text=True).split())


def test_consent_page_says_what_the_guide_asks_before_she_agrees(client, people, login_as, course):
    people.lulja.locale = "en"
    db.session.commit()
    login_as(people.lulja)
    html = _text(client.get("/plan/agreement"))
    assert html.index("Before you give your consent") < html.index("I agree to my plan")
    for point in ("It is your choice. Nobody can make you agree.",
                  "Your plan is seen only by Arta, a colleague who stands in when Arta is away, and their supervisors.",
                  "You can say no to any service or step. You still get help.",
                  "Nothing from your plan is shared outside the organisation without asking you first.",
                  "If something is not clear, ask. Arta will explain it.",
                  "You can withdraw your agreement at any time"):
        assert point in html
    assert "paper copy" not in html


def test_consent_page_mentions_the_paper_copy_when_the_organisation_asks_for_one(client, people, login_as, course):
    people.org.paper_consent = True
    db.session.commit()
    login_as(people.lulja)
    assert "të firmosësh edhe një kopje në letër" in _text(client.get("/plan/agreement"))


def test_the_supervisor_turns_the_paper_copy_on(client, people, login_as):
    from tests.console.test_organisation import GOOD

    login_as(people.supervisor)
    client.post("/console/organisation", data={**GOOD, "paper_consent": "y"})
    db.session.refresh(people.org)
    assert people.org.paper_consent is True
    client.post("/console/organisation", data=GOOD)
    db.session.refresh(people.org)
    assert people.org.paper_consent is False


def test_enrolment_starts_with_what_is_kept_and_who_sees_it(client, people):
    ylli = factories.survivor(people.arta, "Ylli", pin=None)
    code = factories.enrolment_code(ylli, people.arta)
    html = _text(client.get(f"/enrol/{code}"))
    assert "Para se të fillosh" in html and 'name="pin"' not in html
    assert "kolegu që e zëvendëson kur mungon dhe mbikëqyrësit" in html and "te Cilësimet" in html
    # Continue posts the code on: it never goes into an address a log or the history keeps.
    assert 'name="step" value="choose"' in html and f"{code}?" not in html
    assert 'name="pin"' in client.post("/enrol", data={"code": code, "step": "choose"}).get_data(as_text=True)


@pytest.mark.parametrize("pin", ["123456", "111111", "654321", "121212", "000000"])
def test_the_most_common_pins_are_refused_with_a_kind_reason(client, people, pin):
    ylli = factories.survivor(people.arta, "Ylli", pin=None)
    code = factories.enrolment_code(ylli, people.arta)
    response = client.post(f"/enrol/{code}", data={"nickname": "Ylli", "pin": pin, "pin_again": pin})
    assert response.status_code == 200
    assert "Këtë PIN e zgjedhin shumë njerëz, prandaj gjendet lehtë." in _text(response)
    db.session.refresh(ylli)
    assert ylli.pin_hash is None


def test_the_pin_tip_is_next_to_the_field(client, people):
    ylli = factories.survivor(people.arta, "Ylli", pin=None)
    code = factories.enrolment_code(ylli, people.arta)
    assert "Jo datëlindjen tënde dhe jo 123456." in _text(client.post("/enrol", data={"code": code, "step": "choose"}))


def test_a_new_pin_in_settings_is_refused_when_common(client, people, login_as):
    login_as(people.lulja)
    response = client.post("/settings", data={"current_pin": factories.PIN, "new_pin": "123123", "new_pin_again": "123123"})
    assert "Këtë PIN e zgjedhin shumë njerëz" in _text(response)


def test_the_code_page_uses_the_configured_lifetime(make_app):
    app = make_app(ENROLMENT_HOURS=48)
    html = _text(app.test_client().get("/enrol/ABCD-EFGH"))
    assert "vetëm për 48 orë" in html and "3 ditë" not in html


def test_after_asking_for_help_now_she_sees_what_happens_next_and_a_call_button(client, people, login_as):
    request = factories.help_request(people.lulja, urgency="now")
    login_as(people.lulja)
    html = _text(client.get(f"/help/requests/{request.id}"))
    assert "Çfarë ndodh tani" in html and "Arta do ta lexojë sa më shpejt" in html
    assert "kalon te një koleg në kujdestari" in html
    assert 'class="button button-primary" href="tel:0690000001">Telefono tani 069 000 0001' in html


def test_a_request_for_this_week_offers_the_number_without_a_big_button(client, people, login_as):
    request = factories.help_request(people.lulja, urgency="week")
    login_as(people.lulja)
    html = _text(client.get(f"/help/requests/{request.id}"))
    assert "Nëse të duhet ndihmë më shpejt, telefono" in html and "Telefono tani" not in html


@pytest.mark.parametrize("path", ["/no-such-page", "/offline", "/settings/deleted"])
def test_pages_that_cannot_help_say_where_to_turn(client, people, path):
    people.org.helpline = "0800 4040"
    db.session.commit()
    html = client.get(path).get_data(as_text=True)
    assert 'href="tel:08004040"' in html and 'href="tel:112"' in html and 'href="/today"' in html


def _where_to_turn(html):
    return 'href="tel:08004040"' in html and "Nëse je në rrezik tani, telefono" in html and 'href="tel:112"' in html and 'href="/today"' in html


@pytest.fixture
def helpline(people):
    people.org.helpline = "0800 4040"
    db.session.commit()


@pytest.mark.parametrize(
    "method, path, data, status",
    [
        ("get", "/no-such-page", None, 404),
        ("get", "/help/queue", None, 405),
        ("post", "/plan/goals/new", {"title": "x" * 300_000, "area": "economic"}, 413),
        ("post", "/plan/goals/new", {"title": "Gjej punë", "area": "economic", "csrf_token": "expired"}, 400),
        ("post", "/plan/goals/new", "json", 415),
    ],
)
def test_every_error_page_she_meets_says_where_to_turn(client, people, login_as, helpline, method, path, data, status):
    login_as(people.lulja)
    if data == "json":
        client.get(path)
        response = client.post(path, json={"title": "Gjej punë"}, headers={"X-CSRFToken": client.csrf_token})
    else:
        response = getattr(client, method)(path, data=data)
    assert response.status_code == status and _where_to_turn(response.get_data(as_text=True))


def test_too_many_tries_says_where_to_turn(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        org = factories.organisation()
        org.helpline = "0800 4040"
        db.session.commit()
        guesser = app.test_client()
        for number in range(10):
            guesser.get(f"/enrol/AAAA-{number:04d}")
            guesser.post("/enrol", data={"code": f"AAAA-{number:04d}"})
        response = guesser.get("/enrol/AAAA-9999")
    assert response.status_code == 429 and _where_to_turn(response.get_data(as_text=True))


def test_staff_error_pages_keep_the_start_page_link(client, people, login_as):
    login_as(people.arta)
    html = client.get("/console/no-such-page").get_data(as_text=True)
    assert "Shko te faqja e parë" in html


@pytest.mark.parametrize("path", ["/settings", "/appointments"])
def test_reminders_say_what_the_phone_will_ask_before_the_button(client, people, login_as, path):
    login_as(people.lulja)
    html = client.get(path).get_data(as_text=True)
    assert "telefoni të pyet nëse mund të shfaqë njoftime" in html and html.index("Shtyp «Lejo»") < html.index("data-push-on")


@pytest.mark.parametrize(
    "nickname, pin, message",
    [
        ("Y", "135790", "Pseudonimi duhet të ketë 2 deri në 30 shkronja."),
        ("Ylli", "13579", "PIN-i duhet të ketë 6 shifra (vetëm numra)."),
        ("Ylli", "13579a", "PIN-i duhet të ketë 6 shifra (vetëm numra)."),
    ],
)
def test_enrolment_errors_say_what_is_needed(client, people, nickname, pin, message):
    code = factories.enrolment_code(factories.survivor(people.arta, "Ylli", pin=None), people.arta)
    response = client.post(f"/enrol/{code}", data={"nickname": nickname, "pin": pin, "pin_again": pin})
    assert message in _text(response)


def test_near_me_says_before_the_tap_that_her_position_stays_on_the_phone(client, people, login_as):
    login_as(people.lulja)
    html = client.get("/services").get_data(as_text=True)
    assert html.index("Vendndodhja jote mbetet në këtë telefon") < html.index("near-me-status")


def test_recommended_services_say_she_decides(app, client, people, login_as, course):
    service = factories.directory_service(name="Qendra Ligjore", areas=("legal",), phone="069 123 4567")
    login_as(people.arta)
    client.post(f"/console/people/{people.lulja.id}/plan/goals/{course.id}/services", data={"recommend-service": service.id, "recommend-step": ""})
    phone = app.test_client()
    factories.sign_in_survivor(phone, people.lulja)
    assert "Ti vendos nëse do të shkosh. Askush nuk të detyron." in _text(phone.get(f"/plan/goals/{course.id}"))
