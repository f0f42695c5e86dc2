"""Plan fixtures: a frozen clock and a plan for Lulja with two goals."""
from datetime import datetime, timezone

import pytest

from tests import factories

NOW = datetime(2026, 3, 3, 9, 15, tzinfo=timezone.utc)


@pytest.fixture
def frozen(app):
    """Freeze the app's clock at NOW (10:15 in Tirana, 3 March 2026)."""
    app.config["CLOCK"] = lambda: NOW
    return NOW


@pytest.fixture
def course(people):
    """Lulja's goal in the transition stage: three steps, the first done."""
    factories.plan(people.lulja, "transition")
    return factories.goal(
        people.lulja, "Find a course", ("Choose a course", "Sign up", "Go to the first lesson"), stage="transition", done=1
    )
