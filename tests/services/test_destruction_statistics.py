"""Destruction keeps every statistic: over random histories, the statistics of every year are identical before
and after a list is proposed, approved and executed (docs/decisions/0023-destruction-keeps-content-free-rows.md).

Histories: reports on every channel, received (untriaged), referred (some with a partner's answer) or escalated to
a case that is open, closed with a result and mode, or merged into another; some anonymous; across several years,
with moments on the Amsterdam year boundary (1 January 00:30, 31 December 23:30). On PostgreSQL the report
and case tallies kept by triggers are checked against a fresh count as well.
"""
from datetime import UTC, date, datetime

from flask import current_app
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gdt.db import AMSTERDAM, db
from gdt.services.reporting import anonymous_exports, case_tallies, funnel, report_tallies, statistics
from gdt.services.retention import destruction

YEARS = (2023, 2024, 2025)
AS_OF = date(2026, 6, 1)
PAST, FUTURE = date(2026, 1, 1), date(2031, 1, 1)


def local(*parts) -> datetime:
    return datetime(*parts, tzinfo=AMSTERDAM).astimezone(UTC)


moments = st.one_of(
    st.builds(lambda year, day, minute: local(year, 1, 1, 0, 0) + (local(year, 12, 31) - local(year, 1, 1)) * day
              + (local(year, 1, 1, 0, minute) - local(year, 1, 1)), st.sampled_from(YEARS),
              st.floats(0, 1), st.integers(0, 59)),
    st.builds(lambda year: local(year, 1, 1, 0, 30), st.sampled_from(YEARS)),  # 31 December 23:30 UTC
    st.builds(lambda year: local(year, 12, 31, 23, 30), st.sampled_from(YEARS)),
)
reports = st.fixed_dictionaries({
    "channel": st.sampled_from(("app", "webform", "phone", "partner")),
    "received_at": moments,
    "fate": st.sampled_from(("received", "referred", "answered", "open_case", "closed_case", "merged_case")),
    "anonymous": st.booleans(),
    "due": st.sampled_from((PAST, FUTURE, None)),
    "keep": st.booleans(),
    "mode": st.sampled_from(("advice", "regie", None)),
    "wijk": st.sampled_from(("WK077201", "WK077202", None)),
})


def build(make, history: list[dict]) -> None:
    partners = [make.partner("politie"), make.partner("ruimtelijk-domein")]
    for number, spec in enumerate(history):
        contact = ({"reporter_is_anonymous": True, "reporter_name": None, "reporter_phone": None,
                    "reporter_may_contact": False} if spec["anonymous"] else {})
        common = {"channel": spec["channel"], "received_at": spec["received_at"], "wijk_code": spec["wijk"],
                  "buurt_code": f"{spec['wijk']}01" if spec["wijk"] else None,
                  "description": f"Beschrijving {number}", **contact}
        fate = spec["fate"]
        if fate == "received":
            make.report(**common)
        elif fate in ("referred", "answered"):
            partner = partners[number % 2]
            report = make.report("referred", referred_partner=partner, destruction_due_on=spec["due"], **common)
            if fate == "answered":
                make.referral(report=report, partner=partner, status="handled", outcome="resolved",
                              finished_at=spec["received_at"], feedback_note=f"Terugkoppeling {number}")
        else:
            make.report("escalated", case=_case(make, spec, fate), **common)


def _case(make, spec: dict, fate: str):
    source = "partner" if spec["channel"] == "partner" else "report"
    fields = {"received_at": spec["received_at"], "source": source, "mode": spec["mode"],
              "result_note": "Toelichting bij het resultaat"}
    if fate == "open_case":
        return make.case(**fields)
    due = {"destruction_due_on": None if spec["keep"] else spec["due"],
           "archive_nomination": "keep" if spec["keep"] else "destroy"}
    if fate == "closed_case":
        return make.case("closed", **fields, **due)
    target = make.case(**fields)
    make.case("merged", merged_into_id=target.id, **fields, **due)
    return target


def snapshot() -> dict:
    threshold = current_app.config["EXPORT_SMALL_CELL_THRESHOLD"]
    years = range(YEARS[0] - 1, YEARS[-1] + 2)
    return {"years": statistics.available_years(),
            "funnel": {year: _without_recurrence(funnel.yearly_funnel(year)) for year in years},
            "cells": {year: list(anonymous_exports.anonymous_counts(year, threshold)) for year in years}}


def _without_recurrence(page: dict) -> dict:
    """Recurrence after closing is the one figure destruction changes, on purpose: a destroyed case has no address or
    person left to follow and moves to "untraceable" (README, "Did it work"); only how many closed stays the same."""
    outcomes = dict(page["outcomes"])
    outcomes["recurrence"] = {"closed": outcomes["recurrence"]["closed"]}
    return page | {"outcomes": outcomes}


@settings(max_examples=25, deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=st.lists(reports, min_size=1, max_size=12))
def test_every_statistic_stays_the_same_through_destruction(make, history):
    """The examples share the test's transaction (rolled back at its end): what an earlier one destroyed or kept
    stays in the figures, which must come out the same all the same."""
    archivist = make.user(role="archivist")
    build(make, history)
    before = snapshot()
    lst = destruction.propose(AS_OF)
    if lst is not None:
        destruction.approve(lst, actor=archivist)
        destruction.execute(lst)
        db.session.expire_all()
        assert lst.status == "executed"
    assert snapshot() == before
    if report_tallies.uses_tallies():
        assert report_tallies.check() == []
        assert case_tallies.check() == []
