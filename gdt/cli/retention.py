"""`flask retention …`: destruction lists from the command line (README, "Destruction lists").

LIST is a list's id or its reference (VL-2026-0001). Refusals print one line and exit non-zero.
"""
import sys
from datetime import date, datetime
from pathlib import Path

import click
import sqlalchemy as sa

from gdt.db import AMSTERDAM, db
from gdt.models import User
from gdt.models.retention import LIST_KINDS
from gdt.services.core.errors import ServiceError
from gdt.services.core.working_days import today
from gdt.services.retention import destruction


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _day(value: str | None) -> date:
    if value is None:
        return today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"--as-of must be a date as YYYY-MM-DD, not {value!r}")


def _list(key: str):
    try:
        return destruction.find_list(key)
    except ServiceError as error:
        _fail(f"{key}: {error.message}")


def _user(email: str) -> User:
    user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
    if user is None:
        _fail(f"no user with e-mail address {email}")
    return user


def _moment(value: datetime | None) -> str:
    return value.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M") if value else "-"


@click.group("retention")
def retention() -> None:
    """Destruction lists: propose, review, approve and execute them; the nightly anonymisation (README,
    "Destruction lists")."""


@retention.command("propose")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="What is past its date on this day (default today).")
@click.option("--kind", type=click.Choice(LIST_KINDS), default="records", show_default=True,
              help="records: cases and reports; audit: whole days of the audit trail.")
def propose(as_of: str | None, kind: str) -> None:
    """Put what is past its date on a destruction list (the open proposed list of that kind, or a new one)."""
    lst = destruction.propose(_day(as_of), kind=kind)
    if lst is None:
        click.echo("Nothing new is due for destruction.")
        return
    found = destruction.counts([lst])[lst.id]
    click.echo(f"{lst.reference}: {found['items']} item(s) proposed, as of {lst.as_of.isoformat()}.")


@retention.command("list")
def list_command() -> None:
    """Every destruction list with its status and counts."""
    lists = db.session.scalars(destruction.list_lists()).all()
    if not lists:
        click.echo("No destruction lists yet.")
        return
    found = destruction.counts(lists)
    click.echo(f"{'list':<14} {'kind':<8} {'status':<9} {'as of':<10} {'items':>7} {'excluded':>8} "
               f"{'destroyed':>9}  executed")
    for lst in lists:
        row = found[lst.id]
        click.echo(f"{lst.reference:<14} {lst.kind:<8} {lst.status:<9} {lst.as_of.isoformat():<10} "
                   f"{row['items']:>7} {row['excluded']:>8} {row['destroyed']:>9}  {_moment(lst.executed_at)}")


@retention.command("show")
@click.argument("list_key", metavar="LIST")
def show(list_key: str) -> None:
    """A list's items: reference, type, dates, result; those taken off with their reason."""
    lst = _list(list_key)
    row = destruction.counts([lst])[lst.id]
    click.echo(f"{lst.reference} ({lst.kind}), {lst.status}, as of {lst.as_of.isoformat()}")
    proposer = lst.proposed_by.email if lst.proposed_by else "the nightly run"
    click.echo(f"Proposed {_moment(lst.proposed_at)} by {proposer}; approved {_moment(lst.approved_at)}"
               f"{' by ' + lst.approved_by.email if lst.approved_by else ''}; executed {_moment(lst.executed_at)}")
    click.echo(f"{row['items']} item(s): {row['excluded']} taken off, {row['destroyed']} destroyed, "
               f"{row['open']} to do.")
    for item in db.session.scalars(destruction.items_of(lst)):
        state = "destroyed" if item.destroyed_at else ("taken off" if item.excluded_at else "on the list")
        line = (f"{item.reference:<22} {item.object_type:<9} due {item.due_on.isoformat()}  "
                f"{item.result or item.outcome or '-':<20} {state}")
        if item.excluded_at:
            line += f": {item.exclusion_reason}"
        click.echo(line)


@retention.command("exclude")
@click.argument("list_key", metavar="LIST")
@click.argument("reference")
@click.option("--reason", required=True, help="Why this is not destroyed now (kept on the list).")
@click.option("--by", "by", required=True, metavar="EMAIL", help="The archivist taking it off.")
def exclude(list_key: str, reference: str, reason: str, by: str) -> None:
    """Take a case, report or audit day (by its reference) off a proposed list."""
    lst = _list(list_key)
    actor = _user(by)
    if actor.role != "archivist" or not actor.is_active:
        _fail(f"{by} is not an active archivist")
    try:
        item = destruction.exclude(destruction.find_item(lst, reference), reason=reason, actor=actor)
    except ServiceError as error:
        _fail(str(error.message))
    click.echo(f"{item.reference} taken off {lst.reference}.")


@retention.command("approve")
@click.argument("list_key", metavar="LIST")
@click.option("--by", "by", required=True, metavar="EMAIL", help="The approving archivist.")
def approve(list_key: str, by: str) -> None:
    """Approve a proposed list; its execution starts (a worker, or `retention execute`)."""
    lst = _list(list_key)
    try:
        destruction.approve(lst, actor=_user(by))
    except ServiceError as error:
        _fail(str(error.message))
    lst = destruction.find_list(lst.id)
    click.echo(f"{lst.reference} approved by {by}; status now {lst.status}.")


@retention.command("execute")
@click.argument("list_key", metavar="LIST")
def execute(list_key: str) -> None:
    """Execute an approved list in the foreground; safe to run again, it resumes where a stopped run left off."""
    lst = _list(list_key)

    def progress(done: int) -> None:
        if done % 500 == 0:
            click.echo(f"… {done} item(s) done", err=True)

    try:
        result = destruction.execute(lst, progress=progress)
    except ServiceError as error:
        _fail(str(error.message))
    click.echo(f"{lst.reference}: {result.destroyed} destroyed, {len(result.taken_off)} taken off "
               f"(no longer due), {result.files} file(s) deleted; "
               f"{'executed' if result.finished else 'not finished'}.")
    for reference in result.taken_off:
        click.echo(f"  taken off: {reference}")


@retention.command("anonymise")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The day to anonymise for (default today).")
def anonymise(as_of: str | None) -> None:
    """Remove reporters' contact details and files past their own retention."""
    from gdt.services.retention import anonymisation
    done = anonymisation.run(today=_day(as_of))
    click.echo(", ".join(f"{what}: {count}" for what, count in done.items()) or "Nothing to anonymise.")


@retention.command("statement")
@click.argument("list_key", metavar="LIST")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF.")
def statement(list_key: str, output: Path) -> None:
    """Write the destruction statement (verklaring van vernietiging) of a list as PDF."""
    from gdt.services.retention import statement_pdf
    lst = _list(list_key)
    output.write_bytes(statement_pdf.render(lst))
    click.echo(f"{lst.reference}: statement written to {output}.")
