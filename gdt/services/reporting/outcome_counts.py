"""The grouped counts behind "Werkt het?": interventions per type, closed cases per result, case durations per mode
and satisfaction answers per score, each one GROUP BY in the database, per Amsterdam year; the case figures from the
case tallies (gdt.services.reporting.case_tallies).

* An intervention counts in the year of its decision (`decided_on`), else of its proposal (`proposed_on`); a
  proposal withdrawn before any decision is not counted.
* A case counts in the year it closed (`closed_at`); merged cases are never closed, reopened ones are closed no more.
* A satisfaction answer counts in the year it was given (`answered_at`).

Recurrence after closing is gdt.services.reporting.recurrence. Destruction keeps every key read here
(docs/decisions/0023), so these figures stay the same when content is destroyed.
"""
from datetime import date

import sqlalchemy as sa

from gdt.db import db
from gdt.models.casework import CaseResult
from gdt.models.interventions import Intervention, InterventionType
from gdt.models.resident_contact import SatisfactionResponse
from gdt.services.reporting import case_tallies, durations
from gdt.services.reporting.durations import Duration
from gdt.services.reporting.periods import in_years, period_of
from workflows import CASE_MODES

UNDECIDED = "undecided"


def interventions_per_type(year: int) -> list[tuple[str, str, int]]:
    """(type code, type name, count) for every active type in ladder order, and inactive types used that year."""
    counted = sa.or_(Intervention.status != "withdrawn", Intervention.decided_on.is_not(None))
    day = sa.func.coalesce(Intervention.decided_on, Intervention.proposed_on)
    counts = dict(db.session.execute(
        sa.select(Intervention.type_id, sa.func.count())
        .where(counted, day >= date(year, 1, 1), day < date(year + 1, 1, 1))
        .group_by(Intervention.type_id)).all())
    types = db.session.execute(sa.select(InterventionType.id, InterventionType.code, InterventionType.name,
                                         InterventionType.active)
                               .order_by(InterventionType.position, InterventionType.name))
    return [(code, name, counts.get(id_, 0)) for id_, code, name, active in types if active or counts.get(id_)]


def closed_per_result(year: int) -> list[tuple[str, str, int]]:
    """(result key, label, count) for every active result in the admin's order, and any other result used."""
    counts = {result: count for _, result, count in case_tallies.grouped("result", [year], ("result",))}
    results = db.session.execute(sa.select(CaseResult.key, CaseResult.label, CaseResult.is_active)
                                 .order_by(CaseResult.position, CaseResult.label)).all()
    known = {key for key, _, _ in results}
    rows = [(key, label, counts.get(key, 0)) for key, label, active in results if active or counts.get(key)]
    return rows + [(key, key, count) for key, count in sorted(counts.items()) if key not in known]


def durations_per_mode(years: list[int]) -> dict[int, dict[str, Duration]]:
    """{year: {mode: Duration}} from opening to closing, for cases closed in each year; a mode without closed cases
    is left out (`undecided` for cases closed without a mode)."""
    result: dict[int, dict[str, Duration]] = {year: {} for year in years}
    for mode in (*CASE_MODES, None):
        for year, duration in durations.summarize(case_tallies.histogram("open_to_close", years, mode=mode)).items():
            if year in result:
                result[year][mode or UNDECIDED] = duration
    return result


def satisfaction_per_score(years: list[int]) -> dict[int, dict[int, int]]:
    """{year: {score: answers}} for the answers given in each year."""
    first, last = min(years), max(years)
    year = period_of(SatisfactionResponse.answered_at, first, last)
    result: dict[int, dict[int, int]] = {year: {} for year in years}
    for answered_in, score, count in db.session.execute(
            sa.select(year, SatisfactionResponse.score, sa.func.count())
            .where(in_years(SatisfactionResponse.answered_at, first, last))
            .group_by(year, SatisfactionResponse.score)):
        if answered_in in result:
            result[answered_in][score] = count
    return result
