"""A throwaway PostgreSQL cluster for tests and benchmarks (initdb/pg_ctl on a Unix socket, as indico does).

PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` system user.
When the server is missing, it is installed with apt (the project's own setup, CI included).
"""
import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


def server_bin_dir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


def ensure_installed() -> Path:
    bin_dir = server_bin_dir()
    if bin_dir is None:
        env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "postgresql"], check=True, env=env, stdout=subprocess.DEVNULL)
        bin_dir = server_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL server binaries not found after installing")
    return bin_dir


@contextlib.contextmanager
def temporary_postgresql(database: str = "gdt_test") -> Iterator[str]:
    """Start a private cluster; yield its SQLAlchemy URL; stop and remove it afterwards."""
    bin_dir = ensure_installed()
    root = Path(tempfile.mkdtemp(prefix="gdt-pg-"))
    data, socket_dir = root / "data", root / "run"
    socket_dir.mkdir()
    as_user = _runner(root)
    user = "postgres" if as_user else os.environ.get("USER", "postgres")
    subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-U", user, "-A", "trust", "-E", "UTF8",
                    "--no-sync"], check=True, stdout=subprocess.DEVNULL)
    options = f"-k {socket_dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                    str(root / "server.log"), "start"], check=True, stdout=subprocess.DEVNULL)
    try:
        subprocess.run([*as_user, str(bin_dir / "createdb"), "-h", str(socket_dir), "-U", user, database]
                       if (bin_dir / "createdb").exists() else
                       ["createdb", "-h", str(socket_dir), "-U", user, database], check=True)
        yield f"postgresql+psycopg://{user}@/{database}?host={socket_dir}"
    finally:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       check=False, stdout=subprocess.DEVNULL)
        shutil.rmtree(root, ignore_errors=True)


def _runner(root: Path) -> list[str]:
    if os.geteuid() != 0:
        return []
    shutil.chown(root, "postgres")
    for path in root.iterdir():
        shutil.chown(path, "postgres")
    root.chmod(0o755)
    return ["runuser", "-u", "postgres", "--"]


if __name__ == "__main__":
    print(f"PostgreSQL server binaries: {ensure_installed()}")
