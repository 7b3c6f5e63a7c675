"""The order of a list the user chose by a column: a whitelisted `sort` key from the query string, never SQL.

`sort=received` sorts on that column ascending, `sort=-received` descending. Each list names its keys and
what each orders by (`Orders`); a key it does not know falls back to the list's default, so a stale or
hand-edited link still shows the list. The order always ends with the id, so pages neither repeat nor skip.
"""
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sqlalchemy as sa

# A key's ordering: given the query and whether to sort descending, the query with its ORDER BY (and any join
# it needs).
Ordering = Callable[[sa.Select, bool], sa.Select]


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool = False

    @property
    def param(self) -> str:
        """The value of the `sort` argument that gives this order."""
        return f"-{self.key}" if self.descending else self.key

    def toggled(self, key: str) -> "Sort":
        """Where a click on the column `key` leads: the other direction when it is the current column,
        else that column ascending."""
        return Sort(key, not self.descending) if key == self.key else Sort(key)


@dataclass(frozen=True)
class Orders:
    """The keys one list can be sorted on, and its default."""

    orderings: Mapping[str, Ordering]
    default: Sort

    def parse(self, value) -> Sort:
        value = value.strip() if isinstance(value, str) else ""
        descending = value.startswith("-")
        key = value[1:] if descending else value
        return Sort(key, descending) if key in self.orderings else self.default

    def apply(self, query: sa.Select, sort: Sort) -> sa.Select:
        return self.orderings[sort.key](query, sort.descending)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.orderings)


def direction(column, descending: bool):
    return column.desc() if descending else column.asc()


def nulls_last(column, descending: bool) -> list:
    """`column` in the chosen direction with empty values last on both databases (SQLite puts NULL first)."""
    return [sa.case((column.is_(None), 1), else_=0), direction(column, descending)]
