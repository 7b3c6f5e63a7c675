"""Every new password passes all the rules: only gdt.services.identity.passwords hashes one (through core.auth,
which may not import identity and so checks the length alone)."""
import re
from pathlib import Path

import config

GDT = Path(config.BASE_DIR) / "gdt"
HASHER = GDT / "services" / "identity" / "passwords.py"
CORE = GDT / "services" / "core" / "auth.py"


def _sources():
    return [(path, path.read_text(encoding="utf-8")) for path in GDT.rglob("*.py")]


def test_only_the_password_rules_call_the_core_hasher():
    callers = [path.relative_to(GDT).as_posix() for path, text in _sources()
               if path not in (HASHER, CORE) and re.search(r"\bhash_password\(", text)]
    assert callers == []


def test_the_password_lists_are_in_the_package_data():
    assert (GDT / "data" / "common-passwords.txt").is_file() and (GDT / "data" / "PASSWORDS.md").is_file()
