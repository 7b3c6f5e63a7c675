"""The meeting summary (verslag van het casusoverleg) as a PDF, for the coordinator and for the invited partners.

A partner's copy is built from its partner view (gdt.services.referrals.partner_view) and from nothing else: the
meeting must be one of the view's meetings (the partner was invited to it), and the decisions and
the open actions come from the view's plan of action. The journal, the triage reasoning and the
reports are never read here, for anyone: a verslag holds who was there, what was said and what was
agreed. The coordinator's copy has the same layout and content, only without the recipient line.

The document is Dutch, dates included (Europe/Amsterdam), whatever the reader's UI language, like the
invitation mail. WeasyPrint is imported only when a PDF is made, so the app starts on a machine
without Pango; the HTML is self-contained and WeasyPrint may fetch nothing (no base URL, no protocol).
The PDF is tagged (PDF/UA-1): the document language, headings and table headers reach a screen reader.
"""
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale, format_date, format_datetime
from flask_babel import lazy_gettext as _l

from gdt.db import utcnow
from gdt.models import Action, Meeting
from gdt.services.core.errors import Forbidden
from gdt.services.referrals import partner_view

TEMPLATE = "meetings/summary_pdf.html"
MOMENT_FORMAT = "EEEE d MMMM y 'om' HH:mm"  # as in the invitation mail
DATE_FORMAT = "d MMMM y"


@dataclass(frozen=True)
class Invitee:
    name: str
    is_partner: bool
    attended: bool | None  # None until the meeting is held


@dataclass(frozen=True)
class Agreement:
    description: str
    owner: str
    due: str


@dataclass(frozen=True)
class Summary:
    """Everything the document shows, as display strings: the template reads nothing else."""

    reference: str
    status: str  # the meeting's: planned, held or cancelled
    moment: str
    location: str
    held_on: str | None  # the day it really took place, once held
    invitees: list[Invitee]
    minutes: str | None
    decisions: list[Agreement]  # the actions decided at this meeting, whatever their state now
    open_actions: list[Agreement]  # the plan of action still open: the agenda of the next meeting
    recipient: str | None  # the partner the copy is made for; None for the coordinator
    made_at: str


def render(meeting: Meeting, view: partner_view.PartnerCaseView | None) -> bytes:
    """The verslag as PDF bytes; `view` is the reading partner's view of the case, None for the coordinator.

    Raises Forbidden when the view's partner was not invited to the meeting. With `view` None the
    caller has established that the reader may edit the case (gdt.services.casework.meetings.get does).
    """
    with force_locale("nl"):
        html = render_template(TEMPLATE, summary=summarise(meeting, view))
    from weasyprint import HTML  # lazily: needs Pango, see tests/system_packages.py
    from weasyprint.urls import URLFetcher
    document = HTML(string=html, base_url=None, url_fetcher=URLFetcher(allowed_protocols=()))
    return document.write_pdf(pdf_variant="pdf/ua-1")  # tagged, for screen readers (accessible documents)


def summarise(meeting: Meeting, view: partner_view.PartnerCaseView | None) -> Summary:
    """The content of the verslag, for the partner strictly out of its view (call inside force_locale("nl"))."""
    if view is None:
        plan, recipient = list(meeting.case.actions), None
    else:
        shown = [candidate for candidate in view.meetings if candidate.id == meeting.id]
        if not shown:
            raise Forbidden(_l("U heeft geen toegang tot dit overleg."))
        meeting, plan, recipient = shown[0], view.actions, view.partner.name
    held = meeting.status == "held"
    return Summary(
        reference=meeting.case.reference, status=meeting.status,
        moment=format_datetime(meeting.starts_at, MOMENT_FORMAT), location=meeting.location,
        held_on=format_date(meeting.held_on, DATE_FORMAT) if held and meeting.held_on else None,
        invitees=[Invitee(invitee.label, invitee.partner_id is not None, invitee.attended if held else None)
                  for invitee in meeting.invitees],
        minutes=meeting.minutes if held else None,
        decisions=[_agreement(action) for action in plan if action.meeting_id == meeting.id],
        open_actions=[_agreement(action) for action in plan if action.status == "open"],
        recipient=recipient, made_at=format_datetime(utcnow(), MOMENT_FORMAT))


def _agreement(action: Action) -> Agreement:
    return Agreement(action.description, action.owner_label, format_datetime(action.due_at, DATE_FORMAT))
