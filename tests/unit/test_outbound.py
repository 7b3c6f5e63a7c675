"""The outbound client: internal addresses refused in every spelling, the vetted address pinned, no
redirects, bounded time and size. A local fake server on 127.0.0.1 stands in for the partner."""
import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gdt.services.core import outbound

LOCAL = outbound.Policy(allow_http=True, networks=outbound.allowed_networks("127.0.0.1/32"))
STRICT = outbound.Policy(allow_http=True, networks=())


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.seen.append((self.path, self.headers.get("Host")))
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/inside")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path == "/slow":
            time.sleep(1)
        body = b"x" * (10_000 if self.path == "/big" else 2)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def fake_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, server.server_port
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("host", [
    "127.0.0.1", "127.1", "0", "0.0.0.0", "2130706433", "0x7f.1", "0x7f000001", "017700000001", "[::1]", "[::]",
    "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "localhost", "169.254.169.254", "10.0.0.1", "172.16.5.4",
    "192.168.1.1", "100.64.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255", "[fe80::1]", "[fc00::1]",
    "[ff02::1]", "[64:ff9b::7f00:1]", "[2002:7f00:1::1]",
])
def test_every_spelling_of_an_internal_address_is_refused(host):
    with pytest.raises(outbound.OutboundRefused):
        outbound.check_url(f"http://{host}:6379/", policy=STRICT)


def test_a_public_address_passes_and_names_are_resolved_by_the_injected_resolver():
    assert outbound.check_url("https://partner.test/hook", policy=STRICT,
                              resolver=lambda host, port: ["93.184.216.34"])[3] == "93.184.216.34"
    with pytest.raises(outbound.OutboundRefused):  # one internal answer among public ones refuses the name
        outbound.check_url("https://partner.test/hook", policy=STRICT,
                           resolver=lambda host, port: ["93.184.216.34", "10.1.2.3"])


def test_plain_http_only_when_allowed_and_no_credentials_or_other_schemes():
    public = outbound.Policy(allow_http=False, networks=())
    for url in ("http://partner.test/", "ftp://partner.test/", "file:///etc/passwd", "https://user:pw@partner.test/"):
        with pytest.raises(outbound.OutboundRefused):
            outbound.check_url(url, policy=public, resolver=lambda host, port: ["93.184.216.34"])


def test_validate_url_lets_a_name_that_does_not_resolve_yet_pass_but_not_an_internal_one():
    def unknown(host, port):
        raise outbound.OutboundError("no such name")
    outbound.validate_url("https://not-live-yet.test/hook", policy=STRICT, resolver=unknown)
    with pytest.raises(outbound.OutboundRefused):
        outbound.validate_url("http://2130706433/", policy=STRICT, resolver=outbound.system_resolver)


def test_the_allow_listed_fake_server_answers():
    with fake_server() as (server, port):
        response = outbound.request("GET", f"http://127.0.0.1:{port}/ok", timeout=5, policy=LOCAL)
    assert response.status == 200 and response.body == b"xx"


def test_the_connection_goes_to_the_vetted_address_whatever_a_later_lookup_says():
    answers = iter([["127.0.0.1"], ["127.0.0.2"]])  # rebinding: a vetted answer first, then another one
    calls = []

    def rebinding(host, port):
        calls.append(host)
        return next(answers)

    with fake_server() as (server, port):
        response = outbound.request("GET", f"http://partner.test:{port}/ok", timeout=5, policy=LOCAL,
                                    resolver=rebinding)
    assert response.status == 200 and calls == ["partner.test"]
    assert server.seen == [("/ok", f"partner.test:{port}")]  # the name stays in the Host header


def test_a_rebound_internal_answer_is_refused_before_any_connection():
    answers = iter([["127.0.0.2"]])
    with fake_server() as (server, port), pytest.raises(outbound.OutboundRefused):
        outbound.request("GET", f"http://partner.test:{port}/ok", timeout=5, policy=LOCAL,
                         resolver=lambda host, port: next(answers))
    assert server.seen == []


def test_redirects_are_not_followed():
    with fake_server() as (server, port):
        response = outbound.request("GET", f"http://127.0.0.1:{port}/redirect", timeout=5, policy=LOCAL)
    assert response.status == 302 and [path for path, _ in server.seen] == ["/redirect"]


def test_the_response_size_is_bounded():
    with fake_server() as (server, port), pytest.raises(outbound.OutboundError, match="larger than"):
        outbound.request("GET", f"http://127.0.0.1:{port}/big", timeout=5, max_bytes=1000, policy=LOCAL)


def test_a_slow_answer_fails_within_the_timeout():
    with fake_server() as (server, port), pytest.raises(outbound.OutboundError):
        outbound.request("GET", f"http://127.0.0.1:{port}/slow", timeout=0.2, policy=LOCAL)
