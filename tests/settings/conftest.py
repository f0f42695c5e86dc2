"""Settings tests reuse the plan's fixtures: Lulja's plan with a goal and its steps."""
from tests.plan.conftest import course  # noqa: F401 (a fixture)
