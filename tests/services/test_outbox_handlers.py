"""Every topic a service queues has its handler, found through the feature packages wherever messages are handled."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "gdt" / "services"
TOPIC_CONSTANT = re.compile(r'^(\w*TOPIC)\s*=\s*"([^"]+)"', re.MULTILINE)
ENQUEUE = re.compile(r"outbox\.enqueue\(\s*([\w.]+)")


def topics() -> dict[str, str]:
    """{topic: module path} of every *TOPIC constant in the services, read from the source."""
    found = {}
    for path in sorted(SERVICES.rglob("*.py")):
        for _, topic in TOPIC_CONSTANT.findall(path.read_text(encoding="utf-8")):
            found[topic] = str(path.relative_to(ROOT))
    return found


def registered_in_fresh_process(script: str) -> set[str]:
    """The topics with a handler, as a new interpreter sees them after running `script`."""
    code = script + "\nfrom gdt.services.core import outbox\nprint('\\n'.join(sorted(outbox.registered_topics())))\n"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(result.stdout.split())


def test_every_enqueue_names_a_topic_constant_so_the_list_below_is_complete():
    calls = [(path, argument) for path in SERVICES.rglob("*.py")
             for argument in ENQUEUE.findall(path.read_text(encoding="utf-8"))]
    assert calls
    assert all(argument.endswith("TOPIC") for _, argument in calls), calls
    assert {"report.received", "report.status_notice", "referral.deliver", "meeting.invitation",
            "reminder.coordinator", "reminder.partner"} <= set(topics())


def test_every_topic_has_a_handler_after_app_creation():
    script = "import config\nfrom gdt import create_app\ncreate_app(config.TestConfig)"
    missing = set(topics()) - registered_in_fresh_process(script)
    assert not missing, {topic: topics()[topic] for topic in missing}


def test_the_outbox_finds_every_handler_itself_through_the_feature_packages():
    """With nothing but the outbox imported: no handler module is loaded until the outbox asks for the handlers."""
    script = (
        "import sys\n"
        "from gdt.services.core import outbox\n"
        "assert not [name for name in sys.modules if name.startswith('gdt.services.') and\n"
        "            not name.startswith('gdt.services.core')], sorted(sys.modules)\n"
    )
    missing = set(topics()) - registered_in_fresh_process(script)
    assert not missing, {topic: topics()[topic] for topic in missing}


@pytest.mark.parametrize("module", ["worker.tasks.outbox", "worker.relay", "worker.embedded"])
def test_the_worker_finds_every_handler(module):
    """The consumer task, the relay command and the in-process scheduler each handle every topic."""
    missing = set(topics()) - registered_in_fresh_process(f"import {module}")
    assert not missing, {topic: topics()[topic] for topic in missing}


def test_a_message_of_every_topic_can_be_queued(db):
    """enqueue refuses a topic without a handler: every topic the services use is accepted."""
    from gdt.services.core import outbox
    from gdt.services.core.transaction import unit_of_work

    class OnlyACheck(Exception):
        pass

    with pytest.raises(OnlyACheck), unit_of_work():
        for topic in topics():
            outbox.enqueue(topic, {})
        raise OnlyACheck()  # rolled back: nothing is sent
