"""The short satisfaction survey on the resident's page, once the report is handled (its case closed).

Optional (SATISFACTION_SURVEY). One answer per report: a score from 1 to 5 and an optional text. A low score
(LOW_SCORE or less) becomes a task for the case's coordinator, or for the coordinators when the report had no case
or the case no coordinator: a notification "low_satisfaction" that points at the case (or report) and is done
when marked read. The statistics count answers per year; a single answer is never shown per person.
"""
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import Report, User
from gdt.models.resident_contact import SatisfactionResponse
from gdt.services.core import audit
from gdt.services.core.errors import Conflict, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.intake.app_intake import public_status_of
from gdt.services.notifications.notify import notify
from gdt.validation import InvalidValue, clean_text

SCORES = (1, 2, 3, 4, 5)
LOW_SCORE = 2
COMMENT_MAX = 2000
SCORE_LABELS = {1: _l("Zeer ontevreden"), 2: _l("Ontevreden"), 3: _l("Neutraal"), 4: _l("Tevreden"),
                5: _l("Zeer tevreden")}

CHOOSE_SCORE = _l("Kies hoe tevreden u bent.")
ALREADY = _l("U heeft de vragen over deze melding al beantwoord. Dank u wel.")
NOT_OFFERED = _l("Voor deze melding is er (nog) geen vragenlijst.")


def enabled() -> bool:
    return bool(current_app.config.get("SATISFACTION_SURVEY"))


def answered(report: Report) -> bool:
    return db.session.scalar(sa.select(sa.func.count()).select_from(SatisfactionResponse).where(
        SatisfactionResponse.report_id == report.id)) > 0


def is_offered(report: Report) -> bool:
    """The survey is on, the report is handled and it has no answer yet."""
    return enabled() and public_status_of(report) == "handled" and not answered(report)


def respond(report: Report, score, comment: str | None) -> SatisfactionResponse:
    """Store the resident's answer (through their own link: the actor is the resident)."""
    if not enabled() or public_status_of(report) != "handled":
        raise Conflict(NOT_OFFERED)
    errors, cleaned = {}, None
    score = _score(score)
    if score is None:
        errors["score"] = CHOOSE_SCORE
    try:
        cleaned = clean_text(comment, max_length=COMMENT_MAX)
    except InvalidValue as invalid:
        errors["comment"] = invalid.message
    if errors:
        raise ValidationFailed(errors)
    if answered(report):
        raise Conflict(ALREADY)
    with unit_of_work():  # the unique report_id refuses a second answer sent at the same moment (Conflict)
        response = SatisfactionResponse(report_id=report.id, case_id=report.case_id, score=score, comment=cleaned,
                                        answered_at=utcnow())
        db.session.add(response)
        db.session.flush()
        audit.record(None, "answer", "satisfaction", str(response.id),
                     detail={"report": report.reference, "low": score <= LOW_SCORE})
        if score <= LOW_SCORE:
            _task_for_coordinators(report)
    return response


def _task_for_coordinators(report: Report) -> None:
    case = report.case
    told = [case.coordinator] if case is not None and case.coordinator is not None else db.session.scalars(
        sa.select(User).where(User.role == "coordinator", User.is_active.is_(True)).order_by(User.id)).all()
    for user in told:
        notify(user, "low_satisfaction", case=case, report=None if case is not None else report)


def _score(raw) -> int | None:
    try:
        score = int(raw)
    except (TypeError, ValueError):
        return None
    return score if score in SCORES else None
