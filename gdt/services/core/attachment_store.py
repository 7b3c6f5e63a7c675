"""Where stored attachment files live (ATTACHMENT_DIR), shared by intake, which writes them, and retention, which
deletes them."""
from collections.abc import Iterable
from pathlib import Path

from flask import current_app

THUMBNAIL_FOLDER = "thumbnails"  # inside ATTACHMENT_DIR: one small JPEG per photo, made on first view


def directory() -> Path:
    """ATTACHMENT_DIR, default `instance/attachments`: outside the web root, created on demand."""
    folder = Path(current_app.config.get("ATTACHMENT_DIR") or Path(current_app.instance_path) / "attachments")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def thumbnail_name(storage_name: str) -> str:
    return f"{Path(storage_name).stem}.jpg"


def delete(storage_names: Iterable[str]) -> int:
    """Unlink stored files and their thumbnails; a file already gone is fine (a resumed run deletes again)."""
    folder, deleted = directory(), 0
    for name in storage_names:
        if not name or Path(name).name != name:  # generated names only: never a path
            continue
        for path in (folder / name, folder / THUMBNAIL_FOLDER / thumbnail_name(name)):
            if path.is_file():
                path.unlink(missing_ok=True)
                deleted += 1
    return deleted
