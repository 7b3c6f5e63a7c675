"""`flask resident …`: the resident's link to "Mijn melding" for an operator (README, "Mijn melding").

`link` prints a fresh link: a key to the resident's page and logbook, for the demo or a test installation. Never
read one out on the phone or mail it by hand: whoever has it reads and writes the resident's logbook, and a caller
who knows a kenmerk is not thereby the resident; every mail to the resident carries a fresh link already. `revoke`
makes every link to a report made so far stop working (a mail that went to the wrong person). Both are audited.
"""
import click

from gdt.services.core import resident_links
from gdt.services.core.errors import ServiceError
from gdt.services.core.transaction import unit_of_work


@click.group("resident")
def resident() -> None:
    """The resident's own link to their report (Mijn melding)."""


@resident.command("link")
@click.argument("reference")
def link(reference: str) -> None:
    """Print a fresh link to the page of report REFERENCE (valid RESIDENT_LINK_DAYS days; audited)."""
    try:
        with unit_of_work():
            url = resident_links.support_link(reference, actor=None, via="cli")
    except ServiceError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(url)


@resident.command("revoke")
@click.argument("reference")
def revoke(reference: str) -> None:
    """Make every link to report REFERENCE made so far stop working (audited); new mails carry a new one."""
    try:
        with unit_of_work():
            resident_links.revoke(reference, actor=None, via="cli")
    except ServiceError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Every earlier link to {reference} is revoked.")
