"""The search indexes (gdt.services.search), kept by the database itself on every write, so never stale.

PostgreSQL: expression indexes on the tables themselves. Words (descriptions, journal notes) through a Dutch text
search configuration that also drops accents (`gdt_dutch`: unaccent, then the Dutch stemmer); names and streets
through trigrams (`pg_trgm`, GIN) on the folded text (`gdt_search_fold`: lower case, no accents), which also finds
misspellings; e-mail addresses by their lower case (btree); phone numbers as stored (compact, see
gdt.validation.normalise_phone), references and addresses by the tables' own btree indexes.

SQLite (development): FTS5 tables, one per indexed text, their rowid the row's id, written by triggers:
`unicode61` with accents removed for words, `trigram` for a report's street and reporter (substrings; misspellings
only as far as shared trigrams go, see gdt.services.search.matching). A destroyed report loses its FTS rows.

`db.create_all()` gets all of this through the `after_create` hooks below; the migration a41f0c2d9e11 runs the
same statements. Alembic's comparison skips them (migrations/env.py: names starting with `search_`/`ix_search_`).
"""
import sqlalchemy as sa

from gdt.models.cases import CaseNote
from gdt.models.casework import CaseParty
from gdt.models.people import Person
from gdt.models.reports import Report

CONFIGURATION = "gdt_dutch"

# The expressions the indexes are built on; queries must use exactly these to be answered from an index.
REPORT_TEXT = ("to_tsvector('gdt_dutch'::regconfig, coalesce(reports.description, '') || ' ' || "
               "coalesce(reports.description_corrected, ''))")
NOTE_TEXT = "to_tsvector('gdt_dutch'::regconfig, case_notes.body)"


def folded(column: str) -> str:
    return f"gdt_search_fold({column})"


POSTGRESQL_FUNCTIONS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public",
    f"""DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIGURATION}') THEN
            CREATE TEXT SEARCH CONFIGURATION {CONFIGURATION} (COPY = pg_catalog.dutch);
            ALTER TEXT SEARCH CONFIGURATION {CONFIGURATION}
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, dutch_stem;
        END IF;
    END $$""",
    # unaccent() is only STABLE (its dictionary could change): an index needs an IMMUTABLE wrapper that names
    # the dictionary itself, schema and all, because pg_restore builds the indexes with an empty search_path.
    """CREATE OR REPLACE FUNCTION gdt_search_fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$""",
]

POSTGRESQL_INDEXES = {
    "reports": [
        f"CREATE INDEX IF NOT EXISTS ix_search_reports_text ON reports USING gin "
        f"(({REPORT_TEXT.replace('reports.', '')}))",
        "CREATE INDEX IF NOT EXISTS ix_search_reports_street ON reports USING gin "
        "(gdt_search_fold(street) gin_trgm_ops)",
        "CREATE INDEX IF NOT EXISTS ix_search_reports_reporter ON reports USING gin "
        "(gdt_search_fold(reporter_name) gin_trgm_ops)",
        "CREATE INDEX IF NOT EXISTS ix_search_reports_email ON reports (lower(reporter_email))",
        "CREATE INDEX IF NOT EXISTS ix_search_reports_phone ON reports (reporter_phone)",
    ],
    "case_notes": [f"CREATE INDEX IF NOT EXISTS ix_search_case_notes_text ON case_notes USING gin "
                   f"(({NOTE_TEXT.replace('case_notes.', '')}))"],
    "case_parties": ["CREATE INDEX IF NOT EXISTS ix_search_case_parties_name ON case_parties USING gin "
                     "(gdt_search_fold(name) gin_trgm_ops)"],
    "people": ["CREATE INDEX IF NOT EXISTS ix_search_people_name ON people USING gin "
               "(gdt_search_fold(name) gin_trgm_ops)"],
}

POSTGRESQL_DROP = [
    *(f"DROP INDEX IF EXISTS {statement.split()[5]}" for statements in POSTGRESQL_INDEXES.values()
      for statement in statements),
    "DROP FUNCTION IF EXISTS gdt_search_fold(text)",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIGURATION}",
]

# SQLite: (FTS table, tokenizer, source table, indexed expression over `new`, condition on `new`). Only tables
# that later migrations never rebuild (a batch rebuild on SQLite drops a table's triggers): case parties and people
# are matched there by LIKE on their trigrams instead (gdt.services.search.matching), fine at a single office's size.
WORDS = "unicode61 remove_diacritics 2"
SQLITE_INDEXES = [
    ("search_report_text", WORDS, "reports",
     "coalesce(new.description, '') || ' ' || coalesce(new.description_corrected, '')", "new.destroyed_at IS NULL"),
    ("search_report_names", "trigram", "reports",
     "coalesce(new.street, '') || ' | ' || coalesce(new.reporter_name, '')", "new.destroyed_at IS NULL"),
    ("search_note_text", WORDS, "case_notes", "new.body", "1"),
]


def sqlite_ddl(source_table: str) -> list[str]:
    statements = []
    for fts, tokenizer, table, expression, condition in SQLITE_INDEXES:
        if table != source_table:
            continue
        insert = f"INSERT INTO {fts} (rowid, body) SELECT new.id, {expression} WHERE {condition};"
        statements += [
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(body, tokenize = '{tokenizer}')",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; {insert} END",
            f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "
            f"DELETE FROM {fts} WHERE rowid = old.id; END",
        ]
    return statements


def sqlite_drop(source_table: str | None = None) -> list[str]:
    return [statement for fts, _tokenizer, table, *_ in SQLITE_INDEXES if source_table in (None, table)
            for statement in (*(f"DROP TRIGGER IF EXISTS {fts}_{event}" for event in ("insert", "update", "delete")),
                              f"DROP TABLE IF EXISTS {fts}")]


def ddl(dialect: str, table: str) -> list[str]:
    """The statements that index `table` on this dialect (the migration runs them too)."""
    if dialect == "postgresql":
        return [*POSTGRESQL_FUNCTIONS, *POSTGRESQL_INDEXES.get(table, [])]
    if dialect == "sqlite":
        return sqlite_ddl(table)
    return []


def _indexed(model) -> None:
    @sa.event.listens_for(model.__table__, "after_create")
    def _create(table, connection, **_kw) -> None:
        for statement in ddl(connection.dialect.name, table.name):
            connection.execute(sa.text(statement))

    @sa.event.listens_for(model.__table__, "before_drop")
    def _drop(table, connection, **_kw) -> None:
        if connection.dialect.name == "sqlite":  # FTS tables go with their source table (drop_all, create_all)
            for statement in sqlite_drop(table.name):
                connection.execute(sa.text(statement))


for _model in (Report, CaseNote, CaseParty, Person):
    _indexed(_model)
