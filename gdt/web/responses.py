"""Response headers the pages share: nothing cached, no link passed on, files as downloads."""
from flask import make_response


def private(page, *, hide_referrer: bool = False):
    """A page no cache may keep (a CSRF token, a one-time key, a reference); `hide_referrer` when the URL is a key."""
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    if hide_referrer:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def download(data, filename: str, mimetype: str | None = None):
    """A file to save, never to show inline or keep in a cache."""
    response = make_response(data)
    if mimetype:
        response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
