"""Response headers the pages share: nothing cached, no link passed on, files as downloads."""
from flask import make_response


def private(page, *, hide_referrer: bool = False):
    """A page no cache may keep (a CSRF token, a one-time key, a reference); `hide_referrer` when the URL is a key."""
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    if hide_referrer:
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


def revisitable(page):
    """A form page of the visitor's own that their browser may keep for the Back button, no shared cache ever.

    `private, no-cache`: every new visit asks the server again, but Back may show the page as it was — from the
    back-forward cache, and for the answer to a refused POST from the browser's own cache, instead of a "Confirm
    form resubmission" page. The form carries keys bound to this browser's session, so a copy is of no use to
    anyone else. (`no-store` would make the browser ask the server again on Back, or offer to resend the POST.)
    """
    response = make_response(page)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def download(data, filename: str, mimetype: str | None = None):
    """A file to save, never to show inline or keep in a cache."""
    response = make_response(data)
    if mimetype:
        response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
