"""The bridge to the search (gdt.services.search.run_search): a saved search is run only when it is opened, by its
owner or a colleague, under their own need-to-know, and audited by the search as any search is."""
from gdt.models import User
from gdt.services import search


def run(viewer: User, text: str) -> search.SearchResults:
    """The search's results for `viewer`; ServiceError when the text is too little to search for."""
    return search.run_search(viewer, text)
