"""Need-to-know for people: only coordinators open a person, and of a person's links only those whose case or
report the viewer may open themselves (gdt.services.core.access); the rest is a count. Partners never see a
person's other cases, not even how many there are."""
from dataclasses import dataclass

from gdt.models import PersonLink, User
from gdt.services.core import access


def can_view_people(user: User | None) -> bool:
    return user is not None and user.role == "coordinator"


def may_open(user: User, link: PersonLink) -> bool:
    """The same rule as opening the case or the report itself."""
    if link.case is not None:
        return access.can_view_case(user, link.case)
    return link.report is not None and access.can_view_report(user, link.report)


@dataclass(frozen=True)
class VisibleLinks:
    shown: list[PersonLink]
    hidden: int  # links to cases or reports the viewer may not open: only counted


def split_links(user: User, links: list[PersonLink]) -> VisibleLinks:
    if not can_view_people(user):
        return VisibleLinks([], 0)
    shown = [link for link in links if may_open(user, link)]
    return VisibleLinks(shown, len(links) - len(shown))
