"""`flask audit`: the audit trail's tamper evidence (README, "The audit trail"; decision 0024)."""
import contextlib
import json
import sys
from datetime import date, timedelta

import click

MAX_PRINTED_PROBLEMS = 200  # the rest is counted: a terminal full of one broken chain helps nobody
CHECKPOINT_MARK = "audit chain checkpoint "


@click.group("audit")
def audit() -> None:
    """The audit trail: verify its chains, log a day's checkpoint."""


def _day(_context, _parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date as YYYY-MM-DD") from None


@audit.command("verify")
@click.option("--from", "date_from", callback=_day, metavar="YYYY-MM-DD", help="First day (Amsterdam) to check.")
@click.option("--to", "date_to", callback=_day, metavar="YYYY-MM-DD", help="Last day (Amsterdam) to check.")
@click.option("--checkpoints", type=click.File("r"), metavar="FILE",
              help="Log lines holding `audit chain checkpoint` records: each is compared with the database too.")
def verify(date_from: date | None, date_to: date | None, checkpoints) -> None:
    """Recompute every link of the audit trail's chains; exit 1 on any change, removal or insertion."""
    from gdt.services.core import audit_verify

    if date_from and date_to and date_from > date_to:
        raise click.BadParameter("--from is after --to")
    result = audit_verify.check(date_from, date_to)
    problems = list(result.problems)
    for document in _checkpoints(checkpoints) if checkpoints else ():
        problems.extend(audit_verify.compare_checkpoint(document))
    for problem in problems[:MAX_PRINTED_PROBLEMS]:
        click.echo(f"{problem.kind}: {problem.location}: {problem.message}")
    if len(problems) > MAX_PRINTED_PROBLEMS:
        click.echo(f"… and {len(problems) - MAX_PRINTED_PROBLEMS} more problems.")
    if result.destroyed_chains:
        click.echo(f"{result.destroyed_chains} chains were destroyed by the audit retention (empty, as expected).")
    if result.unchained:
        click.echo(f"{result.unchained} events are not chained (older than the chain): written before GDT chained "
                   "its audit events, so not covered.")
    if problems:
        if any(problem.kind == "changed" for problem in problems):
            click.echo("If every event of a chain is reported changed, the key it was signed with may be missing: "
                       "add the former AUDIT_CHAIN_KEY (or SECRET_KEY) to AUDIT_CHAIN_KEY_FALLBACKS.", err=True)
        click.echo(f"Audit trail NOT intact: {len(problems)} problems in {result.events} events in {result.chains} "
                   "chains checked.", err=True)
        sys.exit(1)
    click.echo(f"Audit trail intact: {result.events} events in {result.chains} chains checked.")


@audit.command("checkpoint")
@click.option("--day", callback=_day, metavar="YYYY-MM-DD", help="The day (Amsterdam); default yesterday.")
def checkpoint(day: date | None) -> None:
    """Log (INFO) and print the heads of a day's chains, for a log store outside the database to keep."""
    from gdt.db import utcnow
    from gdt.services.core import audit_chain

    document = audit_chain.checkpoint(day or audit_chain.event_day(utcnow()) - timedelta(days=1))
    click.echo(CHECKPOINT_MARK + json.dumps(document, separators=(",", ":")))


def _checkpoints(lines) -> list[dict]:
    """The checkpoint documents in log lines: plain text lines, or JSON lines whose `message` holds one."""
    found = []
    for line in lines:
        text = line.strip()
        if text.startswith("{"):
            with contextlib.suppress(ValueError, AttributeError):
                text = str(json.loads(text).get("message", ""))
        if CHECKPOINT_MARK in text:
            try:
                found.append(json.loads(text.split(CHECKPOINT_MARK, 1)[1]))
            except ValueError:
                raise click.BadParameter(f"not a checkpoint: {text[:80]}") from None
    return found
