"""The anonymous row export is k-anonymous: every quarter × channel × category × wijk in it occurs at least k times.

k is the small-cell threshold (docs/decisions/0013-k-anonymous-row-export.md). Rare wijken become "overig";
what is still rare is left out and counted in the footer, never silently dropped.
"""
import csv
import io
import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from gdt.services.reporting import anonymous_exports

FOOTER = re.compile(r"# suppressed_reports=(\d+) listed_reports=(\d+) k=(\d+)\n")


def export(year: int, k: int) -> tuple[list[dict], dict[str, int]]:
    lines = list(anonymous_exports.anonymous_rows(year, k))
    footer = FOOTER.fullmatch(lines[-1])
    assert footer, lines[-1]
    rows = list(csv.DictReader(io.StringIO("".join(lines[:-1]))))
    assert not any(line.startswith("#") for line in lines[:-1])
    return rows, {"suppressed": int(footer[1]), "listed": int(footer[2]), "k": int(footer[3])}


def classes(rows: list[dict]) -> Counter:
    return Counter(tuple(row[column] for column in anonymous_exports.QUASI_IDENTIFIERS) for row in rows)


def at(month: int, day: int = 10) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=UTC)


def reports(make, count: int, *, month: int = 2, wijk: str | None = "WK077201", channel: str = "app",
            category: str = "geluidsoverlast", **fields) -> None:
    for n in range(count):
        make.report(channel=channel, category=make.category(category), wijk_code=wijk,
                    received_at=at(month, 1 + n % 27), **fields)


def test_a_report_unique_on_month_wijk_and_category_is_not_listed_on_its_own(make):
    reports(make, 6, wijk="WK077201")  # a common combination: listed as it is
    reports(make, 1, month=3, wijk="WK077209", category="verward-gedrag", status="escalated",
            case=make.case(mode="regie"))  # the one a neighbour would recognise
    rows, footer = export(2026, 5)
    assert all(count >= 5 for count in classes(rows).values())
    assert not any(row["category"] == "verward-gedrag" for row in rows)
    assert not any(row["triage_outcome"] == "escalated" for row in rows)  # what happened to it stays unknown
    assert footer == {"suppressed": 1, "listed": 6, "k": 5}


def test_rare_wijken_are_pooled_as_overig_and_months_become_quarters(make):
    reports(make, 6, month=1, wijk="WK077201")
    reports(make, 2, month=2, wijk="WK077202")
    reports(make, 2, month=3, wijk="WK077203")
    reports(make, 1, month=3, wijk=None)  # typed by hand: no wijk, rare too
    reports(make, 2, month=5, wijk="WK077201", channel="phone", category="vervuiling")  # rare, and nothing to pool
    rows, footer = export(2026, 5)
    assert classes(rows) == {("2026-Q1", "app", "geluidsoverlast", "WK077201"): 6,
                             ("2026-Q1", "app", "geluidsoverlast", "overig"): 5}
    assert footer == {"suppressed": 2, "listed": 11, "k": 5}


def test_rows_come_grouped_by_their_class_and_never_in_order_of_receipt(make):
    for day, hours in ((1, 50), (2, 1), (3, 30), (4, 5), (5, 10)):
        received = at(2, day)
        report = make.report(channel="app", status="referred", wijk_code="WK077201", received_at=received)
        report.triaged_at = received + timedelta(hours=hours)
    make.session.commit()
    rows, _ = export(2026, 5)
    days = [row["days_to_triage"] for row in rows]
    assert days == sorted(days, key=float)  # by value: the position tells nothing about the date


@pytest.mark.parametrize("k", [2, 5, 10])
def test_every_combination_occurs_at_least_k_times_and_every_report_is_accounted_for(make, k):
    chance = random.Random(20261204)
    wijken = ["WK077201", "WK077202", "WK077203", "WK077204", "WK077205", None]
    total = 160
    for _ in range(total):
        make.report(channel=chance.choice(["app", "app", "app", "webform", "phone", "partner"]),
                    category=make.category(chance.choice(["geluidsoverlast", "vervuiling", "verward-gedrag"])),
                    wijk_code=chance.choice(wijken), received_at=at(chance.randint(1, 12), chance.randint(1, 28)),
                    status=chance.choice(["received", "referred"]))
    rows, footer = export(2026, k)
    counted = classes(rows)
    assert counted and min(counted.values()) >= k
    assert footer["listed"] == len(rows) and footer["listed"] + footer["suppressed"] == total
    assert all(re.fullmatch(r"2026-Q[1-4]", row["received_quarter"]) for row in rows)
    blocks = [key for key, _ in _runs(rows)]
    assert len(blocks) == len(set(blocks))  # each class in one block


def test_the_download_uses_the_configured_threshold_and_says_what_it_left_out(app, client_as, make, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_SMALL_CELL_THRESHOLD", 3)
    reports(make, 3)
    reports(make, 2, category="vervuiling")
    text = client_as("manager").get("/statistics/2026/rows.csv").get_data(as_text=True)
    assert text.endswith("# suppressed_reports=2 listed_reports=3 k=3\n")


def _runs(rows: list[dict]):
    previous, size = None, 0
    for row in rows:
        key = tuple(row[column] for column in anonymous_exports.QUASI_IDENTIFIERS)
        if key != previous and previous is not None:
            yield previous, size
            size = 0
        previous, size = key, size + 1
    if previous is not None:
        yield previous, size
