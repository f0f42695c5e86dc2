"""Words several features share. Keys are English and stable (stored, exported); labels are translated.

The areas of help are the guide's ("Assistance and services", DESIGN.md section
5): goals in a plan and services in the directory use the same ones, with the
same words.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

AREAS: dict[str, str] = {
    # TRANSLATORS: area of help (a goal's or a service's topic); the help request's answer has its own context
    "housing": _l("Housing"),
    # TRANSLATORS: area of help (a goal's or a service's topic); the help request's answer has its own context
    "medical": _l("Health"),
    # TRANSLATORS: area of help: psychological support
    "psychological": _l("Emotional support"),
    "education_training": _l("Education and training"),
    "economic": _l("Work and income"),
    # TRANSLATORS: area of help: identity and other papers
    "administrative": _l("Documents"),
    # TRANSLATORS: area of help
    "legal": _l("Legal help"),
    # TRANSLATORS: area of help
    "safety": _l("Safety"),
    # TRANSLATORS: area of help
    "family": _l("Family"),
    "case_management": _l("Support and follow-up"),
}
