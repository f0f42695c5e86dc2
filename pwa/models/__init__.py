"""All models, imported here so Alembic and the app see every table."""
from .audit import AuditEvent
from .help import HelpRequest
from .organisation import Organisation, default_organisation
from .push import PushMessage, PushSubscription
from .people import Account, Device, EnrolmentCode, Role, Staff, Survivor, staff_by_username
from .types import UTCDateTime, utcnow

__all__ = [
    "Account",
    "AuditEvent",
    "Device",
    "EnrolmentCode",
    "HelpRequest",
    "Organisation",
    "PushMessage",
    "PushSubscription",
    "Role",
    "Staff",
    "Survivor",
    "UTCDateTime",
    "default_organisation",
    "staff_by_username",
    "utcnow",
]
