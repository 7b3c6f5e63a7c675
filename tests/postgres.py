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
    with Cluster(database) as cluster:
        yield cluster.url


class Cluster:
    """A private cluster on a Unix socket that a test can stop, start and restart (`pg_ctl -m fast`: every
    connection is cut, as in a real restart); the data and the socket stay, so the URL stays valid."""

    def __init__(self, database: str = "gdt_test"):
        self.database, self.url = database, ""
        self._bin = ensure_installed()
        self._root = Path(tempfile.mkdtemp(prefix="gdt-pg-"))
        self._data, self._socket_dir = self._root / "data", self._root / "run"

    def __enter__(self) -> "Cluster":
        self._socket_dir.mkdir()
        self._as_user = _runner(self._root)
        user = "postgres" if self._as_user else os.environ.get("USER", "postgres")
        subprocess.run([*self._as_user, str(self._bin / "initdb"), "-D", str(self._data), "-U", user, "-A", "trust",
                        "-E", "UTF8", "--no-sync"], check=True, stdout=subprocess.DEVNULL)
        try:
            self.start()
            subprocess.run([*self._as_user, str(self._bin / "createdb"), "-h", str(self._socket_dir), "-U", user,
                            self.database] if (self._bin / "createdb").exists() else
                           ["createdb", "-h", str(self._socket_dir), "-U", user, self.database], check=True)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        self.url = f"postgresql+psycopg://{user}@/{self.database}?host={self._socket_dir}"
        return self

    def start(self) -> None:
        options = (f"-k {self._socket_dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off")
        self._pg_ctl("-o", options, "-w", "-l", str(self._root / "server.log"), "start")

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def __exit__(self, *exc) -> None:
        subprocess.run([*self._as_user, str(self._bin / "pg_ctl"), "-D", str(self._data), "-m", "immediate", "stop"],
                       check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self._root, ignore_errors=True)

    def _pg_ctl(self, *arguments: str) -> None:
        subprocess.run([*self._as_user, str(self._bin / "pg_ctl"), "-D", str(self._data), *arguments], check=True,
                       stdout=subprocess.DEVNULL)


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
