"""The theme's stylesheet, its fonts and images, and the logo: public, like /static, and never a page."""
import io
from pathlib import Path

from flask import abort, current_app, send_file
from werkzeug.security import safe_join

from gdt.web.access import public
from gdt.web.theme import bp
from gdt.web.theme.settings import ASSET_TYPES

# An SVG opened on its own is a document of our origin: let it draw, never run or load anything.
IMAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def current_theme():
    return current_app.extensions["gdt_theme"]


@bp.route("/theme/logo")
@public
def logo():
    theme = current_theme()
    return _send(theme.logo, theme.logo_type)


@bp.route("/theme/<path:filename>")
@public
def asset(filename: str):
    mimetype = ASSET_TYPES.get(Path(filename).suffix.lower())
    found = safe_join(str(current_theme().folder), filename)
    if mimetype is None or found is None or any(part.startswith(".") for part in Path(filename).parts):
        abort(404)
    return _send(Path(found), mimetype)


def _send(path: Path, mimetype: str):
    """Small files, read whole (no open file outlives the request); revalidated by ETag like /static."""
    try:
        stat, data = path.stat(), path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        abort(404)
    response = send_file(io.BytesIO(data), mimetype=mimetype, etag=f"{stat.st_mtime_ns:x}-{stat.st_size:x}",
                         last_modified=stat.st_mtime, max_age=None)
    if mimetype.startswith("image/"):
        response.headers["Content-Security-Policy"] = IMAGE_POLICY
    return response
