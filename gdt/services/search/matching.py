"""The text conditions of a search, per database: each answered from an index (gdt.models.search).

`words(source, terms)` finds descriptions or notes by their words; `names(source, column, text)` finds names and
streets by trigrams, misspellings included. Each returns (condition, score): the score is a SQL expression on
PostgreSQL (text rank, word similarity) and for SQLite's words (bm25); None for SQLite's names, which the caller
scores in Python (gdt.services.search.results.similarity), leaving those that are not alike.
"""
import sqlalchemy as sa

from gdt.db import db
from gdt.models import search as indexes
from gdt.services.search.results import fold

TEXT = {"report": indexes.REPORT_TEXT, "note": indexes.NOTE_TEXT}
SQLITE_TEXT = {"report": "search_report_text", "note": "search_note_text"}
SQLITE_NAMES = {"report": "search_report_names"}  # others: LIKE on each trigram (gdt.models.search)
CANDIDATES = 200  # SQLite: the best rows by FTS rank that are scored in Python


def postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def words(source: str, id_column, text: str):
    if postgresql():
        vector = sa.literal_column(TEXT[source])
        query = sa.func.plainto_tsquery(sa.literal_column(f"'{indexes.CONFIGURATION}'::regconfig"), text)
        return vector.bool_op("@@")(query), sa.func.ts_rank(vector, query)
    expression = " AND ".join(f'"{word}"*' for word in _fts_words(text))
    table = SQLITE_TEXT[source]
    matching = sa.literal_column(table).op("MATCH")(expression)
    rowid = sa.literal_column(f"{table}.rowid")
    # FTS5's bm25 is lower for a better match; per row, as a correlated subquery on the row's id.
    rank = (sa.select(-sa.func.bm25(sa.literal_column(table))).select_from(sa.table(table))
            .where(matching, rowid == id_column).scalar_subquery())
    return id_column.in_(sa.select(rowid).select_from(sa.table(table)).where(matching)), rank


def names(source: str, id_column, column, text: str):
    if postgresql():
        wanted = sa.func.gdt_search_fold(text)
        folded = sa.func.gdt_search_fold(column)
        return folded.op("%>")(wanted), sa.func.word_similarity(wanted, folded)
    grams = sorted({fold(word)[index:index + 3] for word in _fts_words(text) for index in range(len(word) - 2)})
    if not grams:
        return column.ilike(f"%{_escape_like(text)}%", escape="\\"), None
    if source not in SQLITE_NAMES:
        return sa.or_(*(column.ilike(f"%{_escape_like(gram)}%", escape="\\") for gram in grams)), None
    table = SQLITE_NAMES[source]
    expression = " OR ".join(f'"{gram}"' for gram in grams)
    candidates = (sa.select(sa.literal_column("rowid")).select_from(sa.table(table))
                  .where(sa.literal_column(table).op("MATCH")(expression))
                  .order_by(sa.literal_column("rank")).limit(CANDIDATES))
    return id_column.in_(candidates), None


def _fts_words(text: str) -> list[str]:
    return [word.replace('"', '""') for word in text.split() if word.strip('"')]


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
