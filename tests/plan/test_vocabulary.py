"""The plan's vocabulary: stages, areas, statuses and templates from the guide and the growth plan."""
import pytest
from flask_babel import force_locale

from pwa.plan import vocabulary
from pwa.plan.vocabulary import AREAS, GROWTH_PLAN, MILESTONES, STAGES, TEMPLATES


def test_the_three_stages_in_journey_order():
    assert list(STAGES) == ["crisis", "transition", "inclusion"]


def test_the_ten_areas_of_help():
    assert list(AREAS) == [
        "housing", "medical", "psychological", "education_training", "economic",
        "administrative", "legal", "safety", "family", "case_management",
    ]


@pytest.mark.parametrize("stage", ["crisis", "transition", "inclusion"])
def test_every_stage_has_the_guides_milestones(stage):
    assert len(vocabulary.milestones_for(stage)) >= 8


def test_every_template_has_a_known_area_and_stage():
    for template in TEMPLATES.values():
        assert template.area in AREAS and template.stage in (None, *STAGES), template.key


def test_the_growth_plan_has_the_usual_steps():
    assert [t.key for t in GROWTH_PLAN] == ["growth.skills", "growth.course", "growth.tools", "growth.business", "growth.cv"]
    assert all(t.steps for t in GROWTH_PLAN)


def test_templates_read_in_albanian_and_in_english(app):
    with app.test_request_context(), force_locale("sq"):
        albanian = vocabulary.template_title("crisis.safe")
    with app.test_request_context(), force_locale("en"):
        english = vocabulary.template_title("crisis.safe")
    assert (albanian, english) == ("Të ndihem në siguri", "Feel safe and secure")


def test_template_steps_are_found_by_key(app):
    with app.test_request_context(), force_locale("en"):
        assert vocabulary.template_step_text("growth.cv.0") == "Write my CV"
        assert vocabulary.template_step_text("growth.cv.9") == ""
        assert vocabulary.template_step_text("nothing") == ""


def test_milestone_keys_are_unique():
    assert len({t.key for t in MILESTONES}) == len(MILESTONES)
