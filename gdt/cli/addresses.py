"""`flask addresses …`: the address service's data on stored reports (README, "Map")."""
import click

from gdt.services.geo import locating


@click.group("addresses")
def addresses() -> None:
    """Addresses of stored reports."""


@addresses.command("locate")
@click.option("--batch-size", type=click.IntRange(1, 5000), default=locating.BATCH_SIZE, show_default=True,
              help="Reports asked of the address service per transaction.")
@click.option("--limit", type=click.IntRange(1), help="Stop after this many reports (default: all).")
def locate(batch_size: int, limit: int | None) -> None:
    """Give reports without coordinates the coordinates of their address (for the map).

    Asks the address service (ADDRESS_SERVICE_URL) per report; each batch is committed on its own, so the command
    can be stopped and run again: it goes on with the reports still without coordinates. Exits non-zero when the
    service stopped answering (what was located so far is kept).
    """
    result = locating.locate_missing(
        batch_size=batch_size, limit=limit,
        progress=lambda so_far: click.echo(f"… {so_far.located} located, {so_far.not_found} not found", err=True))
    click.echo(f"Located: {result.located}. Not found at the address service (left without coordinates): "
               f"{result.not_found}.")
    if result.unavailable:
        click.echo("Error: the address service did not answer; run the command again later to go on.", err=True)
        raise SystemExit(1)
