"""Plan rules, without the web: goals, steps, ticks, versions, order, agreement, check-ins."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from pwa.extensions import db
from pwa.models import Plan
from pwa.plan import services
from tests import factories
from tests.plan.conftest import NOW


def test_a_plan_is_made_once(people):
    first = services.ensure_plan(db.session, people.lulja, NOW)
    again = services.ensure_plan(db.session, people.lulja, NOW)
    assert first.id == again.id
    assert db.session.scalar(select(db.func.count(Plan.id))) == 1


def test_an_unwritten_plan_is_empty_and_not_saved(people):
    plan = services.plan_for(db.session, people.lulja)
    assert plan.id is None and plan.goals == [] and plan.stage == "crisis"


def test_a_milestone_template_makes_a_goal_in_its_stage(people):
    plan = services.ensure_plan(db.session, people.lulja, NOW)
    goal = services.add_goal_from_template(db.session, plan, "inclusion.home", people.arta, NOW)
    assert (goal.stage, goal.area, goal.title, goal.template) == ("inclusion", "housing", None, "inclusion.home")
    assert goal.added_by_staff_id == people.arta.id and not goal.added_by_survivor


def test_a_growth_plan_template_brings_its_steps_into_the_current_stage(people):
    plan = factories.plan(people.lulja, "transition")
    goal = services.add_goal_from_template(db.session, plan, "growth.cv", people.arta, NOW)
    assert goal.stage == "transition"
    assert [s.template for s in goal.steps] == ["growth.cv.0", "growth.cv.1", "growth.cv.2"]


def test_ticking_a_step_keeps_its_text_and_version(course):
    step = course.steps[1]
    services.mark_step(db.session, step, True, NOW)
    assert step.done_at == NOW and step.version == 1 and step.text == "Sign up"


def test_ticking_twice_keeps_the_first_time(course):
    step = course.steps[1]
    services.mark_step(db.session, step, True, NOW)
    services.mark_step(db.session, step, True, NOW + timedelta(hours=1))
    assert step.done_at == NOW


def test_unticking_a_step(course):
    step = course.steps[0]
    services.mark_step(db.session, step, False, NOW)
    assert not step.is_done


def test_a_text_edit_after_a_tick_keeps_the_tick(course):
    step = course.steps[1]
    loaded_version = step.version
    services.mark_step(db.session, step, True, NOW)
    services.edit_step(db.session, step, loaded_version, text="Sign up at the centre", due_date=None)
    assert step.is_done and step.text == "Sign up at the centre" and step.version == 2


def test_an_edit_from_an_old_version_changes_nothing(course):
    step = course.steps[1]
    services.edit_step(db.session, step, 1, text="First edit", due_date=None)
    with pytest.raises(services.ChangedMeanwhile):
        services.edit_step(db.session, step, 1, text="Second edit", due_date=None)
    assert step.text == "First edit"


def test_a_goal_edit_from_an_old_version_changes_nothing(course):
    services.edit_goal(db.session, course, 1, title="A course", area="economic", stage="transition", target_date=None)
    with pytest.raises(services.ChangedMeanwhile):
        services.edit_goal(db.session, course, 1, title="Other", area="legal", stage="crisis", target_date=None)
    assert (course.title, course.area, course.version) == ("A course", "economic", 2)


def test_moving_a_goal_up_within_its_stage(people):
    factories.plan(people.lulja, "crisis")
    factories.goal(people.lulja, "First")
    second = factories.goal(people.lulja, "Second")
    services.move_goal(db.session, second, "up")
    db.session.commit()
    assert [g.title for g in services.find_plan(db.session, people.lulja).goals] == ["Second", "First"]


def test_moving_the_last_step_down_keeps_the_order(course):
    services.move_step(db.session, course.steps[2], "down")
    db.session.commit()
    db.session.refresh(course)
    assert [s.text for s in course.steps] == ["Choose a course", "Sign up", "Go to the first lesson"]


def test_next_open_steps_come_by_nearest_due_date(people, course):
    course.steps[2].due_date = date(2026, 3, 5)
    other = factories.goal(people.lulja, "Documents", ("Get an ID card",), stage="transition")
    other.steps[0].due_date = date(2026, 3, 4)
    db.session.commit()
    steps = services.next_open_steps(db.session, people.lulja)
    assert [s.text for s in steps] == ["Get an ID card", "Go to the first lesson"]


def test_next_open_steps_leave_out_paused_goals(people, course):
    course.status = "paused"
    db.session.commit()
    assert services.next_open_steps(db.session, people.lulja) == []


def test_agreement_given_withdrawn_and_given_again_is_kept_as_history(course):
    plan = course.plan
    services.record_agreement(db.session, plan, True, NOW)
    services.record_agreement(db.session, plan, False, NOW + timedelta(days=1))
    services.record_agreement(db.session, plan, True, NOW + timedelta(days=2), staff=course.added_by_staff)
    assert [(a.given, a.in_person) for a in plan.agreements] == [(True, False), (False, False), (True, True)]
    assert plan.is_agreed


def test_giving_agreement_twice_records_it_once(course):
    services.record_agreement(db.session, course.plan, True, NOW)
    assert services.record_agreement(db.session, course.plan, True, NOW) is None
    assert len(course.plan.agreements) == 1


def test_withdrawing_what_was_never_given_records_nothing(course):
    assert services.record_agreement(db.session, course.plan, False, NOW) is None


@pytest.mark.parametrize("stage, days", [("crisis", 14), ("transition", 7), ("inclusion", 30)])
def test_check_ins_follow_the_default_intervals(people, stage, days):
    plan = factories.plan(people.lulja, stage)
    services.add_check_in(db.session, plan, people.arta, date(2026, 3, 1), "Calm", NOW)
    assert services.next_check_in_due(plan, people.org, date(2026, 3, 3)) == date(2026, 3, 1) + timedelta(days=days)


def test_the_next_check_in_follows_the_organisations_interval(people):
    people.org.checkin_interval_inclusion_days = 45
    plan = factories.plan(people.lulja, "inclusion")
    services.add_check_in(db.session, plan, people.arta, date(2026, 3, 1), "Calm", NOW)
    assert services.next_check_in_due(plan, people.org, date(2026, 3, 3)) == date(2026, 4, 15)


def test_a_check_in_note_is_encrypted_at_rest(people):
    plan = factories.plan(people.lulja)
    services.add_check_in(db.session, plan, people.arta, date(2026, 3, 1), "Sleeping better", NOW)
    db.session.commit()
    stored = db.session.execute(text("SELECT note FROM check_in")).scalar_one()
    assert b"Sleeping" not in bytes(stored)
    assert plan.check_ins[0].note == "Sleeping better"


def test_a_stage_change_is_a_milestone_with_how_long_the_last_stage_lasted(people):
    from pwa.models import CaseEvent

    plan = factories.plan(people.lulja, "crisis")
    db.session.add(CaseEvent(organisation_id=people.lulja.organisation_id, survivor_id=people.lulja.id, kind="opened", at=NOW - timedelta(days=40), stage="crisis"))
    services.set_stage(db.session, plan, "transition", people.arta, NOW)
    services.set_stage(db.session, plan, "transition", people.arta, NOW + timedelta(days=1))
    db.session.commit()
    changes = db.session.scalars(select(CaseEvent).where(CaseEvent.kind == "stage_changed")).all()
    assert [(e.previous_stage, e.stage, e.days_in_previous_stage) for e in changes] == [("crisis", "transition", 40)]
