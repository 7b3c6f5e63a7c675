"""What a search answers: groups of hits, best first, each with its context and the matched words marked.

The marked parts are plain text with a flag; the page escapes every part and wraps the matched ones in <mark>,
so user text is never trusted as markup."""
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

SNIPPET = 160  # characters of context around the first match
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Part:
    text: str
    matched: bool = False


@dataclass(frozen=True)
class Hit:
    kind: str  # "report", "case", "person", "address"
    key: str  # what the page opens it by: a reference, a person's id, an address
    title: tuple[Part, ...]
    matched_on: str  # which content matched (a label)
    snippet: tuple[Part, ...] = ()
    context: tuple[tuple[str, str], ...] = ()  # (label, value): category, status, date of birth
    when: datetime | date | None = None  # received, opened, registered
    when_label: str = ""
    address_parts: tuple[Part, ...] = ()  # the address (if any), marked where the search matched it
    score: float = 0.0
    count: int | None = None  # an address or a person only known (intake): how often, never where
    linked: bool = True  # False: the viewer may know that it exists, not open it


@dataclass
class SearchResults:
    terms: str
    kind: str
    reports: list[Hit] = field(default_factory=list)
    cases: list[Hit] = field(default_factory=list)
    people: list[Hit] = field(default_factory=list)
    addresses: list[Hit] = field(default_factory=list)

    @property
    def groups(self) -> list[tuple[str, list[Hit]]]:
        return [("reports", self.reports), ("cases", self.cases), ("people", self.people),
                ("addresses", self.addresses)]

    @property
    def total(self) -> int:
        return sum(len(hits) for _name, hits in self.groups)


def fold(text: str) -> str:
    """Lower case without accents, one character for one (so positions stay those of the original text)."""
    return "".join(map(_fold_char, text))


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
    return plain if len(plain) == 1 else char.lower()[:1] or char


@lru_cache(maxsize=16384)
def trigrams(word: str) -> frozenset[str]:
    padded = f"  {fold(word)} "
    return frozenset(padded[index:index + 3] for index in range(len(padded) - 2))


def similarity(query: str, word: str) -> float:
    """pg_trgm's idea, for one word: the share of the query's trigrams the word has too."""
    wanted = trigrams(query)
    return len(wanted & trigrams(word)) / len(wanted) if wanted else 0.0


@lru_cache(maxsize=16384)
def is_match(word: str, wanted: str) -> bool:
    """A word of the text answers a word of the query: the same start (a stemmed form), or nearly the same."""
    word, wanted = fold(word), fold(wanted)
    if len(wanted) < 3:
        return word == wanted
    stem = wanted[:max(3, len(wanted) - 2)]
    return word.startswith(stem) or wanted.startswith(word) and len(word) >= 4 or (
        len(word) >= 3 and similarity(wanted, word) >= 0.6)


def mark(text: str | None, words: tuple[str, ...], *, excerpt: bool = False) -> tuple[Part, ...]:
    """`text` in parts, the words answering `words` marked; `excerpt`: only the stretch around the first one."""
    if not text:
        return ()
    spans = [match.span() for match in _TOKEN.finditer(text) if any(is_match(match[0], want) for want in words)]
    if excerpt and len(text) > SNIPPET:
        first = spans[0][0] if spans else 0
        start = max(0, first - SNIPPET // 3)
        end = min(len(text), start + SNIPPET)
        spans = [(begin - start, stop - start) for begin, stop in spans if begin >= start and stop <= end]
        text = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
        shift = 1 if start else 0
        spans = [(begin + shift, stop + shift) for begin, stop in spans]
    parts, position = [], 0
    for begin, stop in spans:
        if begin > position:
            parts.append(Part(text[position:begin]))
        parts.append(Part(text[begin:stop], True))
        position = stop
    if position < len(text):
        parts.append(Part(text[position:]))
    return tuple(parts)
