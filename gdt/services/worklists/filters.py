"""What a saved list keeps of its page's filter: only the keys and values that page's own parser accepts.

The report queue's filter (gdt.services.triage.report_lists) and the case list's (gdt.services.casework.case_list)
hold no personal data: a category, a channel, an age, a status, a mode, a coordinator's id, a partner's key, a
period. So they may travel in the list page's address; a search text never does (gdt.services.worklists.searches).
"""
from collections.abc import Mapping

from gdt.services.casework import case_list
from gdt.services.core import reference_data
from gdt.services.triage import report_lists

FILTERED_KINDS = ("reports", "cases")


def clean(kind: str, raw: Mapping[str, str]) -> dict[str, str]:
    """The filter of `raw` (request args or a stored dict) as its page reads it: unknown keys and values dropped."""
    if kind == "reports":
        return queue_filter(raw).as_args()
    if kind == "cases":
        return case_filter(raw).as_args()
    return {}


def queue_filter(raw: Mapping[str, str]) -> report_lists.QueueFilter:
    keys = [category.key for category in reference_data.all_categories()]
    return report_lists.parse_filter(_text_values(raw), category_keys=keys)


def case_filter(raw: Mapping[str, str]) -> case_list.CaseFilter:
    return case_list.parse(_text_values(raw),
                           coordinator_ids={user.id for user in case_list.coordinator_choices()},
                           partner_keys={partner.key for partner in case_list.partner_choices()},
                           category_keys={category.key for category in reference_data.all_categories()})


def _text_values(raw: Mapping) -> dict[str, str]:
    """Only text values: a stored dict or a form could hold anything, the parsers read text."""
    return {str(key): value for key, value in raw.items() if isinstance(value, str)}
