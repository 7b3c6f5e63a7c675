"""A real S3 server on loopback for tests: moto in server mode (`moto_server`), a process of its own on a free port,
answering the S3 API over HTTP as MinIO or AWS would. The object store's S3 side is tested against it, never
against a mock of our own code."""
import contextlib
import signal
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3

from tests.processes import VENV_BIN, free_port

READY_TIMEOUT = 30.0
REGION = "eu-west-1"
ACCESS_KEY_ID, SECRET_ACCESS_KEY = "gdt-test", "gdt-test-secret"  # moto takes any keys


class S3Server:
    """`moto_server` on 127.0.0.1; `environment(bucket)` makes a bucket and gives GDT's settings for it."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = Path(tempfile.mkstemp(prefix="gdt-s3-", suffix=".log")[1])
        self._process: subprocess.Popen | None = None

    def start(self) -> "S3Server":
        with open(self._log, "ab") as log:
            self._process = subprocess.Popen([str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
                                             stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                             start_new_session=True)
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"moto_server exited at start:\n{self._log.read_text(errors='replace')[-4000:]}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{self.url}/moto-api/", timeout=1):
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"moto_server did not answer within {READY_TIMEOUT:g} s")

    def stop(self) -> None:
        if self._process is not None:
            with contextlib.suppress(ProcessLookupError):
                self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(10)
            self._process = None

    def client(self):
        return boto3.client("s3", endpoint_url=self.url, region_name=REGION, aws_access_key_id=ACCESS_KEY_ID,
                            aws_secret_access_key=SECRET_ACCESS_KEY)

    def create_bucket(self, bucket: str) -> None:
        self.client().create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})

    def environment(self, bucket: str, prefix: str = "gdt") -> dict[str, str]:
        """A new bucket, and the STORAGE_* settings that point GDT at `prefix/` in it."""
        self.create_bucket(bucket)
        return {"STORAGE_URL": f"s3://{bucket}/{prefix}", "STORAGE_S3_ENDPOINT_URL": self.url,
                "STORAGE_S3_REGION": REGION, "STORAGE_S3_ACCESS_KEY_ID": ACCESS_KEY_ID,
                "STORAGE_S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY}

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        self._log.unlink(missing_ok=True)
