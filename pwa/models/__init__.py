"""All models, imported here so Alembic and the app see every table."""
from .audit import AuditEvent
from .organisation import Organisation, default_organisation
from .people import Account, Device, EnrolmentCode, Role, Staff, Survivor, staff_by_username
from .plan import CheckIn, Goal, Plan, PlanAgreement, Step
from .types import UTCDateTime, utcnow

__all__ = [
    "Account",
    "AuditEvent",
    "CheckIn",
    "Device",
    "EnrolmentCode",
    "Goal",
    "Organisation",
    "Plan",
    "PlanAgreement",
    "Role",
    "Staff",
    "Step",
    "Survivor",
    "UTCDateTime",
    "default_organisation",
    "staff_by_username",
    "utcnow",
]
