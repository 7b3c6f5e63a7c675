"""Invitation and reset tokens stay out of the logs: gunicorn's access log (this repository's configuration) writes
the path without its query string and the referrer without one, and the development server's request line and the
error log mask `token=`."""
import secrets
import urllib.request

import pytest

from gdt.log_filters import MASK, mask_link_tokens
from tests.integration.test_gunicorn_logs import _gunicorn

pytestmark = pytest.mark.integration


def test_the_access_log_shows_no_invitation_or_reset_token(tmp_path):
    invitation, reset = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    process, base = _gunicorn("tests.integration.plain_wsgi:app", tmp_path)
    try:
        request = urllib.request.Request(f"{base}/invitation?token={invitation}",
                                         headers={"Referer": f"{base}/password/reset?token={reset}"})
        with urllib.request.urlopen(request) as answer:
            assert answer.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    logged = (tmp_path / "access.log").read_text() + (tmp_path / "error.log").read_text()
    assert '"GET /invitation HTTP/1.1" 200' in logged and f'"{base}/password/reset"' in logged, logged
    assert invitation not in logged and reset not in logged


def test_a_token_in_a_query_string_is_masked_in_any_log_line():
    token = secrets.token_urlsafe(32)
    line = f'127.0.0.1 - - "GET /invitation?token={token} HTTP/1.1" 302 - "/password/reset?a=1&token={token}#x"'
    masked = mask_link_tokens(line)
    assert token not in masked and f"/invitation?token={MASK} " in masked and f"&token={MASK}#x" in masked
