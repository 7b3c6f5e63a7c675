"""Finding a report, case, person or address from one search box, within the viewer's need-to-know.

`run_search(viewer, text)` is the one entry point (the page, the API, bench/search.py): it reads the terms
(gdt.services.search.terms), runs each group's queries with the viewer's access as SQL conditions
(gdt.services.search.groups) and records the search with its terms in the audit trail, the one place they belong
(never in a log). Managers, admins, archivists and the privacy officer do not search here: Forbidden.
"""
from dataclasses import replace

from flask_babel import lazy_gettext as _l

from gdt.models import User
from gdt.services.core import audit as audit_trail  # `audit` is run_search's switch
from gdt.services.core.errors import Forbidden
from gdt.services.search import groups
from gdt.services.search.results import Hit, Part, SearchResults
from gdt.services.search.terms import read

SEARCH_ROLES = ("intake", "coordinator", "partner")

__all__ = ["SEARCH_ROLES", "Hit", "Part", "SearchResults", "can_search", "run_search"]


def can_search(user: User | None) -> bool:
    return user is not None and user.role in SEARCH_ROLES


def run_search(viewer: User, text: str, *, per_group: int = 10, audit: bool = True) -> SearchResults:
    """The best `per_group` hits per group for `text`; ServiceError (field "q") when there is too little to search
    for, Forbidden for a role without search. `audit=False` only for measuring (bench/search.py)."""
    if not can_search(viewer):
        raise Forbidden(_l("Zoeken hoort niet bij uw rol."))
    terms = read(text)
    if terms.kind == "words":
        terms = replace(terms, partner_ids=groups.partner_ids(terms.text))
    scope = groups.Scope(viewer)
    results = SearchResults(terms.text, terms.kind,
                            reports=groups.reports(scope, terms, per_group),
                            cases=groups.cases(scope, terms, per_group),
                            people=groups.people(scope, terms, per_group),
                            addresses=groups.addresses(scope, terms, per_group))
    if audit:
        _record(viewer, terms.text, terms.kind, results)
    return results


def _record(viewer: User, text: str, kind: str, results: SearchResults) -> None:
    audit_trail.record_now(viewer, "search", "search", None, detail={
        "terms": text, "kind": kind, **{name: len(hits) for name, hits in results.groups}})

