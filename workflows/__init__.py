"""Report, case and referral lifecycles as declarative state machines; pure Python, no Flask, no SQLAlchemy."""
from statemachine.exceptions import TransitionNotAllowed

from workflows.case import CASE_MODES, CaseLifecycle
from workflows.errors import RuleBroken
from workflows.referral import HANDLED_OUTCOMES, ReferralLifecycle
from workflows.report import TRIAGE_OUTCOMES, ReportLifecycle

__all__ = ["CASE_MODES", "HANDLED_OUTCOMES", "TRIAGE_OUTCOMES", "CaseLifecycle", "ReferralLifecycle", "ReportLifecycle",
           "RuleBroken", "TransitionNotAllowed"]
