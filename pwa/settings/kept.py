"""What Dera keeps about a person in the programme, in her words: the one source of the
"What we keep about you" page and of the section of DATA.md that repeats it.

Each kind of record names the columns it tells her about; ``tests/settings/test_kept.py``
checks that every column of every table that holds something about her is told here (or
is an internal key or a worker's bookkeeping), and that DATA.md's section is this list.
``flask --app pwa kept-md`` rewrites that section after a change here.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..config import ORGANISATION_DEFAULTS
from ..push.services import purge_old_messages
from ..retention import ENROLMENT_CODE_DAYS

# Sent notifications are deleted after the purge's default number of days.
PUSH_MESSAGE_DAYS = inspect.signature(purge_old_messages).parameters["days"].default


@dataclass(frozen=True)
class Kept:
    """One kind of record about her: what it is, who reads it, how long it stays."""

    key: str
    title: str
    what: str
    retention: str  # a key of RETENTION
    columns: tuple[str, ...]


# How long each kind stays. ``days`` names the organisation setting (or fixed number) the sentence carries.
RETENTION = {
    "programme": (_l("Kept while you use the app. Deleted at once when you delete your data."), None),
    "code": (_l("Deleted %(days)d days after the code is used or ends, or at once when you delete your data."), "enrolment_code_days"),
    "device": (_l("Kept until a new phone is set up for you, or you delete your data."), None),
    "subscription": (_l("Kept until you turn reminders off, or you delete your data."), None),
    "push": (_l("Each notification is deleted %(days)d days after it is sent."), "push_message_days"),
    "appointment": (_l("Deleted %(days)d days after the appointment, or at once when you delete your data."), "appointment_retention_days"),
    "help": (_l("Deleted %(days)d days after the request is closed, or at once when you delete your data."), "help_retention_days"),
    "audit": (_l("Kept %(days)d days, also after you delete your data, but then without your nickname."), "audit_retention_days"),
    "closed": (_l("When your time in the programme ends, we delete everything here %(days)d days later, unless you come back before. Deleted at once when you delete your data."), "closed_case_retention_days"),
    "figures": (_l("When we delete your data, only an anonymous count stays for the organisation's figures: no nickname, no words."), None),
}

KEPT: tuple[Kept, ...] = (
    # TRANSLATORS: heading on 'What we keep about you'
    Kept("nickname", _l("Your nickname"), _l("The word you chose, not your real name. You and the people who work with you see it."),
         "programme", ("survivor.nickname", "survivor.case_manager_id", "survivor.created_at", "survivor.enrolled_at")),
    Kept("pin", _l("Your PIN"), _l("Scrambled so that nobody can read it, not even us, and a count of wrong tries, so the app locks after too many."),
         "programme", ("survivor.pin_hash", "survivor.failed_pin_attempts", "survivor.locked_at", "survivor.session_token")),
    Kept("case", _l("When your time in the programme ends"), _l("The day it ended, the reason from a short list, and who asked for it."),
         "closed", ("survivor.closed_at", "survivor.closure_reason", "survivor.closure_requested_at", "survivor.closure_requested_by_id")),
    Kept("milestones", _l("Steps of your journey, for counting"), _l("The days you started, moved to another stage or ended your time in the programme, so the organisation can count how people are doing."),
         "figures", ("case_event.kind", "case_event.at", "case_event.stage", "case_event.previous_stage", "case_event.days_in_previous_stage", "case_event.reason", "case_event.survivor_id")),
    Kept("use", _l("Your language and the last day you used the app"), _l("So that the app speaks your language, and the person who works with you knows when to check in."),
         "programme", ("survivor.locale", "survivor.last_active_on")),
    # TRANSLATORS: heading on 'What we keep about you': the phones where she uses the app
    Kept("phones", _l("Your phones"), _l("A secret code for each phone where you use the app, scrambled, and when the phone was last used."),
         "device", ("device.secret_hash", "device.created_at", "device.last_used_at")),
    Kept("codes", _l("Codes to start the app"), _l("Each code, scrambled, with when it was made, used or ended."),
         "code", ("enrolment_code.code_hash", "enrolment_code.created_by_id", "enrolment_code.created_at", "enrolment_code.expires_at", "enrolment_code.used_at")),
    Kept("reminders", _l("Phones with reminders turned on"), _l("The address the phone gave for notifications. Notifications never say who you are or what the reminder is about."),
         "subscription", ("push_subscription.endpoint", "push_subscription.p256dh", "push_subscription.auth", "push_subscription.created_at", "push_subscription.last_sent_at",
                          "push_subscription.problem", "push_subscription.problem_at")),
    Kept("notifications", _l("Notifications sent to your phone"), _l("Only the short text that shows on the phone, for example \u201cYou have a reminder\u201d."),
         "push", ("push_message.payload", "push_message.ttl", "push_message.urgency", "push_message.status", "push_message.attempts",
                  "push_message.next_attempt_at", "push_message.last_status_code", "push_message.created_at", "push_message.sent_at",
                  "push_message.expires_at", "push_message.topic")),
    # TRANSLATORS: heading: the person's own plan
    Kept("plan", _l("Your plan"), _l("Your stage, your goals and steps, the dates you chose, what is done, who added each one, and the services suggested for them."),
         "programme", ("plan.stage", "plan.stage_set_at", "plan.stage_set_by_id", "plan.created_at",
                       "goal.area", "goal.stage", "goal.template", "goal.title", "goal.target_date", "goal.status", "goal.status_changed_at",
                       "goal.position", "goal.added_by_survivor", "goal.added_by_staff_id", "goal.created_at",
                       "step.template", "step.text", "step.due_date", "step.done_at", "step.position", "step.added_by_survivor",
                       "step.added_by_staff_id", "step.created_at",
                       "service_recommendation.service_id", "service_recommendation.added_by_staff_id", "service_recommendation.created_at")),
    Kept("agreement", _l("Your agreement to the plan"), _l("Each time you gave or withdrew it, when, and whether in the app or in person."),
         "programme", ("plan_agreement.given", "plan_agreement.at", "plan_agreement.in_person", "plan_agreement.recorded_by_id")),
    Kept("talks", _l("Your talks with the person who works with you"), _l("The date of each talk, which you see. Staff also write a short note about how you are doing. The note is encrypted and only staff read it."),
         "programme", ("check_in.held_on", "check_in.note", "check_in.staff_id", "check_in.created_at")),
    # TRANSLATORS: heading on 'What we keep about you'
    Kept("appointments", _l("Your appointments"), _l("The day and time, and your answer. The title and place are encrypted."),
         "appointment", ("appointment.created_by_id", "appointment.starts_at", "appointment.duration_minutes", "appointment.sequence",
                         "appointment.title", "appointment.place", "appointment.cancelled_at",
                         "appointment.cant_come_at", "appointment.created_at", "appointment.updated_at",
                         "appointment_reminder.offset_minutes", "appointment_reminder.due_at", "appointment_reminder.status", "appointment_reminder.handled_at")),
    Kept("help", _l("Your requests for help"), _l("What happened, how soon, how to reach you, and when the request was sent, seen and answered. Your note is encrypted. Staff also write a few words about how it ended; these are encrypted and only staff read them."),
         "help", ("help_request.setback", "help_request.urgency", "help_request.contact", "help_request.note", "help_request.status",
                  "help_request.assigned_to_id", "help_request.created_at", "help_request.seen_at", "help_request.answered_at",
                  "help_request.closed_at", "help_request.answered_how", "help_request.outcome", "help_request.escalate_at", "help_request.escalated_at")),
    Kept("views", _l("Who opened your page"), _l("Each time staff open or change your page, we write down who and when, never what they read."),
         "audit", ("audit_event.at", "audit_event.staff_id", "audit_event.survivor_id", "audit_event.action")),
)

# What stays with the organisation after she deletes her data.
AFTER_DELETION = _l(
    "After you delete your data, the organisation keeps only a note that a record was deleted and when, "
    "and the list of staff who opened your page, without your nickname. Nothing else stays."
)

# Columns that tell her nothing new: internal keys, the same row's owner, and the workers' bookkeeping.
NOT_TOLD = frozenset({
    "survivor.id", "survivor.organisation_id", "device.id", "device.survivor_id", "enrolment_code.id", "enrolment_code.survivor_id",
    "push_subscription.id", "push_subscription.survivor_id", "push_subscription.staff_id", "push_message.id",
    "push_message.subscription_id", "push_message.claimed_by", "push_message.claimed_at",
    "plan.id", "plan.survivor_id", "goal.id", "goal.plan_id", "goal.version", "step.id", "step.goal_id", "step.version",
    "service_recommendation.id", "service_recommendation.goal_id", "service_recommendation.step_id",
    "plan_agreement.id", "plan_agreement.plan_id", "check_in.id", "check_in.plan_id",
    "appointment.id", "appointment.survivor_id", "appointment.calendar_uid", "appointment_reminder.id", "appointment_reminder.appointment_id",
    "appointment_reminder.claimed_by", "appointment_reminder.claimed_at",
    "help_request.id", "help_request.survivor_id", "help_request.idempotency_key", "help_request.claimed_by", "help_request.claimed_at",
    "audit_event.id", "case_event.id", "case_event.organisation_id",
})
# Tables that hold something about her (the rest are the organisation's, its staff's, or the public directory).
HER_TABLES = ("survivor", "device", "enrolment_code", "push_subscription", "push_message", "plan", "goal", "step",
              "service_recommendation", "plan_agreement", "check_in", "appointment", "appointment_reminder", "help_request", "audit_event", "case_event")


def retention_days(organisation) -> dict[str, int]:
    """The numbers of days the retention sentences carry, from the organisation's settings."""
    return {
        "push_message_days": PUSH_MESSAGE_DAYS,
        "enrolment_code_days": ENROLMENT_CODE_DAYS,
        "appointment_retention_days": organisation.appointment_retention_days,
        "help_retention_days": organisation.help_retention_days,
        "audit_retention_days": organisation.audit_retention_days,
        "closed_case_retention_days": organisation.closed_case_retention_days,
    }


def retention_text(kind: str, days: dict[str, int]) -> str:
    """How long one kind of record stays, with the organisation's numbers."""
    sentence, setting = RETENTION[kind]
    return str(sentence) % {"days": days[setting]} if setting else str(sentence)


def data_md_section() -> str:
    """The section of DATA.md that repeats, in English, what the page tells her (needs an app context)."""
    from types import SimpleNamespace

    defaults = retention_days(SimpleNamespace(**ORGANISATION_DEFAULTS))
    lines = [
        "| what she is told | in her words | kept | columns |",
        "|---|---|---|---|",
    ]
    with force_locale("en"):
        for kept in KEPT:
            kept_text = retention_text(kept.retention, defaults)
            setting = RETENTION[kept.retention][1]
            if setting in ORGANISATION_DEFAULTS:
                kept_text += f" (`{setting}`, an organisation setting)"
            columns = ", ".join(f"`{c}`" for c in kept.columns)
            lines.append(f"| {kept.title} | {kept.what} | {kept_text} | {columns} |")
        lines.append("")
        lines.append(str(AFTER_DELETION))
    return "\n".join(lines)
