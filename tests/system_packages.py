"""System packages the test suite needs (PostgreSQL server, Redis, Chromium), installed with apt when missing.

`make test` runs this first, so a fresh machine (CI included) has everything the tests start.
"""
import os
import shutil
import subprocess
from ctypes.util import find_library

from tests.postgres import server_bin_dir

PACKAGES = {
    "postgresql": lambda: server_bin_dir() is not None,
    "redis-server": lambda: shutil.which("redis-server") is not None,
    "chromium": lambda: shutil.which("chromium") is not None,
    # WeasyPrint (meeting summary PDF) loads these with dlopen; without harfbuzz-subset it warns (an error here).
    "libpango-1.0-0": lambda: find_library("pango-1.0") is not None,
    "libpangoft2-1.0-0": lambda: find_library("pangoft2-1.0") is not None,
    "libharfbuzz-subset0": lambda: find_library("harfbuzz-subset") is not None,
}


def missing() -> list[str]:
    return [package for package, present in PACKAGES.items() if not present()]


def ensure() -> None:
    needed = missing()
    if not needed:
        return
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *needed], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    still = missing()
    if still:
        raise SystemExit(f"could not install: {', '.join(still)}")


if __name__ == "__main__":
    ensure()
    print("system packages present:", ", ".join(PACKAGES))
