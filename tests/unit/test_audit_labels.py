"""Every action and object type the code audits has a Dutch label on the privacy officer's audit trail, so the
officer never reads an internal key (found by reading the source: audit.record, record_now and audited_view)."""
import re
from pathlib import Path

from gdt.services.privacy.audit_search import ACTION_LABELS, OBJECT_TYPE_LABELS

SOURCE = Path(__file__).resolve().parents[2] / "gdt"
CALL = re.compile(r'audit\.record(?:_now)?\(\s*[\w.\[\]"]+,\s*f?"(\{verb\}_)?([a-z_]+)",\s*"([a-z_]+)"')
VERBS = ("create", "change", "delete")  # saved_lists: f"{verb}_saved_search"


def _audited() -> tuple[set[str], set[str]]:
    actions, types = set(), set()
    for path in SOURCE.rglob("*.py"):
        for verb, action, object_type in CALL.findall(path.read_text()):
            actions.update(f"{each}_{action}" for each in VERBS) if verb else actions.add(action)
            types.add(object_type)
    return actions, types


def test_every_audited_action_and_object_type_has_a_label():
    actions, types = _audited()
    assert len(actions) > 50 and len(types) > 20  # the pattern still finds the calls
    assert actions - ACTION_LABELS.keys() == set()
    assert types - OBJECT_TYPE_LABELS.keys() == set()
