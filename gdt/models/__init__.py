"""Every model module, imported so the metadata is complete for Alembic."""
# The dossier's tables; their classes are imported from their own modules.
from gdt.models import (  # noqa: F401
    documents,
    events,
    interventions,
    letters,
    resident,
    resident_contact,
    signalen,
    standard_texts,
)
from gdt.models import search as search_indexes  # noqa: F401  (its DDL hooks: the search indexes)
from gdt.models.api import ApiClient, IdempotencyRecord, UserToken
from gdt.models.attachments import Attachment
from gdt.models.audit import AuditChainHead, AuditEvent
from gdt.models.case_recurrence import CaseRecurrence, RecurrenceMark, RecurrenceTally
from gdt.models.case_tallies import CaseTally
from gdt.models.cases import Case, CaseEvent, CaseNote, CasePartner
from gdt.models.casework import Action, CaseParty, CaseResult, Meeting, MeetingInvitee
from gdt.models.corrections import ReportCorrection
from gdt.models.heartbeats import ProcessHeartbeat
from gdt.models.identity import AccountLink, Passkey, RecoveryCode
from gdt.models.indicators import Indicator, IndicatorTarget, IndicatorValue
from gdt.models.links import LinkSession
from gdt.models.local_mail import LocalMail
from gdt.models.login_throttle import LoginThrottle
from gdt.models.notifications import Notification, NotificationPreference
from gdt.models.outbox import OutboxMessage
from gdt.models.partners import Partner
from gdt.models.people import Person, PersonAddress, PersonEvent, PersonLink
from gdt.models.privacy import SubjectRequest
from gdt.models.reference_data import Area, Category, ClosingDay, ReferenceChange, ReferenceCounter
from gdt.models.referrals import Referral, ReminderRun, referral_reports
from gdt.models.registrations import PartnerRegistration, registration_partners
from gdt.models.reports import Report, ReportClaim, ReportEvent
from gdt.models.retention import DestructionItem, DestructionList, LegalHold, RetentionRule
from gdt.models.settings import AppSetting
from gdt.models.tallies import ReportTally
from gdt.models.users import User, UserSession
from gdt.models.worklists import SavedList, SavedListPin

__all__ = [
    "AccountLink",
    "Passkey",
    "RecoveryCode",
    "AppSetting",
    "Area",
    "ClosingDay",
    "Action",
    "CaseParty",
    "CaseResult",
    "Meeting",
    "MeetingInvitee",
    "ApiClient",
    "Attachment",
    "AuditChainHead",
    "AuditEvent",
    "DestructionItem",
    "DestructionList",
    "LegalHold",
    "RetentionRule",
    "SubjectRequest",
    "Person",
    "PersonAddress",
    "PersonEvent",
    "PersonLink",
    "IdempotencyRecord",
    "OutboxMessage",
    "UserToken",
    "Case",
    "CaseTally",
    "CaseRecurrence",
    "RecurrenceMark",
    "RecurrenceTally",
    "CaseEvent",
    "CaseNote",
    "CasePartner",
    "Category",
    "ReferenceChange",
    "Partner",
    "ProcessHeartbeat",
    "PartnerRegistration",
    "ReferenceCounter",
    "Indicator",
    "IndicatorTarget",
    "IndicatorValue",
    "LinkSession",
    "LocalMail",
    "LoginThrottle",
    "Notification",
    "NotificationPreference",
    "Referral",
    "ReminderRun",
    "Report",
    "ReportClaim",
    "ReportCorrection",
    "ReportEvent",
    "ReportTally",
    "SavedList",
    "SavedListPin",
    "User",
    "UserSession",
    "referral_reports",
    "registration_partners",
]
