"""The survivor pages stay light enough for a cheap phone on a bad network."""
import pytest

from bench.page_weight import FIRST_RENDER_BUDGET, SCRIPT_BUDGET, SURVIVOR_PAGES, measure


@pytest.fixture
def weights(client, people, login_as):
    login_as(people.lulja)
    return {w.name: w for w in measure(client)}


@pytest.mark.parametrize("name", SURVIVOR_PAGES)
def test_first_render_fits_in_one_round_trip(weights, name):
    page = weights[name]
    assert page.status == 200
    assert page.first_render <= FIRST_RENDER_BUDGET, f"{name}: {page.first_render} bytes compressed"


@pytest.mark.parametrize("name", SURVIVOR_PAGES)
def test_scripts_are_deferred_and_within_budget(weights, name):
    page = weights[name]
    assert page.blocking_scripts == []
    assert page.scripts <= SCRIPT_BUDGET, f"{name}: {page.scripts} bytes of JavaScript compressed"


def test_no_web_fonts(client, org):
    css = client.get("/static/css/dera.css").get_data(as_text=True)
    assert "@font-face" not in css and "url(" not in css
