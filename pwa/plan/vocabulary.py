"""The plan's words: stages, areas of help, goal statuses and goal templates.

Keys are English and stable (they are stored); every label is translated.
The areas of help live in ``pwa/vocabulary.py``, shared with the service directory.

Sources: the practitioners' guide in ``shared/seeds`` (the three stages,
"Assistance and services", Appendix 2 milestones) and EmpowerFULL's
personalised growth plan (skills and aspirations, a course, tools, a small
business, a CV).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..templating import lazy_gettext as _l
from ..vocabulary import AREAS  # noqa: F401 (re-exported for the plan's modules)


@dataclass(frozen=True)
class Stage:
    key: str
    label: str  # for staff: the guide's name and months
    survivor_label: str  # for the person herself: plain and hopeful


STAGES: dict[str, Stage] = {
    s.key: s
    for s in (
        Stage("crisis", _l("Crisis stage (0–6 months)"), _l("Safety and calm")),
        Stage(
            "transition",
            _l("Transition stage (7–12 months)"),
            # TRANSLATORS: stage name as the person reads it (transition stage)
            _l("Towards independence"),
        ),
        Stage("inclusion", _l("Reintegration and inclusion (13–36 months)"), _l("My life, on my own strength")),
    )
}
STAGE_ORDER = list(STAGES)


GOAL_STATUSES: dict[str, str] = {
    # TRANSLATORS: state of a goal: being worked on
    "active": _l("Active"),
    # TRANSLATORS: state of a goal: done
    "reached": _l("Reached"),
    # TRANSLATORS: state of a goal: stopped for now (not 'waiting')
    "paused": _l("Paused"),
    # TRANSLATORS: state of a goal: dropped for good
    "dropped": _l("Set aside"),
}


@dataclass(frozen=True)
class GoalTemplate:
    key: str
    area: str
    stage: str | None  # None: the stage the plan is in when the goal is started
    title: str
    steps: tuple[str, ...] = field(default=())


def _milestones(stage: str, items) -> list[GoalTemplate]:
    return [GoalTemplate(f"{stage}.{key}", area, stage, title) for key, area, title in items]


# The guide's Appendix 2: key milestones at each stage, in the words a person would use.
MILESTONES: list[GoalTemplate] = [
    *_milestones(
        "crisis",
        [
            ("safe", "safety", _l("Feel safe and secure")),
            ("meaning", "psychological", _l("Find meaning and purpose in my new life")),
            ("routine", "psychological", _l("A new daily routine")),
            ("healing", "psychological", _l("Ease the hard feelings and memories")),
            ("wellbeing", "medical", _l("Better health and more self-confidence")),
            ("everyday", "case_management", _l("Manage my everyday life")),
            ("closeness", "psychological", _l("Closeness and trust with people")),
            ("relations", "family", _l("Better relations with family and friends")),
        ],
    ),
    *_milestones(
        "transition",
        [
            ("services", "case_management", _l("Know the help and services near home")),
            ("life_skills", "education_training", _l("Everyday skills: money, time, cooking, talking things through")),
            ("housing", "housing", _l("A stable place to live")),
            ("course", "education_training", _l("Finish a course for the work I want")),
            ("job", "economic", _l("Find a job and keep it")),
            ("school", "education_training", _l("Go to school and finish it")),
            # TRANSLATORS: goal title from the guide's milestones
            ("independence", "psychological", _l("More independence")),
            ("commitment", "case_management", _l("Keep going with my plan")),
            ("growth", "psychological", _l("Personal growth and calm")),
        ],
    ),
    *_milestones(
        "inclusion",
        [
            ("home", "housing", _l("A home for the long term")),
            ("work", "economic", _l("Steady work over time")),
            ("life_skills", "education_training", _l("Use my skills in daily life")),
            ("family", "family", _l("Good, lasting relations with my family")),
            ("wellbeing", "psychological", _l("Well-being and calm")),
            ("needs", "economic", _l("Meet my needs and handle problems")),
            ("social", "family", _l("Take part in social life")),
            ("living", "economic", _l("A decent standard of living")),
        ],
    ),
]

# EmpowerFULL's personalised growth plan: the usual steps toward work and income.
GROWTH_PLAN: list[GoalTemplate] = [
    GoalTemplate(
        "growth.skills", "economic", None, _l("Know my skills and what I want to do"),
        (_l("Talk about what I am good at"), _l("Write down the work I would like to do")),
    ),
    GoalTemplate(
        "growth.course", "education_training", None, _l("Take a vocational course"),
        (_l("Choose a course"), _l("Sign up for the course"), _l("Get the certificate")),
    ),
    GoalTemplate(
        "growth.tools", "economic", None, _l("Get the tools for my work"),
        (_l("Make a list of the tools I need"), _l("Find out what they cost"), _l("Get the tools")),
    ),
    GoalTemplate(
        "growth.business", "economic", None, _l("Start a small business"),
        (
            _l("Write down my business idea"),
            _l("Work out costs and prices"),
            _l("Register the business"),
            _l("Find my first customers"),
        ),
    ),
    GoalTemplate(
        "growth.cv", "economic", None, _l("A CV and examples of my work"),
        (_l("Write my CV"), _l("Collect photos or examples of my work"), _l("Send my CV to employers")),
    ),
]

TEMPLATES: dict[str, GoalTemplate] = {t.key: t for t in (*MILESTONES, *GROWTH_PLAN)}


def milestones_for(stage: str) -> list[GoalTemplate]:
    """The guide's milestones for one stage, as goal templates."""
    return [t for t in MILESTONES if t.stage == stage]


def template_title(key: str | None) -> str:
    """A template's goal title in the reader's language ("" for an unknown key)."""
    template = TEMPLATES.get(key or "")
    return str(template.title) if template else ""


def template_step_text(key: str | None) -> str:
    """A template step's text (key ``<template>.<index>``) in the reader's language."""
    template_key, _, index = (key or "").rpartition(".")
    template = TEMPLATES.get(template_key)
    if template is None or not index.isdigit() or int(index) >= len(template.steps):
        return ""
    return str(template.steps[int(index)])


def goal_title(goal) -> str:
    """A goal's title: its own, or its template's in the reader's language."""
    return goal.title or template_title(goal.template)


def step_text(step) -> str:
    """A step's text: its own, or its template's in the reader's language."""
    return step.text or template_step_text(step.template)
