"""A case meeting for the coordinator: the agenda, holding it (attendance, minutes, decisions), moving, cancelling,
PDF."""
from datetime import UTC, datetime

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.db import AMSTERDAM
from gdt.services.admin import users
from gdt.services.casework import actions, meeting_pdf, meetings
from gdt.services.core.errors import ValidationFailed
from gdt.web.access import role_required
from gdt.web.casework import bp
from gdt.web.casework.forms import CancelForm, HoldForm, MoveForm
from gdt.web.forms import choices, form_page, show_error, submit
from gdt.web.responses import download


@bp.route("/meetings/<int:meeting_id>")
@role_required("coordinator")
def meeting(meeting_id: int):
    found = meetings.get(meeting_id, actor=current_user)
    return _render(found, HoldForm(formdata=None, prefix="hold", held_on=meetings.default_held_on(found)))


@bp.route("/meetings/<int:meeting_id>/hold", methods=["POST"])
@role_required("coordinator")
def hold(meeting_id: int):
    found = meetings.get(meeting_id, actor=current_user)
    form = _with_choices(HoldForm(prefix="hold"), found)
    # FormField rows: `.form`, since a field's own `description` attribute shadows the subform's field of that name.
    filled = [row.form for row in form.decisions if (row.form.description.data or "").strip()]  # empty rows: ignored
    decisions = [meetings.Decision(row.description.data, row.owner.data, row.working_days.data) for row in filled]
    try:
        done = submit(
            form,
            lambda: meetings.hold(
                found,
                attended=set(form.attended.data or []),
                minutes=form.minutes.data,
                decisions=decisions,
                actor=current_user,
                seen_version=form.version.data,
                held_on=form.held_on.data,
                earlier_than_planned=form.earlier_than_planned.data,
            ),
            success=_("Het overleg is vastgelegd."),
            next_url=url_for("casework.meeting", meeting_id=meeting_id),
        )
    except ValidationFailed as refused:  # a decision row's own errors: `decisions.N.field` goes next to that field
        rows = {name: message for name, message in refused.errors.items() if name.startswith("decisions.")}
        for name, message in rows.items():
            number, field = name.split(".")[1:]
            filled[int(number)][field].errors = [message]
        if rows.keys() != refused.errors.keys():
            show_error(
                form, ValidationFailed({name: message for name, message in refused.errors.items() if name not in rows})
            )
        done = None
    return done or _render(found, form, 422)


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["GET", "POST"])
@role_required("coordinator")
def cancel(meeting_id: int):
    """Cancelling is final: a page that says what happens (and what does not: nobody is told) and asks why."""
    found = meetings.get(meeting_id, actor=current_user)
    form = CancelForm(prefix="cancel")
    if not form.is_submitted():
        if not meetings.may_cancel(found, current_user):
            flash(_("Dit kan niet meer: het overleg is al gehouden of afgezegd."), "info")
            return redirect(url_for("casework.meeting", meeting_id=meeting_id))
        form.version.data = found.version
    done = submit(
        form,
        lambda: meetings.cancel(found, form.reason.data, actor=current_user, seen_version=form.version.data),
        success=_("Het overleg is afgezegd."),
        next_url=url_for("cases.show", reference=found.case.reference, _anchor="overleg"),
    )
    form.version.data = found.version
    return done or form_page("casework/cancel.html", meeting=found, form=form)


@bp.route("/meetings/<int:meeting_id>/move", methods=["GET", "POST"])
@role_required("coordinator")
def move(meeting_id: int):
    """Another day, time or place for a planned meeting; the invited partners with an address get a mail."""
    found = meetings.get(meeting_id, actor=current_user)
    form = MoveForm(prefix="move")
    if not form.is_submitted():
        if not meetings.may_move(found, current_user):
            flash(_("Dit kan niet meer: het overleg is al gehouden of afgezegd."), "info")
            return redirect(url_for("casework.meeting", meeting_id=meeting_id))
        local = found.starts_at.astimezone(AMSTERDAM)
        form.day.data, form.time.data, form.location.data = local.date(), local.time(), found.location
        form.version.data = found.version
    done = submit(
        form,
        lambda: meetings.move(found, _moment(form.day.data, form.time.data), form.location.data,
                              actor=current_user, seen_version=_seen_version(form)),
        success=meetings.moved_message,
        next_url=url_for("casework.meeting", meeting_id=meeting_id),
    )
    return done or form_page("casework/move.html", meeting=found, form=form)


@bp.route("/meetings/<int:meeting_id>/verslag.pdf")
@role_required("coordinator")
def summary_pdf(meeting_id: int):
    return meeting_pdf_download(meeting_pdf.render(meetings.get(meeting_id, actor=current_user), None), meeting_id)


def meeting_pdf_download(data: bytes, meeting_id: int):
    return download(data, f"verslag-overleg-{meeting_id}.pdf", "application/pdf")


def _moment(day, time) -> datetime | None:
    """The form's Amsterdam day and time as an aware UTC moment."""
    return datetime.combine(day, time, tzinfo=AMSTERDAM).astimezone(UTC) if day and time else None


def _seen_version(form) -> int | None:
    """The version the form was filled in on; a missing or altered one is refused as stale, never a crash."""
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


def _with_choices(form: HoldForm, found) -> HoldForm:
    form.attended.choices = choices((invitee.id, invitee.label) for invitee in found.invitees)
    owners = choices([("", _("Kies een uitvoerder"))] + actions.owner_choices(found.case, users.active_coordinators()))
    for row in form.decisions:
        row.form.owner.choices = owners
    return form


def _render(found, hold_form: HoldForm, status: int = 200):
    hold_form.version.data = found.version
    _with_choices(hold_form, found)
    return render_template(
        "casework/meeting.html",
        meeting=found,
        agenda=meetings.agenda(found),
        hold_form=hold_form,
        may=meetings.permitted_steps(found, current_user),
        ask_earlier=meetings.may_be_held_earlier(found) or bool(hold_form.earlier_than_planned.errors),
        planned_day=meetings.planned_day(found),
    ), status
