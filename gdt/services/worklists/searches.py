"""The bridge to the search (gdt.services.search.run_search): a saved search is run only when it is opened,
by its owner or a colleague, under their own need-to-know, and audited by the search as any search is.

Until the search exists, a saved search is kept but says that searching is not available yet.
"""
from gdt.models import User
from gdt.services import search


def available() -> bool:
    return callable(getattr(search, "run_search", None))


def run(viewer: User, text: str):
    """The search's results for `viewer` (its SearchResults), or None while there is no search."""
    return search.run_search(viewer, text) if available() else None
