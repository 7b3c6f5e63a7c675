"""The address service: the PDOK client against a local fake Locatieserver, the fixture table, the choice rule."""
import json
import threading
import time
import urllib.parse
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gdt.services.intake import addresses
from gdt.services.intake.addresses import AddressMatch, AddressServiceUnavailable, FixtureAddresses, PdokLocatieserver


@pytest.fixture(autouse=True)
def _app_context(app):
    """The PDOK client reads the outbound settings (the local fake server is allow-listed) from the app."""
    with app.app_context():
        yield


def _doc(number, letter=None, addition=None, nummeraanduiding="0772200000123456", **overrides):
    """An `adres` doc as the Locatieserver v3.1 returns it (the fields of its `adres` type)."""
    house = f"{number}{letter or ''}{'-' + addition if addition else ''}"
    doc = {
        "type": "adres",
        "weergavenaam": f"Kerkstraat {house}, 5611HW Eindhoven",
        "straatnaam": "Kerkstraat",
        "huisnummer": number,
        "huis_nlt": house,
        "postcode": "5611HW",
        "woonplaatsnaam": "Eindhoven",
        "gemeentecode": "0772",
        "nummeraanduiding_id": nummeraanduiding,
        "adresseerbaarobject_id": "0772010000654321",
        "wijkcode": "WK077211",
        "buurtcode": "BU07721113",
        "id": f"adr-{nummeraanduiding}",
        "centroide_ll": "POINT(5.4786 51.4382)",
    }
    doc |= {"huisletter": letter} if letter else {}
    doc |= {"huisnummertoevoeging": addition} if addition else {}
    return doc | overrides


def _answer(*docs) -> bytes:
    return json.dumps(
        {"response": {"numFound": len(docs), "start": 0, "maxScore": 9.5, "numFoundExact": True, "docs": list(docs)}}
    ).encode()


class FakeLocatieserver(BaseHTTPRequestHandler):
    """Answers /free the way the server's `reply` says: bytes, a delay, a trickle or an HTTP error."""

    def do_GET(self):
        self.server.requests.append(self.path)
        reply = self.server.reply
        if reply.get("sleep"):
            time.sleep(reply["sleep"])
        if reply.get("status", 200) != 200:
            self.send_error(reply["status"])
            return
        body = reply.get("body", _answer())
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        for byte in body if reply.get("trickle") else [body]:
            self.wfile.write(bytes([byte]) if reply.get("trickle") else byte)
            self.wfile.flush()
            if reply.get("trickle"):
                time.sleep(reply["trickle"])

    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # the client gave up on a slow answer: expected here


@contextmanager
def fake_locatieserver(**reply):
    server = _Server(("127.0.0.1", 0), FakeLocatieserver)
    server.reply, server.requests = reply, []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.server_port}/bzk/locatieserver/search/v3_1/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_pdok_query_asks_for_addresses_at_postcode_and_number():
    with fake_locatieserver(body=_answer(_doc(8))) as (server, url):
        [match] = PdokLocatieserver(url, timeout=2).search("5611HW", 8)
    path, query = server.requests[0].split("?")
    assert path == "/bzk/locatieserver/search/v3_1/free"
    params = urllib.parse.parse_qs(query)
    assert params["fq"] == ["postcode:5611HW", "huisnummer:8", "type:adres"]
    assert params["rows"] == ["20"] and "nummeraanduiding_id" in params["fl"][0].split()
    assert match == AddressMatch(
        postcode="5611HW",
        house_number=8,
        addition=None,
        street="Kerkstraat",
        city="Eindhoven",
        bag_id="0772200000123456",
        wijk_code="WK077211",
        buurt_code="BU07721113",
        display="Kerkstraat 8, 5611HW Eindhoven",
    )


def test_several_docs_become_several_matches_never_the_first_silently(use_service):
    docs = (
        _doc(10, "B", nummeraanduiding="0772200000000002"),
        _doc(10, nummeraanduiding="0772200000000001"),
        _doc(10, "A", "2", nummeraanduiding="0772200000000003"),
        _doc(10, None, "10", nummeraanduiding="0772200000000005"),
        _doc(10, None, "2", nummeraanduiding="0772200000000004"),
    )
    with fake_locatieserver(body=_answer(*docs)) as (_, url):
        use_service(url)
        matches = addresses.lookup("5611 hw", "10")
    assert [match.addition for match in matches] == [None, "2", "10", "A2", "B"]
    assert [match.bag_id for match in matches][:2] == ["0772200000000001", "0772200000000004"]
    assert matches[3].display == "Kerkstraat 10A-2, 5611HW Eindhoven"


def test_bag_ids_keep_leading_zeros_and_malformed_codes_are_dropped():
    doc = _doc(8, nummeraanduiding="0003200000000001", wijkcode="WK03", buurtcode="BU0772AB1Z")
    [match] = addresses.parse_docs([doc], "5611HW", 8)
    assert match.bag_id == "0003200000000001" and match.wijk_code is None and match.buurt_code == "BU0772AB1Z"
    [unnumbered] = addresses.parse_docs([_doc(8, nummeraanduiding=772200000123456)], "5611HW", 8)
    assert unnumbered.bag_id is None


def test_docs_that_do_not_fit_are_left_out():
    docs = [
        _doc(8, postcode="5611HX"),
        _doc(9),
        _doc(8, huisletter="AB"),
        _doc(8, huisnummertoevoeging="12345"),
        _doc(8, straatnaam="Kerk\x00straat"),
        _doc(8, straatnaam=None),
        "not a doc",
        _doc(8, huisnummer="8"),
    ]
    matches = addresses.parse_docs(docs, "5611HW", 8)
    assert len(matches) == 1 and matches[0].house_number == 8


@pytest.mark.parametrize(
    "reply",
    [
        {"body": b"<html>Service Unavailable</html>"},
        {"body": b'{"response": {"docs": "nope"}}'},
        {"body": b'{"error": {"msg": "undefined field"}}'},
        {"status": 503},
        {"status": 400},
    ],
)
def test_a_broken_answer_means_unavailable(reply, caplog):
    with fake_locatieserver(**reply) as (_, url), pytest.raises(AddressServiceUnavailable):
        PdokLocatieserver(url, timeout=2).search("5611HW", 8)
    assert "5611HW" not in caplog.text  # an address is personal data: never in the log


def test_a_slow_service_is_given_up_on_within_the_timeout():
    with fake_locatieserver(sleep=3, body=_answer(_doc(8))) as (_, url):
        started = time.monotonic()
        with pytest.raises(AddressServiceUnavailable):
            PdokLocatieserver(url, timeout=0.3).search("5611HW", 8)
        assert time.monotonic() - started < 1.5


def test_a_trickling_answer_cannot_hold_intake_past_the_timeout():
    """Each byte arrives within the socket timeout, so only the overall deadline stops it."""
    with fake_locatieserver(trickle=0.1, body=_answer(_doc(8))) as (_, url):
        started = time.monotonic()
        with pytest.raises(AddressServiceUnavailable):
            PdokLocatieserver(url, timeout=0.5).search("5611HW", 8)
        assert time.monotonic() - started < 1.5


def test_nothing_listening_means_unavailable():
    with fake_locatieserver() as (_, url):
        pass  # closed again: the port refuses connections now
    with pytest.raises(AddressServiceUnavailable):
        PdokLocatieserver(url, timeout=1).search("5611HW", 8)


def test_bad_input_gives_no_matches_and_asks_nothing(use_service):
    with fake_locatieserver(body=_answer(_doc(8))) as (server, url):
        use_service(url)
        for postcode, number in [
            ("1234SA", "8"),
            ("１２３４AB", "8"),
            ("5611HW", "0"),
            ("5611HW", "١٢"),
            (None, None),
            ("5611HW", "8a"),
            ("5611HW", "100000"),
        ]:
            assert addresses.lookup(postcode, number) == []
        assert server.requests == []


def test_the_bundled_fixture_has_single_and_several_addresses(app):
    with app.app_context():
        assert app.config["ADDRESS_SERVICE_URL"] == "fixture:"
        [single] = addresses.lookup("5611AB", 1)
        several = addresses.lookup("5611 ab", "12")
        assert addresses.lookup("5611AB", 2) == []
    assert (single.street, single.city, single.addition) == ("Stationsplein", "Eindhoven", None)
    assert len(single.bag_id) == 16 and single.wijk_code.startswith("WK0772") and single.buurt_code.startswith("BU0772")
    assert [match.addition for match in several] == [None, "A", "B"]
    assert len({match.bag_id for match in several}) == 3


def test_a_fixture_file_can_be_configured(tmp_path):
    path = tmp_path / "addresses.json"
    path.write_text(_answer(_doc(8, "C")).decode(), encoding="utf-8")
    provider = addresses.provider_for(f"fixture:{path}", 2)
    assert isinstance(provider, FixtureAddresses)
    assert [match.addition for match in provider.search("5611HW", 8)] == ["C"]


def test_unknown_service_urls_are_refused():
    with pytest.raises(RuntimeError, match="ADDRESS_SERVICE_URL"):
        addresses.provider_for("ftp://example.org", 2)


def test_the_provider_is_kept_per_app_until_the_setting_changes(app, monkeypatch):
    with app.app_context():
        first = addresses._provider()
        assert addresses._provider() is first
        monkeypatch.setitem(app.config, "ADDRESS_SERVICE_URL", "https://api.pdok.nl/bzk/locatieserver/search/v3_1")
        assert isinstance(addresses._provider(), PdokLocatieserver)


@pytest.mark.parametrize(
    ("bag_id", "addition", "expected"),
    [
        ("0772200000000002", None, "A"),  # the chosen one, its addition comes from the BAG
        ("0772200000000002", "A", "A"),
        ("0772200000000002", "B", None),  # chosen 12A but typed B: as typed, unlinked
        (None, "B", "B"),  # the typed addition picks it
        (None, None, None),  # several and none chosen: the person chooses
        ("0772200000000001", None, ""),  # the plain number, chosen
        (None, "C", None),  # not in the BAG
        ("9999999999999999", "B", "B"),  # a stale choice falls back to the addition
    ],
)
def test_resolve_takes_the_address_meant_or_none(bag_id, addition, expected):
    matches = [_match(None, "0772200000000001"), _match("A", "0772200000000002"), _match("B", "0772200000000003")]
    match = addresses.resolve(matches, bag_id=bag_id, addition=addition)
    assert (None if match is None else match.addition or "") == expected


def test_resolve_takes_a_sole_match_when_no_addition_was_typed():
    only_a = [_match("A", "0772200000000002")]
    assert addresses.resolve(only_a, bag_id=None, addition=None).addition == "A"
    assert addresses.resolve(only_a, bag_id=None, addition="B") is None
    assert addresses.resolve([], bag_id=None, addition=None) is None


def _match(addition, bag_id):
    return AddressMatch("5611AB", 12, addition, "Stationsplein", "Eindhoven", bag_id, None, None, "x")


@pytest.fixture
def use_service(app, monkeypatch):
    """The app's address service pointed at a URL for one test (the provider cache notices the change)."""
    with app.app_context():
        yield lambda url: monkeypatch.setitem(app.config, "ADDRESS_SERVICE_URL", url)


# --- as intake uses it (services.intake) ----------------------------------------------------------------------


def test_intake_lookup_reports_each_outcome(db):
    from gdt.services.intake import report_intake

    assert report_intake.lookup_address("5611AB", "1").status == "found"
    assert report_intake.lookup_address("5611AB", "12").status == "choose"
    assert report_intake.lookup_address("5611AB", "12", addition="a").chosen.bag_id == "0772200000001148"
    lone = report_intake.lookup_address("5611AB", "1", addition="Z")  # the BAG has no 1Z: shown as a choice of one
    assert (lone.status, len(lone.matches), lone.chosen) == ("choose", 1, None)
    assert report_intake.lookup_address("5611AB", "2").status == "none"
    invalid = report_intake.lookup_address("1234 ss", "")
    assert invalid.status == "invalid" and set(invalid.errors) == {"postcode", "house_number"}


def test_intake_lookup_and_linking_survive_a_service_outage(db, use_service):
    from gdt.services.intake import report_intake

    with fake_locatieserver(status=503) as (_, url):
        use_service(url)
        down = report_intake.lookup_address("5611AB", "12")
        fields = {"postcode": "5611AB", "house_number": 12, "house_number_addition": None, "street": None}
        assert report_intake.with_address_ids(fields, chosen="0772200000001148") == fields
    assert down.status == "unavailable" and down.matches == () and down.signal == (0, False)
