"""Report, case and referral lifecycles as declarative state machines; pure Python, no Flask, no SQLAlchemy."""
from statemachine.exceptions import TransitionNotAllowed

from workflows.case import CASE_MODES, REGIE_KINDS, CaseLifecycle
from workflows.casework import ActionLifecycle, MeetingLifecycle
from workflows.errors import RuleBroken
from workflows.referral import HANDLED_OUTCOMES, ReferralLifecycle
from workflows.report import TRIAGE_OUTCOMES, ReportLifecycle

__all__ = ["CASE_MODES", "HANDLED_OUTCOMES", "REGIE_KINDS", "TRIAGE_OUTCOMES", "ActionLifecycle", "CaseLifecycle",
           "MeetingLifecycle", "ReferralLifecycle", "ReportLifecycle", "RuleBroken", "TransitionNotAllowed"]
