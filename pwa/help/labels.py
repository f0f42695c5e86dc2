"""Words and icons for the keys of a help request (keys in code, labels translated)."""
from flask_babel import lazy_pgettext as _lp

from ..templating import lazy_gettext as _l

SETBACK_LABELS = {
    "money_or_job": _l("Money or work"),
    # TRANSLATORS: answer to 'What happened?' in Ask for help: a health problem
    "health": _lp("what happened", "Health"),
    "mental_health": _l("I feel low or anxious"),
    "family_conflict": _l("Problems in the family"),
    "violence_at_home": _l("Violence at home"),
    "neighbours_or_community": _l("Neighbours or community"),
    "safety_and_threats": _l("I feel unsafe or threatened"),
    "legal_process": _l("Court or legal matters"),
    # TRANSLATORS: answer to 'What happened?' in Ask for help: a problem with where she lives
    "housing": _lp("what happened", "Housing"),
    "end_of_support": _l("My support is ending"),
    # TRANSLATORS: answer to 'What happened?' in Ask for help
    "something_else": _l("Something else"),
}

URGENCY_LABELS = {
    # TRANSLATORS: answer to 'How soon?' in Ask for help
    "now": _l("Now"),
    "today": _l("Today"),
    # TRANSLATORS: answer to 'How soon?' in Ask for help
    "week": _l("This week"),
}

# In her words on the phone; in the staff console, how to reach her.
CONTACT_LABELS = {
    # TRANSLATORS: answer to 'How should we reach you?', in her words
    "call": _l("Call me"),
    "message": _l("Send me a message"),
    # TRANSLATORS: answer to 'How should we reach you?', in her words
    "meet": _l("Let's meet"),
}
CONTACT_STAFF_LABELS = {
    # TRANSLATORS: staff: how a help request was answered
    "call": _l("Phone call"),
    # TRANSLATORS: staff: how a help request was answered (a text message)
    "message": _l("Message"),
    # TRANSLATORS: staff: how a help request was answered (in person)
    "meet": _l("Meeting"),
}

STATUS_LABELS = {
    # TRANSLATORS: state of a help request: sent → seen → answered
    "sent": _l("Sent"),
    # TRANSLATORS: state of a help request: sent → seen → answered
    "seen": _l("Seen"),
    # TRANSLATORS: state of a help request: sent → seen → answered
    "answered": _l("Answered"),
    # TRANSLATORS: state of her help request: staff closed it (feminine: kërkesa)
    "resolved": _lp("help request", "Closed"),
    # TRANSLATORS: state of her help request: she closed it herself with 'I'm fine now'
    "withdrawn": _l("Withdrawn"),
}
STATUS_STAFF_LABELS = {
    # TRANSLATORS: staff inbox: a help request nobody has seen yet
    "sent": _l("New"),
    "seen": _l("Seen"),
    "answered": _l("Answered"),
    # TRANSLATORS: staff inbox: a help request that staff closed
    "resolved": _l("Resolved"),
    "withdrawn": _l("Closed by the person"),
}

# 24×24 line drawings (stroke only), drawn for Dera; the label beside each is its accessible name.
SETBACK_ICONS = {
    "money_or_job": "M2 6h20v12H2z M12 9a3 3 0 1 0 0 6a3 3 0 1 0 0-6 M5.5 9.5v5 M18.5 9.5v5",
    "health": "M9 3h6v6h6v6h-6v6H9v-6H3V9h6z",
    "mental_health": "M7 16a4 4 0 0 1 .4-8A5 5 0 0 1 17 8.5a3.5 3.5 0 0 1 0 7.5z M9 19l-1 2 M13 19l-1 2 M17 19l-1 2",
    "family_conflict": "M7 5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5 M2 20a5 5 0 0 1 10 0 M17 5a2.5 2.5 0 1 0 0 5a2.5 2.5 0 1 0 0-5 M12 20a5 5 0 0 1 10 0 M12 6l-1 3h2l-1 3",
    "violence_at_home": "M3 11l9-7 9 7 M5 10v10h14V10 M12 11v5 M12 18.5v.5",
    "neighbours_or_community": "M2 20v-8l5-4 5 4v8 M12 20v-6l5-4 5 4v6 M1 20h22 M6 20v-4h2v4 M16 20v-3h2v3",
    "safety_and_threats": "M12 3l8 3v6c0 5-3.5 8-8 9c-4.5-1-8-4-8-9V6z M12 8v5 M12 16v.5",
    "legal_process": "M12 4v16 M8 20h8 M5 7h14 M5 7l-3 6a3 3 0 0 0 6 0z M19 7l-3 6a3 3 0 0 0 6 0z",
    "housing": "M3 11l9-7 9 7 M5 10v10h14V10 M10 20v-6h4v6",
    "end_of_support": "M4 6h16v14H4z M4 10h16 M8 3v4 M16 3v4 M10 13l4 4 M14 13l-4 4",
    "something_else": "M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18 M8 12h.01 M12 12h.01 M16 12h.01",
}


def template_globals() -> dict:
    return {
        "SETBACK_LABELS": SETBACK_LABELS,
        "SETBACK_ICONS": SETBACK_ICONS,
        "URGENCY_LABELS": URGENCY_LABELS,
        "CONTACT_LABELS": CONTACT_LABELS,
        "CONTACT_STAFF_LABELS": CONTACT_STAFF_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "STATUS_STAFF_LABELS": STATUS_STAFF_LABELS,
    }
