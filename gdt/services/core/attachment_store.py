"""The names of stored files in the object store (`object_store`), shared by intake and case documents, which write
them, and retention, which deletes them: a generated name per file, and its photo's thumbnail beside it under
`thumbnails/`."""
from collections.abc import Iterable
from pathlib import Path

from gdt.services.core import object_store

THUMBNAIL_FOLDER = "thumbnails"  # in the store: one small JPEG per photo, made on first view


def directory() -> Path:
    """The file store's folder (STORAGE_URL file:///…, else ATTACHMENT_DIR, default `instance/attachments`)."""
    return object_store.local_folder()


def thumbnail_name(storage_name: str) -> str:
    return f"{Path(storage_name).stem}.jpg"


def thumbnail_key(storage_name: str) -> str:
    """The thumbnail's name in the store."""
    return f"{THUMBNAIL_FOLDER}/{thumbnail_name(storage_name)}"


def delete(storage_names: Iterable[str]) -> int:
    """Delete stored files and their thumbnails; a file already gone is fine (a resumed run deletes again)."""
    names = []
    for name in storage_names:
        if name and "/" not in name and object_store.valid_name(name):  # generated names only: never a path
            names += [name, thumbnail_key(name)]
    return object_store.current().delete(names) if names else 0
