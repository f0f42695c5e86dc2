"""All models, imported here so Alembic and the app see every table."""
from .appointments import Appointment, AppointmentReminder
from .audit import AuditEvent
from .cases import CaseEvent, CaseEventKind, ClosureReason, record_case_event
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
    DirectoryState,
)
from .help import HelpRequest
from .organisation import Organisation, default_organisation
from .push import PushMessage, PushSubscription, WorkerHeartbeat
from .people import Account, Device, EnrolmentCode, RecoveryCode, Role, Staff, Survivor, staff_by_username
from .rota import DutyException, DutyShift
from .plan import CheckIn, Goal, Plan, PlanAgreement, ServiceRecommendation, Step
from .types import UTCDateTime, utcnow

__all__ = [
    "Account",
    "Appointment",
    "AppointmentReminder",
    "AuditEvent",
    "CaseEvent",
    "CaseEventKind",
    "ClosureReason",
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
    "DutyException",
    "DutyShift",
    "DirectoryServiceHidden",
    "DirectoryServiceReport",
    "DirectoryState",
    "EnrolmentCode",
    "Goal",
    "HelpRequest",
    "Organisation",
    "PushMessage",
    "PushSubscription",
    "WorkerHeartbeat",
    "Plan",
    "PlanAgreement",
    "RecoveryCode",
    "Role",
    "ServiceRecommendation",
    "Staff",
    "Step",
    "Survivor",
    "UTCDateTime",
    "default_organisation",
    "record_case_event",
    "staff_by_username",
    "utcnow",
]
