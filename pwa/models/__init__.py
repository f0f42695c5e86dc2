"""All models, imported here so Alembic and the app see every table."""
from .appointments import Appointment, AppointmentReminder
from .audit import AuditEvent
from .directory import (
    DirectoryLanguage,
    DirectoryLocation,
    DirectoryOrganization,
    DirectoryPhone,
    DirectorySchedule,
    DirectoryService,
    DirectoryServiceAtLocation,
    DirectoryServiceCategory,
    DirectoryServiceHidden,
    DirectoryServiceReport,
)
from .help import HelpRequest
from .organisation import Organisation, default_organisation
from .push import PushMessage, PushSubscription
from .people import Account, Device, EnrolmentCode, Role, Staff, Survivor, staff_by_username
from .plan import CheckIn, Goal, Plan, PlanAgreement, ServiceRecommendation, Step
from .types import UTCDateTime, utcnow

__all__ = [
    "Account",
    "Appointment",
    "AppointmentReminder",
    "AuditEvent",
    "CheckIn",
    "Device",
    "DirectoryLanguage",
    "DirectoryLocation",
    "DirectoryOrganization",
    "DirectoryPhone",
    "DirectorySchedule",
    "DirectoryService",
    "DirectoryServiceAtLocation",
    "DirectoryServiceCategory",
    "DirectoryServiceHidden",
    "DirectoryServiceReport",
    "EnrolmentCode",
    "Goal",
    "HelpRequest",
    "Organisation",
    "PushMessage",
    "PushSubscription",
    "Plan",
    "PlanAgreement",
    "Role",
    "ServiceRecommendation",
    "Staff",
    "Step",
    "Survivor",
    "UTCDateTime",
    "default_organisation",
    "staff_by_username",
    "utcnow",
]
