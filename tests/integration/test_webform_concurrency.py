"""The same webform sent twice at the same moment (a double click on a slow line) through a real
threaded HTTP server: one report, and both answers lead to its confirmation."""
import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa

from gdt.db import db
from gdt.models import Report

pytestmark = pytest.mark.integration
ROUNDS = 4


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _form_key(base_url, cookies) -> str:
    """A new form in the browser whose cookies these are (its key is bound to that browser's session)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    with opener.open(f"{base_url}/melden", timeout=30) as response:
        page = response.read().decode()
    return re.search(r'name="form_key" type="hidden" value="([^"]+)"', page).group(1)


def _submit(base_url, data: bytes, cookies) -> int:
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(cookies))
    try:
        with opener.open(urllib.request.Request(f"{base_url}/melden", data=data, method="POST"), timeout=60) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_double_click_makes_one_report(served):
    app, base_url, _ = served()
    for round_number in range(ROUNDS):
        cookies = http.cookiejar.CookieJar()  # one browser: both clicks send its session cookie
        data = urllib.parse.urlencode({
            "form_key": _form_key(base_url, cookies), "category": "geluidsoverlast", "postcode": "5611AB",
            "house_number": "12", "description": f"Ronde {round_number}", "reporter_is_anonymous": "y"}).encode()
        barrier, statuses = threading.Barrier(2), []

        def send(barrier=barrier, statuses=statuses, data=data, cookies=cookies):
            barrier.wait(timeout=30)
            statuses.append(_submit(base_url, data, cookies))

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert statuses == [303, 303], statuses
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == ROUNDS
