"""System packages the test suite needs (PostgreSQL server, Redis, Chromium), installed with apt when missing.

`make test` runs this first, so a fresh machine (CI included) has everything the tests start.
"""
import os
import shutil
import subprocess

from tests.postgres import server_bin_dir

PACKAGES = {
    "postgresql": lambda: server_bin_dir() is not None,
    "redis-server": lambda: shutil.which("redis-server") is not None,
    "chromium": lambda: shutil.which("chromium") is not None,
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
