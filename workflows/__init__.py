"""Report and case lifecycles as declarative state machines; pure Python, no Flask, no SQLAlchemy."""
from statemachine.exceptions import TransitionNotAllowed

from workflows.case import CASE_MODES, CaseLifecycle
from workflows.errors import RuleBroken
from workflows.report import TRIAGE_OUTCOMES, ReportLifecycle

__all__ = ["CASE_MODES", "TRIAGE_OUTCOMES", "CaseLifecycle", "ReportLifecycle", "RuleBroken", "TransitionNotAllowed"]
