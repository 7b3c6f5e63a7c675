"""Do the attachment store and the database agree? (`flask attachments check`, README "Backups and upgrades").

A backup is the database and the attachment store together, and a restore brings back both: afterwards every row in
`attachments` must find its file, with the size (and SHA-256) it was stored with, and every file in the store must
belong to a row. `check_store` walks both sides and lists what does not match, by attachment id and stored file name
only (generated names: nothing a resident typed or named). Thumbnails (`thumbnails/`, made on first view) are a
cache: one whose photo has no row is listed, a missing one is not (it is made again). The store (a folder or a
bucket, `core.object_store`) is listed once, with every object's size, so a bucket is not asked once per row;
only the SHA-256 reads the files.

Read-only: nothing is changed, so nothing is audited. `flask attachments prune` removes files without a row once they
are an hour old (an upload whose transaction rolled back); a missing file can only come back from a backup.
"""
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from gdt.db import db
from gdt.models import Attachment
from gdt.models.documents import DocumentVersion
from gdt.services.core import object_store
from gdt.services.intake import attachments

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Problem:
    kind: str  # "missing", "size", "hash", "no_row"
    attachment_id: int | None
    path: str  # relative to the store

    def describe(self) -> str:
        what = {"missing": "file missing", "size": "size differs from the row",
                "hash": "SHA-256 differs from the row", "no_row": "file without a row"}[self.kind]
        return f"{what}: attachment {self.attachment_id} ({self.path})" if self.attachment_id is not None \
            else f"{what}: {self.path}"


@dataclass
class StoreCheck:
    rows: int = 0
    files: int = 0
    thumbnails: int = 0
    hashed: bool = True
    problems: list[Problem] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.problems


def check_store(*, hashes: bool = True, batch: int = 1000) -> StoreCheck:
    """Compare every attachment row with its file (existence, size and, with `hashes`, SHA-256) and every file in
    the store (thumbnails included) with the rows."""
    store = object_store.current()
    sizes = {item.name: item.size for item in store.list()}
    result = StoreCheck(hashed=hashes)
    known: set[str] = set()
    for attachment_id, name, size, sha256 in _rows(batch):
        result.rows += 1
        known.add(name)
        if name not in sizes:
            result.problems.append(Problem("missing", attachment_id, name))
        elif sizes[name] != size:
            result.problems.append(Problem("size", attachment_id, name))
        elif hashes and _sha256(store, name) != sha256:
            result.problems.append(Problem("hash", attachment_id, name))
    stems = {Path(name).stem for name in known}
    documents = set(db.session.scalars(sa.select(DocumentVersion.storage_name)))  # case documents share the store
    for name in sorted(sizes, key=lambda name: name.split("/")):  # the order of the folder's paths, parts by parts
        parts = name.split("/")
        if parts[0] == attachments.THUMBNAIL_FOLDER and len(parts) == 2:
            result.thumbnails += 1
            belongs = Path(parts[1]).stem in stems
        else:
            result.files += 1
            belongs = len(parts) == 1 and (name in known or name in documents)
        if not belongs:
            result.problems.append(Problem("no_row", None, name))
    return result


def _rows(batch: int) -> Iterator[tuple[int, str, int, str]]:
    query = sa.select(Attachment.id, Attachment.storage_name, Attachment.size_bytes, Attachment.sha256) \
        .order_by(Attachment.id).execution_options(yield_per=batch)
    for row in db.session.execute(query):
        yield tuple(row)


def _sha256(store: object_store.Store, name: str) -> str:
    digest = hashlib.sha256()
    with store.open(name) as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
