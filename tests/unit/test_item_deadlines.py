"""The one definition of "te laat" that every page shows, and the lifecycle question pages ask before a form."""
from datetime import UTC, datetime, timedelta

import pytest

from gdt.models import Action, Case, Meeting, Referral, Report
from gdt.services.core.deadlines import item_is_overdue
from gdt.services.core.lifecycle import allows

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
PAST, FUTURE = NOW - timedelta(hours=1), NOW + timedelta(hours=1)


@pytest.mark.parametrize(("item", "overdue"), [
    (Report(status="received", triage_due_at=PAST), True),
    (Report(status="received", triage_due_at=FUTURE), False),
    (Report(status="referred", triage_due_at=PAST), False),  # triaged: the triage deadline no longer matters
    (Referral(status="awaiting", delivery_status="sent", acknowledge_due_at=PAST), True),
    (Referral(status="awaiting", delivery_status="pending", acknowledge_due_at=PAST), False),  # never delivered
    (Referral(status="awaiting", delivery_status="failed", acknowledge_due_at=PAST), False),
    (Referral(status="received", delivery_status="sent", acknowledge_due_at=PAST), False),  # acknowledged
    (Case(status="open", review_due_at=PAST), True),
    (Case(status="closed", review_due_at=PAST), False),
    (Action(status="open", due_at=PAST), True),
    (Action(status="done", due_at=PAST), False),
    (Action(status="open", due_at=None), False),
])
def test_an_item_is_overdue_by_the_same_rule_as_the_start_page_queries(item, overdue):
    assert item_is_overdue(item, NOW) is overdue


def test_an_item_without_a_deadline_is_refused():
    with pytest.raises(TypeError):
        item_is_overdue(object(), NOW)


@pytest.mark.parametrize(("record", "event", "allowed"), [
    (Report(status="received"), "refer", True),
    (Report(status="referred"), "refer", False),
    (Case(status="open"), "change", True),
    (Case(status="closed"), "change", False),
    (Case(status="open"), "close", True),
    (Case(status="closed"), "reopen", True),
    (Meeting(status="planned"), "hold", True),
    (Meeting(status="held"), "hold", False),
    (Action(status="open"), "complete", True),
    (Action(status="open"), "celebrate", None),
])
def test_pages_ask_the_lifecycle_what_is_allowed_now(record, event, allowed):
    if allowed is None:  # an event the lifecycle does not know is never allowed
        assert allows(record, event) is False
    else:
        assert allows(record, event) is allowed
