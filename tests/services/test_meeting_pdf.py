"""The meeting summary PDF: the coordinator's copy, an invited partner's copy (its view and nothing more), refusals."""
import io
from datetime import timedelta

import pypdf
import pytest

from gdt.db import utcnow
from gdt.services.casework import cases, meeting_pdf, meetings
from gdt.services.core.errors import Forbidden
from gdt.services.referrals import partner_view

MINUTES = "Bewoner en verhuurder zijn gehoord.\nDe politie loopt extra surveillance."
DECISION = "Huisbezoek met wijkagent"
INTERNAL = "Vermoeden van middelengebruik bij bewoner"
SHARED = "Gesprek met verhuurder gepland"


@pytest.fixture
def held(make, db):
    """A case with police and GGZ involved; a held meeting (police attended, GGZ not, a resident did) with decisions."""
    make.defaults()
    coordinator = make.user("coordinator", name="Regisseur Roos")
    case = make.case()
    for key in ("politie", "ggz", "wijkteam"):
        cases.involve_partner(case, key, "betrokken", actor=coordinator, seen_version=case.version)
    cases.add_note(case, INTERNAL, actor=coordinator)
    cases.add_note(case, SHARED, actor=coordinator, shareable=True)
    with db.session.no_autoflush:  # meetings.plan adds the meeting to the session after an autoflush (SAWarning)
        meeting = meetings.plan(case, utcnow() + timedelta(days=2), "Stadskantoor, zaal 3", ["politie", "ggz"],
                                ["Jan Jansen"], actor=coordinator)
    attended = {invitee.id for invitee in meeting.invitees if invitee.label in ("Politie", "Jan Jansen")}
    decisions = [meetings.Decision(DECISION, "partner:politie", 5),
                 meetings.Decision("Contact met huisarts", f"user:{coordinator.id}", 10)]
    meetings.hold(meeting, attended=attended, minutes=MINUTES, decisions=decisions, actor=coordinator,
                  seen_version=meeting.version, earlier_than_planned=True)
    return meeting


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_coordinator_gets_the_whole_summary(held):
    text = _flat(_text(meeting_pdf.render(held, None)))
    assert f"Verslag casusoverleg {held.case.reference}" in text
    assert "Stadskantoor, zaal 3" in text
    assert "Bewoner en verhuurder zijn gehoord." in text and "De politie loopt extra surveillance." in text
    assert DECISION in text and "Contact met huisarts" in text and "Regisseur Roos" in text
    assert "Politie Ketenpartner Ja" in text and "GGZ Ketenpartner Nee" in text and "Jan Jansen Persoon Ja" in text
    assert "Openstaande afspraken" in text and "Verstrekt aan" not in text
    assert INTERNAL not in text
    from flask_babel import force_locale, format_date
    with force_locale("nl"):
        assert f"Gehouden op {format_date(held.held_on, 'd MMMM y')}" in text  # the day it really took place


def test_the_date_is_dutch_and_in_amsterdam_time(held):
    from flask_babel import force_locale, format_datetime
    with force_locale("nl"):
        moment = format_datetime(held.starts_at, "EEEE d MMMM y 'om' HH:mm")
    text = _flat(_text(meeting_pdf.render(held, None)))
    assert moment in text and " om " in text


def test_an_invited_partner_gets_its_view_and_not_the_internal_journal(held, make):
    view = partner_view.for_partner(held.case, make.partner("politie"))
    text = _flat(_text(meeting_pdf.render(held, view)))
    assert held.case.reference in text and "De politie loopt extra surveillance." in text
    assert DECISION in text and "Politie Ketenpartner Ja" in text and "Verstrekt aan Politie" in text
    assert INTERNAL not in text
    assert "middelengebruik" not in text


def test_a_partner_not_invited_is_refused(held, make):
    """The wijkteam takes part in the case, but was not invited to this meeting."""
    view = partner_view.for_partner(held.case, make.partner("wijkteam"))
    with pytest.raises(Forbidden):
        meeting_pdf.render(held, view)


def test_a_view_of_another_case_is_refused(held, make):
    other = make.case()
    view = partner_view.for_partner(other, make.partner("politie"))
    with pytest.raises(Forbidden):
        meeting_pdf.render(held, view)


def test_the_summary_of_a_partner_holds_only_what_its_view_holds(held, make):
    """No field of the summary is read from outside the view: the decisions and agenda are the view's actions."""
    from flask_babel import force_locale
    view = partner_view.for_partner(held.case, make.partner("ggz"))
    with force_locale("nl"):
        summary = meeting_pdf.summarise(held, view)
    assert [item.description for item in summary.decisions] == [action.description for action in view.actions
                                                                 if action.meeting_id == held.id]
    assert summary.recipient == "GGZ" and summary.minutes == MINUTES and summary.status == "held"
    assert not any(INTERNAL in str(value) for value in vars(summary).values())
