"""Her new pages stay within the same page-weight budgets as the other survivor pages."""
import pytest

from bench.page_weight import FIRST_RENDER_BUDGET, SCRIPT_BUDGET, measure
from tests import factories

PAGES = {"Appointments": "/appointments", "Trusted people": "/trusted-people"}


@pytest.mark.parametrize("name,path", PAGES.items())
def test_first_render_and_scripts_fit_the_budget(client, people, login_as, name, path):
    factories.appointment(people.lulja)
    login_as(people.lulja)
    (weight,) = measure(client, {name: path})
    assert weight.status == 200 and weight.blocking_scripts == []
    assert weight.first_render <= FIRST_RENDER_BUDGET and weight.scripts <= SCRIPT_BUDGET
