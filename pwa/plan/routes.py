"""My plan: the survivor's goals and steps, her own additions, and her agreement."""
from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..clock import now
from ..extensions import db
from ..kept_pages import kept_page
from ..security import survivor_required
from . import services
from .forms import AgreementForm, ProposeGoalForm, StepForm, TickForm, area_choices
from .vocabulary import AREAS, GOAL_STATUSES, STAGE_ORDER, STAGES, goal_title, step_text

bp = Blueprint("plan", __name__)


@bp.app_template_filter("goal_title")
def _goal_title(goal) -> str:
    return goal_title(goal)


@bp.app_template_filter("step_text")
def _step_text(step) -> str:
    return step_text(step)


@bp.app_context_processor
def _vocabulary():
    return {"plan_stages": STAGES, "plan_stage_order": STAGE_ORDER, "plan_areas": AREAS, "plan_statuses": GOAL_STATUSES}


def is_htmx() -> bool:
    return request.headers.get("HX-Request") is not None


def vary_on_htmx(response):
    """The same URL answers htmx with a fragment and browsers with a page: caches must tell them apart."""
    response = make_response(response)
    response.vary.add("HX-Request")
    return response


def goals_by_stage(plan, include_dropped: bool = False) -> list[tuple[str, list]]:
    """The plan's goals grouped by stage, in journey order; stages without goals are left out."""
    groups = []
    for stage in STAGE_ORDER:
        goals = [g for g in plan.goals if g.stage == stage and (include_dropped or g.status != "dropped")]
        if goals:
            groups.append((stage, goals))
    return groups


def _own_goal(goal_id: int):
    goal = services.goal_of(db.session, current_user, goal_id)
    if goal is None:
        abort(404)
    return goal


@bp.get("/plan")
@survivor_required
@kept_page
def show_plan():
    """My plan: where I am on the journey, my goals by stage with their progress, and the agreement."""
    plan = services.plan_page(db.session, current_user)
    dropped = [g for g in plan.goals if g.status == "dropped"]
    return render_template("plan/plan.html", plan=plan, groups=goals_by_stage(plan), dropped=dropped)


@bp.get("/plan/goals/<int:goal_id>")
@survivor_required
@kept_page
def show_goal(goal_id: int):
    """One goal and its steps, to tick off; and a form to add my own step."""
    goal = _own_goal(goal_id)
    return render_template("plan/goal.html", goal=goal, form=StepForm())


@bp.post("/plan/goals/<int:goal_id>/steps")
@survivor_required
def add_own_step(goal_id: int):
    """Add my own step to a goal; my case manager sees that I added it."""
    goal = _own_goal(goal_id)
    form = StepForm()
    if not form.validate_on_submit():
        return render_template("plan/goal.html", goal=goal, form=form)
    step = services.add_step(db.session, goal, now(), text=form.text.data, due_date=form.due_date.data)
    db.session.commit()
    flash(_("Your step is added."))
    return redirect(url_for("plan.show_goal", goal_id=goal.id, _anchor=f"step-{step.id}"), 303)


@bp.post("/plan/steps/<int:step_id>/done")
@survivor_required
def mark_step(step_id: int):
    """Tick a step done or undone: htmx swaps the row and the progress; without JavaScript, back to the goal."""
    step = services.step_of(db.session, current_user, step_id)
    if step is None:
        abort(404)
    form = TickForm()
    if not form.validate_on_submit():
        abort(400)
    services.mark_step(db.session, step, form.done.data == "1", now())
    db.session.commit()
    if is_htmx():
        return vary_on_htmx(render_template("plan/_step_ticked.html", step=step, goal=step.goal))
    return vary_on_htmx(redirect(url_for("plan.show_goal", goal_id=step.goal_id, _anchor=f"step-{step.id}"), 303))


@bp.route("/plan/goals/new", methods=["GET", "POST"])
@survivor_required
def propose_goal():
    """Add a goal of my own to my plan, in the stage I am in now."""
    form = ProposeGoalForm()
    # TRANSLATORS: empty first choice of a drop-down list
    form.area.choices = [("", _("Choose…"))] + area_choices()
    if form.validate_on_submit():
        plan = services.ensure_plan(db.session, current_user, now())
        goal = services.add_goal(db.session, plan, now(), area=form.area.data, stage=plan.stage, title=form.title.data)
        db.session.commit()
        flash(_("Your goal is added to your plan. The person who works with you will see it."))
        return redirect(url_for("plan.show_goal", goal_id=goal.id), 303)
    return render_template("plan/propose_goal.html", form=form)


@bp.get("/plan/agreement")
@survivor_required
@kept_page
def show_agreement():
    """What agreeing to the plan means, whether it is agreed, and its history."""
    plan = services.plan_for(db.session, current_user)
    return render_template("plan/agreement.html", plan=plan)


@bp.post("/plan/agreement")
@survivor_required
def change_agreement():
    """Give my agreement to the plan, or withdraw it; either can be done at any time."""
    form = AgreementForm()
    if not form.validate_on_submit():
        abort(400)
    plan = services.plan_for(db.session, current_user)
    give = form.agree.data == "1"
    if give and not plan.goals:
        flash(_("Your plan has no goals yet. You can give your agreement once you have written them together."))
    elif services.record_agreement(db.session, services.ensure_plan(db.session, current_user, now()), give, now()):
        db.session.commit()
        flash(_("Thank you. Your agreement is saved.") if give else _("Your agreement is withdrawn. You still get help."))
    return redirect(url_for("plan.show_agreement"), 303)
