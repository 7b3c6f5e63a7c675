"""An imported year and `flask stats YEAR --format json` agree to the count and the percent."""
import csv
import json

from gdt.services.intake.historic_import import COLUMNS


def rows_2025() -> list[dict]:
    """50 resident reports (40 app, 6 webform, 4 phone; 44 referred, 4 escalated, 2 untriaged) and
    3 partner registrations, plus neighbours just outside the year that must not count."""
    rows = []

    def add(n: int, channel: str, outcome: str = "", partner: str = "", mode: str = "",
            received_at: str = "2025-06-15 10:00") -> None:
        for _ in range(n):
            rows.append({"reference": f"STAT-{len(rows) + 1:03d}", "received_at": received_at, "channel": channel,
                         "category": "geluidsoverlast", "postcode": "5611AB", "house_number": "1",
                         "triage_outcome": outcome, "referred_to": partner, "gdt_mode": mode})

    add(29, "app", "referred", "ruimtelijk-domein")
    add(1, "app", "referred", "ruimtelijk-domein", received_at="2025-01-01 00:30")  # 2024-12-31 23:30 UTC
    add(6, "app", "referred", "politie")
    add(1, "app", "escalated", mode="advice")
    add(1, "app", "escalated", mode="regie")
    add(2, "app")
    add(6, "webform", "referred", "ggz")
    add(2, "phone", "referred", "politie")
    add(1, "phone", "escalated", mode="advice")
    add(1, "phone", "escalated", mode="advice")
    add(2, "partner", "escalated", mode="advice")
    add(1, "partner", "escalated", mode="regie")
    add(3, "app", "referred", "ruimtelijk-domein", received_at="2026-01-01 00:30")  # 2025-12-31 23:30 UTC, but 2026
    add(2, "webform", "referred", "ruimtelijk-domein", received_at="2024-12-31 23:59")
    return rows


def items(group: list[dict]) -> list[tuple]:
    """(key, count, percent) of the non-empty items, in the document's order."""
    return [(entry["key"], entry["count"], entry["percent"]) for entry in group if entry["count"]]


def test_imported_year_gives_exactly_the_file_counts_and_percentages(tmp_path, runner, db):
    path = tmp_path / "jaar-2025.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=COLUMNS, delimiter=";", restval="")
        writer.writeheader()
        writer.writerows(rows_2025())
    assert runner.invoke(args=["import-reports", str(path)]).exit_code == 0

    result = runner.invoke(args=["stats", "2025", "--format", "json"])

    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["year"] == 2025
    assert document["reports"]["total"] == 50
    assert items(document["reports"]["by_channel"]) == [
        ("app", 40, 80.0), ("webform", 6, 12.0), ("phone", 4, 8.0)]
    triage = document["triage"]
    assert (triage["triaged"], triage["open"]) == (48, 2)
    assert items(triage["by_outcome"]) == [("referred", 44, 91.7), ("escalated", 4, 8.3)]
    assert items(triage["referred_to"]) == [
        ("ruimtelijk-domein", 30, 68.2), ("politie", 8, 18.2), ("ggz", 6, 13.6)]
    from_reports = document["gdt"]["from_reports"]
    assert from_reports["total"] == 4
    assert items(from_reports["by_mode"]) == [("advice", 3, 75.0), ("regie", 1, 25.0)]
    all_cases = document["gdt"]["all_cases"]
    assert all_cases["total"] == 7
    assert items(all_cases["by_source"]) == [("report", 4, 57.1), ("partner", 3, 42.9)]
    assert items(all_cases["by_mode"]) == [("advice", 5, 71.4), ("regie", 2, 28.6)]
    assert all(entry["label"] for entry in document["reports"]["by_channel"] + triage["referred_to"])
