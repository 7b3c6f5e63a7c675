"""full-text and trigram search indexes kept by the write path

PostgreSQL: the extensions unaccent and pg_trgm (contrib), a Dutch text search configuration without accents
(gdt_dutch), an IMMUTABLE folding function for trigram indexes, and the expression indexes of reports, journal
notes and case parties. SQLite: FTS5 tables with their triggers, filled from the rows already there.
The indexes on people come with the people tables (a later revision); see gdt/models/search.py.

Revision ID: a41f0c2d9e11
Revises: 3c1f5e8a9b27
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a41f0c2d9e11'
down_revision = '3c1f5e8a9b27'
branch_labels = None
depends_on = None

# The SQL of gdt/models/search.py as of this revision (a migration keeps its own copy).
REPORT_TEXT = ("to_tsvector('gdt_dutch'::regconfig, coalesce(description, '') || ' ' || "
               "coalesce(description_corrected, ''))")
POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'gdt_dutch') THEN
            CREATE TEXT SEARCH CONFIGURATION gdt_dutch (COPY = pg_catalog.dutch);
            ALTER TEXT SEARCH CONFIGURATION gdt_dutch
                ALTER MAPPING FOR hword, hword_part, word WITH unaccent, dutch_stem;
        END IF;
    END $$""",
    """CREATE OR REPLACE FUNCTION gdt_search_fold(value text) RETURNS text
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
        AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$""",
    f"CREATE INDEX IF NOT EXISTS ix_search_reports_text ON reports USING gin (({REPORT_TEXT}))",
    "CREATE INDEX IF NOT EXISTS ix_search_reports_street ON reports USING gin (gdt_search_fold(street) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_search_reports_reporter ON reports USING gin "
    "(gdt_search_fold(reporter_name) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_search_reports_email ON reports (lower(reporter_email))",
    "CREATE INDEX IF NOT EXISTS ix_search_reports_phone ON reports (reporter_phone)",
    "CREATE INDEX IF NOT EXISTS ix_search_case_notes_text ON case_notes USING gin "
    "((to_tsvector('gdt_dutch'::regconfig, body)))",
    "CREATE INDEX IF NOT EXISTS ix_search_case_parties_name ON case_parties USING gin "
    "(gdt_search_fold(name) gin_trgm_ops)",
]
POSTGRESQL_DOWN = [
    *(f"DROP INDEX IF EXISTS ix_search_{name}" for name in (
        "reports_text", "reports_street", "reports_reporter", "reports_email", "reports_phone", "case_notes_text",
        "case_parties_name")),
    "DROP FUNCTION IF EXISTS gdt_search_fold(text)",
    "DROP TEXT SEARCH CONFIGURATION IF EXISTS gdt_dutch",
    # The extensions stay: other databases objects may use them, and they hold no data.
]

WORDS = "unicode61 remove_diacritics 2"
SQLITE_INDEXES = [  # (FTS table, tokenizer, source table, indexed expression over `new`, condition on `new`)
    ("search_report_text", WORDS, "reports",
     "coalesce(new.description, '') || ' ' || coalesce(new.description_corrected, '')", "new.destroyed_at IS NULL"),
    ("search_report_names", "trigram", "reports",
     "coalesce(new.street, '') || ' | ' || coalesce(new.reporter_name, '')", "new.destroyed_at IS NULL"),
    ("search_note_text", WORDS, "case_notes", "new.body", "1"),
]


def _sqlite_up():
    for fts, tokenizer, table, expression, condition in SQLITE_INDEXES:
        insert = f"INSERT INTO {fts} (rowid, body) SELECT new.id, {expression} WHERE {condition};"
        yield f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(body, tokenize = '{tokenizer}')"
        yield f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END"
        yield (f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE ON {table} BEGIN "
               f"DELETE FROM {fts} WHERE rowid = old.id; {insert} END")
        yield (f"CREATE TRIGGER IF NOT EXISTS {fts}_delete AFTER DELETE ON {table} BEGIN "
               f"DELETE FROM {fts} WHERE rowid = old.id; END")
        existing, held = expression.replace("new.", ""), condition.replace("new.", "")
        yield f"INSERT INTO {fts} (rowid, body) SELECT id, {existing} FROM {table} WHERE {held}"


def _sqlite_down():
    for fts, *_rest in SQLITE_INDEXES:
        for event in ("insert", "update", "delete"):
            yield f"DROP TRIGGER IF EXISTS {fts}_{event}"
        yield f"DROP TABLE IF EXISTS {fts}"


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_UP if dialect == 'postgresql' else _sqlite_up() if dialect == 'sqlite' else ():
        op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_DOWN if dialect == 'postgresql' else _sqlite_down() if dialect == 'sqlite' else ():
        op.execute(statement)
