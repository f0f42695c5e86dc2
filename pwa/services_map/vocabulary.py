"""Words the directory is sorted by: areas of help, cost and kind of service.

Keys are English and stable (they are stored, exported and imported); labels
are translated. The areas of help are the guide's ("Assistance and services",
DESIGN.md section 5) and are shared with the plan's goals.
"""
from __future__ import annotations

import uuid

from flask_babel import lazy_gettext as _l

from ..vocabulary import AREAS  # noqa: F401 (re-exported for the directory's modules)


COSTS = {
    # TRANSLATORS: cost of a service
    "free": _l("Free"),
    # TRANSLATORS: cost of a service
    "low_cost": _l("Low cost"),
    # TRANSLATORS: cost of a service
    "paid": _l("Paid"),
}

SCOPES = {
    # TRANSLATORS: a service only for some people
    "specialised": _l("Specialised service"),
    "general": _l("Service for everyone"),
}

STATUSES = ("active", "inactive", "defunct", "temporarily closed")

# ISO 639-1 codes the console offers; an import may bring others.
LANGUAGE_CODES = ("sq", "en", "it", "el", "de", "fr", "tr", "sr", "mk", "rom")

DEFAULT_TIMEZONE = "Europe/Tirane"

# Dera's three taxonomies, exported as HSDS taxonomy terms. Their identifiers are
# derived from fixed names, so every Dera exports and recognises the same ones.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://dera.invalid/hsds")
TAXONOMIES = {
    "area": ("Dera areas of help", "The areas of help of the reintegration guide.", AREAS, {
        "housing": "Housing", "medical": "Medical care", "psychological": "Psychological support",
        "education_training": "Education and training", "economic": "Economic empowerment",
        "administrative": "Administrative help (documents)", "legal": "Legal help", "safety": "Safety",
        "family": "Family", "case_management": "Case management",
    }),
    "cost": ("Dera cost", "What using the service costs.", COSTS, {
        "free": "Free", "low_cost": "Low cost", "paid": "Paid",
    }),
    "scope": ("Dera kind of service", "Whether a service is specialised or open to everyone.", SCOPES, {
        "specialised": "Specialised service", "general": "General service",
    }),
}


def derived_id(*parts: str) -> str:
    """A stable identifier made from names, for records Dera derives rather than stores."""
    return str(uuid.uuid5(_NAMESPACE, ":".join(parts)))


def taxonomy_id(kind: str) -> str:
    return derived_id("taxonomy", kind)


def term_id(kind: str, code: str) -> str:
    return derived_id("term", kind, code)

# What someone can say is wrong about a service, in one tap: the button, and the supervisor's column.
REPORT_KINDS = {
    "phone": (
        _l("The number didn't work"),
        # TRANSLATORS: staff column of reported services: reports that the phone number is wrong
        _l("Phone"),
    ),
    "address": (_l("The address is wrong"), _l("Address")),
    "hours": (
        _l("The hours are wrong"),
        # TRANSLATORS: staff column of reported services: reports that the opening hours are wrong
        _l("Hours"),
    ),
}
