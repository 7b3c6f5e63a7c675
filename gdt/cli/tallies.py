"""flask tallies: check, merge, rebuild the report and case tallies and the recurrence kept per case behind the
statistics, and bulk loads."""
import sys
from pathlib import Path

import click


@click.group()
def tallies() -> None:
    """The report and case tallies behind the statistics (PostgreSQL; SQLite counts the rows themselves)."""


@tallies.command("check")
def tallies_check() -> None:
    """Compare the tallies with a fresh count of every report and case, and the recurrence kept per case with a live
    computation; exit 1 on a difference."""
    from gdt.services.reporting import case_tallies, recurrence, report_tallies

    differences = [("reports", difference.period, difference) for difference in report_tallies.check()]
    differences += [("cases", difference.year, difference) for difference in case_tallies.check()]
    for table, period, difference in differences:
        click.echo(f"{table} {period} {difference.facet}: tallied {difference.tallied}, counted {difference.counted}")
    for difference in recurrence.check():
        differences.append(difference)
        click.echo(f"recurrence {difference.year}: kept {difference.kept}, computed {difference.counted}")
    if differences:
        click.echo(f"Error: {len(differences)} difference(s); `flask tallies rebuild` counts everything again",
                   err=True)
        sys.exit(1)
    click.echo(
        "The tallies match the reports. The case tallies match the cases. The recurrence kept matches."
        if report_tallies.uses_tallies()
        else "This database (SQLite) has no tallies: statistics count the reports and cases themselves."
    )


@tallies.command("compact")
def tallies_compact() -> None:
    """Merge the triggers' delta rows and compute the marked cases' recurrence now (the worker does this every five
    minutes)."""
    from gdt.services.reporting import report_tallies

    click.echo(f"Merged into {report_tallies.compact_now()} tally rows.")


@tallies.command("rebuild")
def tallies_rebuild() -> None:
    """Count every report and case again and compute every closed case's recurrence (after restoring a backup, or
    when `check` found a difference)."""
    from gdt.services.core.transaction import unit_of_work
    from gdt.services.reporting import case_tallies, recurrence, report_tallies

    with unit_of_work():
        reports, cases, closed = report_tallies.rebuild(), case_tallies.rebuild(), recurrence.rebuild()
    click.echo(f"Rebuilt: {reports} report tally rows, {cases} case tally rows, recurrence of {closed} closed cases.")


@tallies.command("load")
@click.argument("script", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def tallies_load(script: Path) -> None:
    """Run an SQL SCRIPT that loads history (INSERT … SELECT from staging tables) with the tally triggers paused,
    then count the tallies once. Writers of reports and cases wait until it commits; readers do not."""
    from gdt.services.core.errors import ServiceError
    from gdt.services.reporting import bulk_load

    try:
        summary = bulk_load.load_sql(script.read_text(encoding="utf-8"))
    except ServiceError as refused:
        click.echo(f"Error: {refused.message}", err=True)
        sys.exit(1)
    click.echo(f"Loaded in {summary.load_seconds:.1f} s; tallies counted again in {summary.rebuild_seconds:.1f} s "
               f"({summary.tally_rows} rows).")
