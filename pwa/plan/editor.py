"""The case manager's plan editor, in the console: goals, steps, templates, stage, agreement, check-ins.

Every view loads the survivor with ``get_survivor_or_404`` (audited; 404 for
anyone who may not see her), and every goal or step must belong to her plan.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import get_survivor_or_404
from ..clock import now, today
from ..extensions import db
from ..security import staff_required
from . import services
from .forms import (
    AgreementForm,
    CheckInForm,
    EditGoalForm,
    EditStepForm,
    GoalForm,
    GoalStatusForm,
    MoveForm,
    StageForm,
    StepForm,
    TemplateForm,
    area_choices,
    recommend_form,
    parse_version,
    stage_choices,
    status_choices,
)
from ..services_map.services import published_service, published_services
from .routes import goals_by_stage
from .vocabulary import GROWTH_PLAN, STAGE_ORDER, goal_title, milestones_for, step_text, template_step_text, template_title

bp = Blueprint("plan_editor", __name__, url_prefix="/console/people/<int:survivor_id>/plan")

EDIT = "plan_edit"


def _goal_form(form_class=GoalForm, **kwargs):
    form = form_class(**kwargs)
    form.area.choices = area_choices()
    form.stage.choices = stage_choices()
    return form


def _goal_or_404(survivor, goal_id: int):
    goal = services.goal_of(db.session, survivor, goal_id)
    if goal is None:
        abort(404)
    return goal


def _step_or_404(survivor, step_id: int):
    step = services.step_of(db.session, survivor, step_id)
    if step is None:
        abort(404)
    return step


def _render_editor(survivor, status: int = 200, **forms):
    plan = services.plan_for(db.session, survivor)
    stage_form = forms.get("stage_form") or StageForm(formdata=None, prefix="stage", data={"stage": plan.stage})
    stage_form.stage.choices = stage_choices()
    goal_form = forms.get("goal_form") or _goal_form(formdata=None, prefix="goal", data={"stage": plan.stage})
    check_in_form = forms.get("check_in_form") or CheckInForm(formdata=None, prefix="checkin", data={"held_on": today()})
    templates = [(stage, milestones_for(stage)) for stage in STAGE_ORDER]
    return (
        render_template(
            "plan/editor.html",
            survivor=survivor,
            plan=plan,
            groups=goals_by_stage(plan, include_dropped=True),
            stage_form=stage_form,
            goal_form=goal_form,
            check_in_form=check_in_form,
            templates=templates,
            growth_plan=GROWTH_PLAN,
            next_check_in=services.next_check_in_due(plan, survivor.organisation, today()),
            check_in_every=survivor.organisation.checkin_interval_days(plan.stage),
        ),
        status,
    )


def _back_to_editor(survivor, anchor: str | None = None):
    return redirect(url_for("plan_editor.show_editor", survivor_id=survivor.id, _anchor=anchor), 303)


def _back_to_goal(survivor, goal, anchor: str | None = None):
    return redirect(url_for("plan_editor.edit_goal", survivor_id=survivor.id, goal_id=goal.id, _anchor=anchor), 303)


@bp.get("")
@staff_required
def show_editor(survivor_id: int):
    """The plan editor: stage, agreement, check-ins, goals and steps, templates."""
    survivor = get_survivor_or_404(survivor_id)
    db.session.commit()
    return _render_editor(survivor)


@bp.post("/stage")
@staff_required
def set_stage(survivor_id: int):
    """Set the stage she is in now (forward, or back after a set-back)."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    form = StageForm(prefix="stage")
    form.stage.choices = stage_choices()
    if not form.validate_on_submit():
        return _render_editor(survivor, 400, stage_form=form)
    plan = services.ensure_plan(db.session, survivor, now())
    services.set_stage(db.session, plan, form.stage.data, current_user, now())
    db.session.commit()
    flash(_("The stage is saved."))
    return _back_to_editor(survivor, "stage")


@bp.post("/agreement")
@staff_required
def record_agreement(survivor_id: int):
    """Record agreement given, or withdrawn, in person."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    form = AgreementForm()
    if not form.validate_on_submit():
        abort(400)
    plan = services.ensure_plan(db.session, survivor, now())
    give = form.agree.data == "1"
    if give and not plan.goals:
        flash(_("The plan has no goals yet, so there is nothing to agree to."))
    elif services.record_agreement(db.session, plan, give, now(), staff=current_user):
        db.session.commit()
        flash(_("Agreement given in person is recorded.") if give else _("Agreement withdrawn in person is recorded."))
    return _back_to_editor(survivor, "agreement")


@bp.post("/check-ins")
@staff_required
def add_check_in(survivor_id: int):
    """Record a check-in: the date, and how the person is doing in a few words."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    form = CheckInForm(prefix="checkin")
    if not form.validate_on_submit():
        return _render_editor(survivor, 400, check_in_form=form)
    plan = services.ensure_plan(db.session, survivor, now())
    services.add_check_in(db.session, plan, current_user, form.held_on.data, form.note.data, now())
    db.session.commit()
    flash(_("The check-in is saved."))
    return _back_to_editor(survivor, "check-ins")


@bp.post("/goals")
@staff_required
def add_goal(survivor_id: int):
    """Write a new goal."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    form = _goal_form(prefix="goal")
    if not form.validate_on_submit():
        return _render_editor(survivor, 400, goal_form=form)
    plan = services.ensure_plan(db.session, survivor, now())
    goal = services.add_goal(
        db.session, plan, now(), area=form.area.data, stage=form.stage.data, title=form.title.data,
        target_date=form.target_date.data, by_staff=current_user,
    )
    db.session.commit()
    flash(_("The goal is added. Add its steps here."))
    return _back_to_goal(survivor, goal)


@bp.post("/goals/from-template")
@staff_required
def add_goal_from_template(survivor_id: int):
    """Start a goal from the guide's milestones or the growth plan, in one click."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    form = TemplateForm()
    if not form.validate_on_submit():
        abort(400)
    plan = services.ensure_plan(db.session, survivor, now())
    goal = services.add_goal_from_template(db.session, plan, form.template.data, current_user, now())
    db.session.commit()
    flash(_("The goal is added: %(title)s", title=goal_title(goal)))
    return _back_to_editor(survivor, f"goal-{goal.id}")


def _render_goal(survivor, goal, status: int = 200, **forms):
    form = forms.get("form")
    if form is None:
        form = _goal_form(
            EditGoalForm,
            formdata=None,
            prefix="edit",
            data={
                "title": goal_title(goal), "area": goal.area, "stage": goal.stage,
                "target_date": goal.target_date, "version": goal.version,
            },
        )
    status_form = GoalStatusForm(formdata=None, prefix="status", data={"status": goal.status})
    status_form.status.choices = status_choices()
    step_form = forms.get("step_form") or StepForm(formdata=None, prefix="step")
    recommend = forms.get("recommend_form") or recommend_form(goal, published_services(db.session), formdata=None)
    return (
        render_template(
            "plan/editor_goal.html", survivor=survivor, goal=goal, form=form, status_form=status_form,
            step_form=step_form, recommend_form=recommend, conflict=forms.get("conflict"),
        ),
        status,
    )


def _title_to_store(goal, typed: str) -> str | None:
    """None keeps a template's title, so each person keeps reading it in their own language."""
    typed = typed.strip()
    if goal.template and typed == template_title(goal.template):
        return None
    return typed


@bp.get("/goals/<int:goal_id>")
@staff_required
def edit_goal(survivor_id: int, goal_id: int):
    """One goal: its text, status and steps."""
    survivor = get_survivor_or_404(survivor_id)
    goal = _goal_or_404(survivor, goal_id)
    db.session.commit()
    return _render_goal(survivor, goal)


@bp.post("/goals/<int:goal_id>")
@staff_required
def save_goal(survivor_id: int, goal_id: int):
    """Save a goal's text; if someone saved it meanwhile, show theirs and keep what was typed."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    goal = _goal_or_404(survivor, goal_id)
    form = _goal_form(EditGoalForm, prefix="edit")
    if not form.validate_on_submit():
        return _render_goal(survivor, goal, 400, form=form)
    try:
        services.edit_goal(
            db.session, goal, parse_version(form), title=_title_to_store(goal, form.title.data), area=form.area.data,
            stage=form.stage.data, target_date=form.target_date.data,
        )
    except services.ChangedMeanwhile:
        # Nothing was written; the audit event still is.
        db.session.commit()
        return _render_goal(survivor, goal, 409, conflict={"typed": form.title.data})
    db.session.commit()
    flash(_("The goal is saved."))
    return _back_to_goal(survivor, goal)


@bp.post("/goals/<int:goal_id>/status")
@staff_required
def set_goal_status(survivor_id: int, goal_id: int):
    """Mark a goal active, reached, paused or set aside."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    goal = _goal_or_404(survivor, goal_id)
    form = GoalStatusForm(prefix="status")
    form.status.choices = status_choices()
    if not form.validate_on_submit():
        abort(400)
    services.set_goal_status(db.session, goal, form.status.data, now())
    db.session.commit()
    flash(_("The status is saved."))
    return _back_to_goal(survivor, goal)


@bp.post("/goals/<int:goal_id>/move")
@staff_required
def move_goal(survivor_id: int, goal_id: int):
    """Move a goal up or down within its stage."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    goal = _goal_or_404(survivor, goal_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    services.move_goal(db.session, goal, form.direction.data)
    db.session.commit()
    return _back_to_editor(survivor, f"goal-{goal.id}")


@bp.post("/goals/<int:goal_id>/steps")
@staff_required
def add_step(survivor_id: int, goal_id: int):
    """Add a step to a goal."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    goal = _goal_or_404(survivor, goal_id)
    form = StepForm(prefix="step")
    if not form.validate_on_submit():
        return _render_goal(survivor, goal, 400, step_form=form)
    step = services.add_step(db.session, goal, now(), text=form.text.data, due_date=form.due_date.data, by_staff=current_user)
    db.session.commit()
    flash(_("The step is added."))
    return _back_to_goal(survivor, goal, f"step-{step.id}")


def _render_step(survivor, step, status: int = 200, form=None, conflict=None):
    if form is None:
        form = EditStepForm(formdata=None, data={"text": step_text(step), "due_date": step.due_date, "version": step.version})
    return render_template("plan/editor_step.html", survivor=survivor, step=step, form=form, conflict=conflict), status


@bp.get("/steps/<int:step_id>")
@staff_required
def edit_step(survivor_id: int, step_id: int):
    """One step's text and due date."""
    survivor = get_survivor_or_404(survivor_id)
    step = _step_or_404(survivor, step_id)
    db.session.commit()
    return _render_step(survivor, step)


@bp.post("/steps/<int:step_id>")
@staff_required
def save_step(survivor_id: int, step_id: int):
    """Save a step's text; a tick made meanwhile on the phone stays."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    step = _step_or_404(survivor, step_id)
    form = EditStepForm()
    if not form.validate_on_submit():
        return _render_step(survivor, step, 400, form=form)
    typed = form.text.data.strip()
    text = None if step.template and typed == template_step_text(step.template) else typed
    try:
        services.edit_step(db.session, step, parse_version(form), text=text, due_date=form.due_date.data)
    except services.ChangedMeanwhile:
        db.session.commit()
        return _render_step(survivor, step, 409, conflict={"typed": typed})
    db.session.commit()
    flash(_("The step is saved."))
    return _back_to_goal(survivor, step.goal, f"step-{step.id}")


@bp.post("/steps/<int:step_id>/move")
@staff_required
def move_step(survivor_id: int, step_id: int):
    """Move a step up or down within its goal."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    step = _step_or_404(survivor, step_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    services.move_step(db.session, step, form.direction.data)
    db.session.commit()
    return _back_to_goal(survivor, step.goal, f"step-{step.id}")


@bp.post("/steps/<int:step_id>/delete")
@staff_required
def remove_step(survivor_id: int, step_id: int):
    """Remove a step from its goal."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    step = _step_or_404(survivor, step_id)
    goal = step.goal
    services.remove_step(db.session, step)
    db.session.commit()
    flash(_("The step is removed."))
    return _back_to_goal(survivor, goal)



@bp.post("/goals/<int:goal_id>/services")
@staff_required
def recommend_service(survivor_id: int, goal_id: int):
    """Recommend a service from the directory for the goal, or for one of its steps."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    goal = _goal_or_404(survivor, goal_id)
    form = recommend_form(goal, published_services(db.session))
    if not form.validate_on_submit():
        return _render_goal(survivor, goal, 400, recommend_form=form)
    service = published_service(db.session, form.service.data)
    step = next((s for s in goal.steps if str(s.id) == form.step.data), None)
    services.recommend_service(db.session, goal, service, now(), current_user, step=step)
    db.session.commit()
    flash(_("The service is recommended."))
    return _back_to_goal(survivor, goal, "services")


@bp.post("/goals/<int:goal_id>/services/<int:recommendation_id>/remove")
@staff_required
def remove_recommendation(survivor_id: int, goal_id: int, recommendation_id: int):
    """Take a recommended service off the goal."""
    survivor = get_survivor_or_404(survivor_id, EDIT)
    goal = _goal_or_404(survivor, goal_id)
    recommendation = services.recommendation_of(goal, recommendation_id)
    if recommendation is None:
        abort(404)
    goal.recommendations.remove(recommendation)
    db.session.commit()
    flash(_("The service is no longer recommended."))
    return _back_to_goal(survivor, goal, "services")
