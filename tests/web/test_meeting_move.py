"""The coordinator moves a planned meeting through its page; bad input changes nothing and says why in Dutch."""
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from gdt.db import AMSTERDAM
from gdt.models import CaseEvent
from gdt.services.casework import cases, meetings
from gdt.services.triage import report_triage

NEXT_WEEK = (datetime.now(UTC) + timedelta(days=7)).replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def coordinator(make):
    return make.user("coordinator")


@pytest.fixture
def meeting(make, coordinator):
    report = make.report()
    case = report_triage.escalate_report(report, "Dreiging", actor=coordinator, seen_version=report.version)
    make.partner("politie", name="Politie", email="wijkagent@politie.example")
    cases.involve_partner(case, "politie", "Wijkagent", actor=coordinator, seen_version=case.version)
    return meetings.plan(case, NEXT_WEEK, "Stadhuis", ["politie"], [], actor=coordinator)


def form(meeting, **values):
    day = (NEXT_WEEK + timedelta(days=2)).astimezone(AMSTERDAM)
    return {"move-version": meeting.version, "move-day": day.date().isoformat(), "move-time": "09:30",
            "move-location": "Wijkcentrum"} | {f"move-{name}": value for name, value in values.items()}


def test_the_meeting_page_leads_to_a_prefilled_form_that_moves_the_meeting(db, meeting, coordinator, client_as,
                                                                            inbox):
    client = client_as(user=coordinator)
    assert "/move" in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    page = client.get(f"/meetings/{meeting.id}/move").get_data(as_text=True)
    local = NEXT_WEEK.astimezone(AMSTERDAM)
    assert f'value="{local:%Y-%m-%d}"' in page and f'value="{local:%H:%M}"' in page and 'value="Stadhuis"' in page
    assert "csrf_token" in page and "wijkagent" not in page
    inbox.received.clear()
    moved = client.post(f"/meetings/{meeting.id}/move", data=form(meeting))
    assert moved.status_code == 302 and moved.location.endswith(f"/meetings/{meeting.id}")
    db.session.expire_all()
    new_day = (NEXT_WEEK + timedelta(days=2)).astimezone(AMSTERDAM).date()
    assert meeting.starts_at == datetime.combine(new_day, datetime.min.time().replace(hour=9, minute=30),
                                                 tzinfo=AMSTERDAM)
    assert meeting.location == "Wijkcentrum"
    shown = client.get(moved.location).get_data(as_text=True)
    assert "Het overleg is verplaatst naar" in shown and "Wijkcentrum" in shown
    assert len(inbox.received) == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"day": "2020-01-01"}, "Kies een moment in de toekomst."),
        ({"day": ""}, "Vul de nieuwe datum in."),
        ({"time": "25:00"}, "Ongeldige waarde voor tijd."),
        ({"location": " "}, "Vul een plaats in"),
        ({"version": "0"}, "intussen"),
        ({"version": ""}, "intussen"),
        ({"version": "x1"}, "intussen"),
    ],
)
def test_bad_input_keeps_everything_unchanged_with_a_message(db, meeting, coordinator, client_as, values, message):
    client = client_as(user=coordinator)
    events = db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent))
    answer = client.post(f"/meetings/{meeting.id}/move", data=form(meeting, **values))
    assert answer.status_code == 422
    db.session.expire_all()
    assert (meeting.starts_at, meeting.location) == (NEXT_WEEK, "Stadhuis")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)) == events
    assert message in answer.get_data(as_text=True)


def test_a_held_meeting_offers_no_move_and_the_form_sends_back(db, meeting, coordinator, client_as):
    meetings.cancel(meeting, "Ziek", actor=coordinator, seen_version=meeting.version)
    client = client_as(user=coordinator)
    assert "/move" not in client.get(f"/meetings/{meeting.id}").get_data(as_text=True)
    answer = client.get(f"/meetings/{meeting.id}/move")
    assert answer.status_code == 302 and answer.location.endswith(f"/meetings/{meeting.id}")
    refused = client.post(f"/meetings/{meeting.id}/move", data=form(meeting))
    assert refused.status_code == 422 and "al gehouden of afgezegd" in refused.get_data(as_text=True)


@pytest.mark.parametrize("role", ["intake", "partner", "admin"])
def test_other_roles_cannot_move(db, meeting, client_as, role):
    client = client_as(role)
    assert client.post(f"/meetings/{meeting.id}/move", data=form(meeting)).status_code == 403
    db.session.expire_all()
    assert meeting.starts_at == NEXT_WEEK
