"""What the report and case tallies share: whether this database keeps them, the lock that takes turns, and the
statements that merge, rebuild and check a tally table."""
from gdt.db import db

COMPACTION_LOCK = 0x6764_7461  # pg_advisory_xact_lock key: one compaction or rebuild (of either kind) at a time


def uses_tallies() -> bool:
    """PostgreSQL keeps tallies by triggers; SQLite (development, one office) counts the rows themselves."""
    return db.session.get_bind().dialect.name == "postgresql"


def maintenance_sql(table: str, keys: str, scope: str, counted: str) -> tuple[str, str, str]:
    """The compaction, rebuild and check statements of one tally table.

    `keys` lists the table's key columns, `scope` the one a compaction merges by (with the facet), `counted` a
    query giving one row of keys per counted row of the source table. Compaction merges every scope and facet with
    new deltas into one row per key; the check lists every key whose tallied count differs from a fresh count."""
    compact = f"""
WITH pending AS (SELECT DISTINCT {scope}, facet FROM {table} WHERE NOT compacted),
     moved AS (DELETE FROM {table} AS t USING pending AS p
               WHERE t.{scope} = p.{scope} AND t.facet = p.facet RETURNING t.*)
INSERT INTO {table} ({keys}, count, compacted)
SELECT {keys}, sum(count), true FROM moved GROUP BY {keys} HAVING sum(count) <> 0
"""
    rebuild = f"""
INSERT INTO {table} ({keys}, count, compacted)
SELECT {keys}, count(*), true FROM ({counted}) AS keys GROUP BY {keys}
"""
    differences = f"""
SELECT coalesce(t.{scope}, c.{scope}) AS {scope}, coalesce(t.facet, c.facet) AS facet,
       coalesce(t.count, 0) AS tallied, coalesce(c.count, 0) AS counted
FROM (SELECT {keys}, sum(count) AS count FROM {table} GROUP BY {keys} HAVING sum(count) <> 0) AS t
FULL JOIN (SELECT {keys}, count(*) AS count FROM ({counted}) AS keys GROUP BY {keys}) AS c
    USING ({keys})
WHERE t.count IS DISTINCT FROM c.count
ORDER BY 1, 2
"""
    return compact, rebuild, differences
