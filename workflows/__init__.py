"""Report, case and referral lifecycles as declarative state machines; pure Python, no Flask, no SQLAlchemy."""
from statemachine.exceptions import TransitionNotAllowed

from workflows.case import CASE_MODES, REGIE_KINDS, CaseLifecycle
from workflows.casework import ActionLifecycle, MeetingLifecycle
from workflows.errors import RuleBroken
from workflows.intervention import DECIDERS, INTERVENTION_OUTCOMES, InterventionLifecycle
from workflows.referral import HANDLED_OUTCOMES, ReferralLifecycle
from workflows.report import TRIAGE_OUTCOMES, ReportLifecycle

__all__ = ["CASE_MODES", "DECIDERS", "HANDLED_OUTCOMES", "INTERVENTION_OUTCOMES", "REGIE_KINDS", "TRIAGE_OUTCOMES",
           "ActionLifecycle", "CaseLifecycle", "InterventionLifecycle", "MeetingLifecycle", "ReferralLifecycle",
           "ReportLifecycle", "RuleBroken", "TransitionNotAllowed"]
