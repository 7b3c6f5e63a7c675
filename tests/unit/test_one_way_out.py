"""Every outbound connection goes through gdt/services/core/outbound.py: no other module of gdt/, worker/ or
workflows/ imports an HTTP client or opens a socket (smtplib to the operator's own mail server excepted).
The ruff banned-api rule says the same while editing; this test also catches dynamic imports."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
THE_WAY_OUT = ROOT / "gdt" / "services" / "core" / "outbound.py"
MODULES = ("urllib.request", "http.client", "urllib3", "requests", "httpx", "aiohttp", "pycurl", "ftplib",
           "telnetlib", "xmlrpc.client", "websocket", "websockets")
SOCKET_CALLS = ("create_connection", "socket", "socketpair", "fromfd", "getaddrinfo")


def _forbidden(name: str) -> bool:
    return any(name == module or name.startswith(f"{module}.") for module in MODULES)


def violations(path: Path, root: Path = ROOT) -> list[str]:
    """What in `path` opens a connection other than through the outbound module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            if node.module == "socket":
                names += [f"socket.{alias.name}" for alias in node.names if alias.name in SOCKET_CALLS]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__":
            names = [arg.value for arg in node.args[:1] if isinstance(arg, ast.Constant)]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"
              and node.args and isinstance(node.args[0], ast.Constant)):
            names = [node.args[0].value]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "socket"
              and node.attr in SOCKET_CALLS):
            names = [f"socket.{node.attr}"]
        found += [f"{path.relative_to(root)}:{node.lineno}: {name}" for name in names
                  if isinstance(name, str) and (_forbidden(name) or name.startswith("socket."))]
    return found


def sources():
    for package in ("gdt", "worker", "workflows"):
        yield from (path for path in (ROOT / package).rglob("*.py") if path != THE_WAY_OUT)


def test_no_module_but_the_outbound_client_opens_a_connection():
    assert [line for path in sources() for line in violations(path)] == []


@pytest.mark.parametrize("statement", [
    "import urllib.request", "from urllib import request", "from http.client import HTTPSConnection",
    "import requests", "import httpx", "import urllib3", "from socket import create_connection",
    "import socket\nsocket.create_connection(('10.0.0.1', 80))", "__import__('http.client')",
    "import importlib\nimportlib.import_module('urllib3')",
])
def test_the_scan_finds_each_way_out(tmp_path, statement):
    module = tmp_path / "module.py"
    module.write_text(statement + "\n")
    assert violations(module, tmp_path)


def test_the_outbound_client_is_left_out_on_purpose_and_smtplib_is_allowed(tmp_path):
    assert violations(THE_WAY_OUT) != []  # the scan would see it
    module = tmp_path / "module.py"
    module.write_text("import smtplib\nsmtplib.SMTP('mail.example', 25)\n")
    assert violations(module, tmp_path) == []
