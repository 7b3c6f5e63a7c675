"""Where stored files live: a local folder or an S3-compatible bucket, chosen by STORAGE_URL (README "Object storage",
docs/decisions/0031-object-storage.md).

* unset — the folder ATTACHMENT_DIR (default `instance/attachments`), as before there was a choice;
* `file:///path` — that folder;
* `s3://bucket/prefix` — objects `prefix/<name>` in the bucket, through boto3 (STORAGE_S3_ENDPOINT_URL for MinIO,
  Ceph or a test server; keys from STORAGE_S3_ACCESS_KEY_ID/…_SECRET_ACCESS_KEY, else boto3's own chain), every
  object written with server-side encryption (STORAGE_S3_SSE: AES256, or aws:kms with STORAGE_S3_KMS_KEY_ID).

Both stores take the same names and keep the same promises: a name is one generated file name, or one folder and
one ("thumbnails/…"), never a path (`check_name`); an object is written whole or not at all (a temporary file and a
rename; one PUT) and read back whole or as a stream; deleting what is already gone is fine. `locate(name)` hands
out the object as a `StoredObject`, which a `pathlib.Path` of the folder store is, so readers need not know which
store they read from. Nothing here knows attachments or documents: `attachment_store` names their objects.
"""
import functools
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

import boto3
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError
from flask import current_app

SEGMENT = re.compile(r"[A-Za-z0-9._-]{1,128}")
DELETE_BATCH = 1000  # the most keys S3's DeleteObjects takes at once
MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


class StoredObject(Protocol):
    """What a reader needs of one stored object; `pathlib.Path` has it too."""

    name: str

    def is_file(self) -> bool: ...

    def read_bytes(self) -> bytes: ...

    def open(self, mode: str = "rb") -> BinaryIO: ...


@dataclass(frozen=True)
class Listed:
    name: str  # relative to the store, "/" between folder and file
    size: int
    modified: float  # seconds since the epoch


def check_name(name: str) -> str:
    """`name` when it is a store name (one or two segments of letters, digits, `.`, `_`, `-`), else ValueError."""
    if not valid_name(name):
        raise ValueError("not a store name")
    return name


def valid_name(name: str) -> bool:
    segments = name.split("/") if isinstance(name, str) else []
    return 1 <= len(segments) <= 2 and all(SEGMENT.fullmatch(part) and part not in (".", "..") for part in segments)


class FolderStore:
    """Files in a local folder (made on demand, readable by GDT's user only)."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)

    def describe(self) -> str:
        return "file"

    def locate(self, name: str) -> Path:
        """The file's path; its folder is made, so that a name in a folder can be written through the path."""
        path = self.folder / check_name(name)
        if path.parent != self.folder:
            path.parent.mkdir(exist_ok=True, mode=0o700)
        return path

    def put(self, name: str, data: bytes) -> None:
        """Whole or not at all: a temporary file in the same folder, synced, then renamed into place."""
        path = self.locate(name)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, name: str) -> bytes:
        return self.locate(name).read_bytes()

    def open(self, name: str) -> BinaryIO:
        return self.locate(name).open("rb")

    def exists(self, name: str) -> bool:
        return self.locate(name).is_file()

    def size(self, name: str) -> int | None:
        path = self.locate(name)
        return path.stat().st_size if path.is_file() else None

    def delete(self, names: Iterable[str]) -> int:
        """The files that were there, deleted; one already gone is fine (a resumed run deletes again)."""
        deleted = 0
        for name in names:
            path = self.locate(name)
            if path.is_file():
                path.unlink(missing_ok=True)
                deleted += 1
        return deleted

    def list(self) -> Iterator[Listed]:
        """Every file under the folder, whatever its name (so a check sees what does not belong)."""
        for path in self.folder.rglob("*"):
            if path.is_file():
                status = path.stat()
                yield Listed(path.relative_to(self.folder).as_posix(), status.st_size, status.st_mtime)

    def ping(self) -> None:
        if not os.access(self.folder, os.W_OK | os.X_OK):
            raise PermissionError("the storage folder is not writable")


@dataclass(frozen=True)
class S3Object:
    """One object of an S3Store, read on demand."""

    store: "S3Store"
    key_name: str

    @property
    def name(self) -> str:
        return self.key_name.rsplit("/", 1)[-1]

    def is_file(self) -> bool:
        return self.store.exists(self.key_name)

    def read_bytes(self) -> bytes:
        return self.store.get(self.key_name)

    def open(self, mode: str = "rb") -> BinaryIO:
        return self.store.open(self.key_name)


class S3Store:
    """Objects `<prefix>/<name>` in one bucket; every PUT asks for server-side encryption."""

    def __init__(self, client, bucket: str, prefix: str, encryption: dict[str, str]):
        self.client, self.bucket, self.encryption = client, bucket, encryption
        self.prefix = f"{prefix.strip('/')}/" if prefix.strip("/") else ""

    def describe(self) -> str:
        return "s3"

    def locate(self, name: str) -> S3Object:
        return S3Object(self, check_name(name))

    def put(self, name: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(name), Body=data, **self.encryption)

    def get(self, name: str) -> bytes:
        with self.open(name) as body:
            return body.read()

    def open(self, name: str) -> BinaryIO:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(name))["Body"]
        except ClientError as error:
            raise _missing_or(error, name) from None

    def exists(self, name: str) -> bool:
        return self.size(name) is not None

    def size(self, name: str) -> int | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(name))["ContentLength"]
        except ClientError as error:
            if _code(error) in MISSING_CODES:
                return None
            raise

    def delete(self, names: Iterable[str]) -> int:
        """The objects that were there, deleted (S3 itself does not say which were, so each is asked first)."""
        present = [self._key(name) for name in names if self.exists(name)]
        for start in range(0, len(present), DELETE_BATCH):
            batch = [{"Key": key} for key in present[start:start + DELETE_BATCH]]
            answer = self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True})
            if answer.get("Errors"):
                raise OSError(f"{len(answer['Errors'])} object(s) not deleted: {answer['Errors'][0].get('Code')}")
        return len(present)

    def list(self) -> Iterator[Listed]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", ()):
                yield Listed(item["Key"][len(self.prefix):], item["Size"], item["LastModified"].timestamp())

    def ping(self) -> None:
        self.client.head_bucket(Bucket=self.bucket)

    def _key(self, name: str) -> str:
        return self.prefix + check_name(name)


Store = FolderStore | S3Store


def current(*, timeout: float | None = None) -> Store:
    """The store the app's settings name. Cheap: the S3 client is made once per process and setting. `timeout`
    (seconds): one try, each wait that short, for a health check that must answer quickly."""
    config = current_app.config
    url = config.get("STORAGE_URL") or ""
    if not url:
        return FolderStore(local_folder())
    kind, where, prefix = parse_url(url)
    if kind == "folder":
        return FolderStore(Path(where))
    client = _client(config.get("STORAGE_S3_ENDPOINT_URL") or None, config.get("STORAGE_S3_REGION") or None,
                     config.get("STORAGE_S3_ACCESS_KEY_ID") or None,
                     config.get("STORAGE_S3_SECRET_ACCESS_KEY") or None, timeout)
    return S3Store(client, where, prefix, encryption(config))


def parse_url(url: str) -> tuple[str, str, str]:
    """("folder", path, "") for file:///path, ("s3", bucket, prefix) for s3://bucket/prefix; ValueError for
    anything else. Production checks it before starting (gdt.config_check)."""
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.netloc in ("", "localhost") and parts.path.startswith("/"):
        return "folder", parts.path, ""
    if parts.scheme == "s3" and parts.netloc:
        return "s3", parts.netloc, parts.path
    raise ValueError("STORAGE_URL must be file:///folder or s3://bucket/prefix")


def local_folder() -> Path:
    """The folder of the file store: `file:///path`, else ATTACHMENT_DIR, else `instance/attachments`."""
    url = current_app.config.get("STORAGE_URL") or ""
    if url and not url.startswith("file:"):
        raise RuntimeError("the store is not a folder")
    folder = Path(urlsplit(url).path) if url else Path(
        current_app.config.get("ATTACHMENT_DIR") or Path(current_app.instance_path) / "attachments")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def encryption(config) -> dict[str, str]:
    """The PUT's server-side encryption: always on; SSE-S3 (AES256) unless STORAGE_S3_SSE asks for aws:kms."""
    kind = config.get("STORAGE_S3_SSE") or "AES256"
    if kind not in ("AES256", "aws:kms"):
        raise ValueError("STORAGE_S3_SSE must be AES256 or aws:kms")
    settings = {"ServerSideEncryption": kind}
    if kind == "aws:kms" and config.get("STORAGE_S3_KMS_KEY_ID"):
        settings["SSEKMSKeyId"] = config["STORAGE_S3_KMS_KEY_ID"]
    return settings


@functools.lru_cache(maxsize=8)
def _client(endpoint_url: str | None, region: str | None, key_id: str | None, secret: str | None,
            timeout: float | None):
    """One client per process and setting (boto3 clients are thread-safe). Bounded waits, so a request never hangs
    on the store; path-style addresses for a store of one's own (MinIO, Ceph), which seldom has a DNS name per
    bucket."""
    waits = {"connect_timeout": 5, "read_timeout": 30, "retries": {"mode": "standard", "max_attempts": 3}} \
        if timeout is None else {"connect_timeout": timeout, "read_timeout": timeout, "retries": {"max_attempts": 1}}
    settings = BotoConfig(**waits, s3={"addressing_style": "path"} if endpoint_url else {})
    return boto3.client("s3", endpoint_url=endpoint_url, region_name=region, aws_access_key_id=key_id,
                        aws_secret_access_key=secret, config=settings)


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _missing_or(error: ClientError, name: str) -> Exception:
    return FileNotFoundError(name) if _code(error) in MISSING_CODES else error
