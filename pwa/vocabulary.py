"""Words several features share. Keys are English and stable (stored, exported); labels are translated.

The areas of help are the guide's ("Assistance and services", DESIGN.md section
5): goals in a plan and services in the directory use the same ones, with the
same words.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

AREAS: dict[str, str] = {
    "housing": _l("Housing"),
    "medical": _l("Health"),
    "psychological": _l("Emotional support"),
    "education_training": _l("Education and training"),
    "economic": _l("Work and income"),
    "administrative": _l("Documents"),
    "legal": _l("Legal help"),
    "safety": _l("Safety"),
    "family": _l("Family"),
    "case_management": _l("Support and follow-up"),
}
