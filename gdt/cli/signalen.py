"""`flask signalen …`: pull the team's signals from Signalen now, and show where the sync stands (README,
"Signalen")."""
import click
import sqlalchemy as sa

from gdt.db import db
from gdt.models.signalen import SignalenSignal, SignalenSync
from gdt.services.signalen import sync as signalen_sync
from gdt.services.signalen.mapping import ConfigurationError


@click.group("signalen")
def signalen() -> None:
    """The Signalen connector."""


@signalen.command("sync")
def sync() -> None:
    """Pull new signals once (as the worker does every SIGNALEN_SYNC_MINUTES); exit 1 when the run stopped early."""
    try:
        result = signalen_sync.sync()
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None
    click.echo(result.summary())
    for reason, count in sorted(result.reasons.items()):
        click.echo(f"  not importable ({reason}): {count}")
    if result.error:
        raise SystemExit(1)


@signalen.command("status")
def status() -> None:
    """The cursor, the last run, and the signals Signalen refused an update for or that could not be imported."""
    state = db.session.scalar(sa.select(SignalenSync).limit(1))
    click.echo(f"Cursor: {state.cursor.isoformat() if state and state.cursor else 'none'}")
    click.echo(f"Last run: {state.last_run_at.isoformat() if state and state.last_run_at else 'never'}"
               + (f" ({state.last_outcome})" if state and state.last_outcome else ""))
    imported = db.session.scalar(sa.select(sa.func.count()).where(SignalenSignal.report_id.is_not(None)))
    click.echo(f"Signals imported as reports: {imported}")
    for row in db.session.scalars(sa.select(SignalenSignal).where(sa.or_(
            SignalenSignal.not_imported.is_not(None), SignalenSignal.refusal.is_not(None)))
            .order_by(SignalenSignal.signal_id)):
        problem = f"not imported ({row.not_imported})" if row.not_imported else f"update refused: {row.refusal}"
        click.echo(f"  {row.id_display}: {problem}")
