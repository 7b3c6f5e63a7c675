"""The import contracts of pyproject.toml hold, and break on a wrong import; the worker is never imported by gdt
at module level. The contracts are explained in docs/architecture.md ("Layers")."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = ("gdt", "workflows", "worker")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"], cwd=tree,
                          env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def tree(tmp_path):
    """A copy of the code and the contracts, to break on purpose."""
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_import(module: Path, statement: str) -> None:
    module.write_text(f"{statement}  # a deliberate wrong import\n" + module.read_text())


def test_the_code_keeps_every_contract(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


@pytest.mark.parametrize(("module", "statement", "contract"), [
    ("gdt/services/core/errors.py", "import gdt.web.forms", "Layers"),
    ("gdt/services/core/errors.py", "import gdt.services.casework.cases", "Service features"),
    ("gdt/services/intake/receipts.py", "from gdt.services.triage import report_triage", "Service features"),
    ("gdt/models/cases.py", "from gdt.services.core import audit", "Models know tables"),
    ("workflows/case.py", "import flask", "Workflows are plain Python"),
    ("gdt/web/cases/views.py", "import worker.tasks", "Layers"),
    ("gdt/web/cases/views.py", "import gdt.api", "Layers"),
])
def test_a_wrong_import_breaks_its_contract(tree, module, statement, contract):
    add_import(tree / module, statement)
    result = lint_imports(tree)
    assert result.returncode == 1, result.stdout + result.stderr
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert any(line.startswith(contract) for line in broken), result.stdout


def test_gdt_never_imports_the_worker_at_module_level():
    """Only create_app binds Celery (inside the function): importing any gdt module leaves the worker out."""
    script = (
        "import importlib, pkgutil, sys\n"
        "import gdt\n"
        "for module in pkgutil.walk_packages(gdt.__path__, 'gdt.'):\n"
        "    importlib.import_module(module.name)\n"
        "print(sorted(name for name in sys.modules if name == 'worker' or name.startswith('worker.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
