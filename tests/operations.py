"""Helpers for the health and metrics tests: a test database that counts as migrated, and a /metrics scraper."""
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from gdt.services.operations import health


def stamp_head(app, db, revisions=None) -> None:
    """What `flask db upgrade` leaves behind, in the test's transaction: alembic_version at the scripts' head
    (or at `revisions`). The tests build their schema with create_all, which has no alembic_version."""
    revisions = health.script_heads(app.extensions["migrate"].directory) if revisions is None else revisions
    db.session.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    for revision in revisions:
        db.session.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:revision)"),
                           {"revision": revision})
    db.session.commit()


def samples(text: str) -> dict[tuple, float]:
    """Every sample of a Prometheus text page: (name, (label, value) pairs sorted) -> value."""
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def exported_names(text: str) -> set[str]:
    """Every series name the page's families can have, whether or not they hold a sample yet."""
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",),
                "summary": ("", "_count", "_sum")}
    names = set()
    for family in text_string_to_metric_families(text):
        names |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
        names |= {sample.name for sample in family.samples}
    return names
