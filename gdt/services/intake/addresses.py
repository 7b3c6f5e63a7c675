"""Address lookup by postcode + house number behind one small interface (the BAG, through PDOK).

Production asks the PDOK Locatieserver (the BAG); development and tests read a bundled fixture
in the same shape. Intake never depends on the answer: a slow or absent service raises
AddressServiceUnavailable within the configured timeout and the caller saves the typed address.
"""
import json
import logging
import re
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from flask import current_app

from gdt.services.core import outbound
from gdt.validation import InvalidValue, clean_text, normalise_addition, normalise_postcode, parse_house_number

log = logging.getLogger(__name__)

BUNDLED_FIXTURE = Path(__file__).resolve().parents[2] / "data" / "addresses.json"
PDOK_FIELDS = ("weergavenaam", "straatnaam", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode",
               "woonplaatsnaam", "nummeraanduiding_id", "wijkcode", "buurtcode", "centroide_ll", "centroide_rd")
MAX_MATCHES = 20
MAX_RESPONSE_BYTES = 1_000_000
BAG_ID = re.compile(r"[0-9]{16}")
WIJK_CODE = re.compile(r"WK[0-9]{4}[0-9A-Z]{2}")
BUURT_CODE = re.compile(r"BU[0-9]{4}[0-9A-Z]{4}")
HOUSE_LETTER = re.compile(r"[A-Za-z]")
TOEVOEGING = re.compile(r"[A-Za-z0-9]{1,4}")
POINT = re.compile(r"POINT\((-?[0-9]+(?:\.[0-9]+)?) (-?[0-9]+(?:\.[0-9]+)?)\)")
# The Netherlands, generously, in both systems: a centroid outside is a broken answer, not an address.
LON_RANGE, LAT_RANGE = (3.0, 7.5), (50.5, 53.8)
RD_X_RANGE, RD_Y_RANGE = (-7000.0, 300000.0), (289000.0, 630000.0)


@dataclass(frozen=True)
class AddressMatch:
    """One BAG address. `addition` is letter + toevoeging as GDT stores it ('A', '2', 'A2')."""

    postcode: str
    house_number: int
    addition: str | None
    street: str
    city: str
    bag_id: str | None  # nummeraanduiding id: 16 digits, a string because of the leading zeros
    wijk_code: str | None
    buurt_code: str | None
    display: str
    # The address's centroid (PDOK centroide_ll / centroide_rd): WGS84 degrees and RD New metres; None if absent.
    lat: float | None = None
    lon: float | None = None
    rd_x: float | None = None
    rd_y: float | None = None

    @property
    def coordinates(self) -> dict:
        """Report's coordinate columns, all four or none (a report is either located or not)."""
        return {"lat": self.lat, "lon": self.lon, "rd_x": self.rd_x, "rd_y": self.rd_y}


class AddressServiceUnavailable(Exception):
    """The service did not answer usefully in time; the user types the address instead."""


class AddressProvider(Protocol):
    def search(self, postcode: str, house_number: int) -> list[AddressMatch]: ...


def lookup(postcode: str | None, house_number: str | int | None) -> list[AddressMatch]:
    """Every BAG address at this postcode and number (several when there are letters or additions).

    Input that could never be an address gives an empty list: there is nothing to ask the service.
    """
    try:
        clean_postcode, number = normalise_postcode(postcode), parse_house_number(house_number)
    except InvalidValue:
        return []
    return sorted(_provider().search(clean_postcode, number), key=_addition_order)


def resolve(matches: list[AddressMatch], *, bag_id: str | None, addition: str | None) -> AddressMatch | None:
    """The one match meant: the one chosen (by bag id), else the one with the typed addition.

    Without an addition only a sole match counts (its addition comes from the BAG then): at a
    number with several addresses an empty addition may simply not have been typed yet, so the
    person chooses. A typed addition the match lacks wins over it: the report is stored as typed.
    """
    chosen = [match for match in matches if bag_id and match.bag_id == bag_id]
    if not chosen and addition is not None:
        chosen = [match for match in matches if match.addition == addition]
    if not chosen and addition is None and len(matches) == 1:
        chosen = matches
    if len(chosen) != 1 or (addition is not None and chosen[0].addition != addition):
        return None
    return chosen[0]


def _provider() -> AddressProvider:
    """One provider per app and setting, kept in app.extensions (the PDOK client keeps its threads)."""
    key = (current_app.config["ADDRESS_SERVICE_URL"], float(current_app.config["ADDRESS_SERVICE_TIMEOUT"]))
    cached = current_app.extensions.get("gdt.addresses")
    if cached is None or cached[0] != key:
        cached = (key, provider_for(*key))
        current_app.extensions["gdt.addresses"] = cached
    return cached[1]


def provider_for(url: str, timeout: float) -> AddressProvider:
    """`fixture:` (bundled), `fixture:/path.json`, or the base URL of a PDOK Locatieserver v3.1."""
    if url.startswith("fixture:"):
        return FixtureAddresses(Path(url.removeprefix("fixture:")) if url != "fixture:" else BUNDLED_FIXTURE)
    if url.startswith(("https://", "http://")):
        return PdokLocatieserver(url, timeout)
    raise RuntimeError("ADDRESS_SERVICE_URL must be 'fixture:', 'fixture:/path/to/file.json' or an http(s) URL.")


class PdokLocatieserver:
    """PDOK Locatieserver v3.1 `/free` with fq filters (no key needed)."""

    def __init__(self, base_url: str, timeout: float):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout
        # urllib's timeout bounds each socket operation, not the whole request: a slow DNS answer or a
        # server that trickles bytes could hold intake for much longer. The caller waits at most `timeout`.
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="gdt-address")

    def search(self, postcode: str, house_number: int) -> list[AddressMatch]:
        # The settings are read here: the pool's threads have no app context.
        future = self._pool.submit(self._fetch, postcode, house_number, outbound.current_policy())
        try:
            return future.result(timeout=self.timeout)
        except FutureTimeout as slow:
            future.cancel()
            log.warning("address service: no answer within %.1f s", self.timeout)
            raise AddressServiceUnavailable("timeout") from slow

    def _fetch(self, postcode: str, house_number: int, policy: outbound.Policy) -> list[AddressMatch]:
        query = [("fq", f"postcode:{postcode}"), ("fq", f"huisnummer:{house_number}"), ("fq", "type:adres"),
                 ("rows", str(MAX_MATCHES)), ("fl", " ".join(PDOK_FIELDS))]
        url = f"{self.base_url}/free?{urllib.parse.urlencode(query)}"
        try:
            response = outbound.request("GET", url, headers={"Accept": "application/json", "User-Agent": "GDT"},
                                        timeout=self.timeout, max_bytes=MAX_RESPONSE_BYTES, policy=policy)
            if response.status != 200:
                raise ValueError(f"HTTP {response.status}")
            docs = json.loads(response.body)["response"]["docs"]
            if not isinstance(docs, list):
                raise ValueError("docs is not a list")
        except (outbound.OutboundError, ValueError, KeyError, TypeError) as failure:
            detail = failure.detail if isinstance(failure, outbound.OutboundError) else type(failure).__name__
            log.warning("address service unavailable: %s", detail)  # never the postcode
            raise AddressServiceUnavailable(type(failure).__name__) from failure
        return parse_docs(docs, postcode, house_number)


class FixtureAddresses:
    """A local table in the PDOK answer's shape ({"response": {"docs": [...]}}), read and indexed once."""

    def __init__(self, path: Path):
        self.path = path
        self._index: dict[tuple[str, int], list[AddressMatch]] | None = None

    def search(self, postcode: str, house_number: int) -> list[AddressMatch]:
        if self._index is None:
            self._index = self._load()
        return list(self._index.get((postcode, house_number), ()))

    def _load(self) -> dict[tuple[str, int], list[AddressMatch]]:
        docs = json.loads(self.path.read_text(encoding="utf-8"))["response"]["docs"]
        index: dict[tuple[str, int], list[AddressMatch]] = {}
        for match in parse_docs(docs):
            index.setdefault((match.postcode, match.house_number), []).append(match)
        return index


def parse_docs(docs: list, postcode: str | None = None, house_number: int | None = None) -> list[AddressMatch]:
    """The docs (at exactly this postcode and number, when given), each checked; a doc that does not fit is left out."""
    matches = {}
    for doc in docs:
        match = _match(doc) if isinstance(doc, dict) else None
        if match is not None and (postcode is None or (match.postcode, match.house_number) == (postcode, house_number)):
            matches.setdefault(match.bag_id or match.display, match)
    return list(matches.values())


def _match(doc: dict) -> AddressMatch | None:
    letter, toevoeging = _part(doc.get("huisletter"), HOUSE_LETTER), _part(doc.get("huisnummertoevoeging"), TOEVOEGING)
    try:
        postcode = normalise_postcode(_text(doc.get("postcode")))
        number = parse_house_number(doc.get("huisnummer") if isinstance(doc.get("huisnummer"), (int, str)) else None)
        addition = normalise_addition(f"{letter or ''}{toevoeging or ''}")
        street = clean_text(_text(doc.get("straatnaam")), max_length=120, multiline=False)
        city = clean_text(_text(doc.get("woonplaatsnaam")), max_length=80, multiline=False)
        shown = clean_text(_text(doc.get("weergavenaam")), max_length=250, multiline=False)
    except InvalidValue:
        return None
    if letter is False or toevoeging is False or not street or not city:
        return None
    house = f"{number}{letter or ''}{'-' + toevoeging if toevoeging else ''}"
    lon, lat = _point(doc.get("centroide_ll"), LON_RANGE, LAT_RANGE)
    rd_x, rd_y = _point(doc.get("centroide_rd"), RD_X_RANGE, RD_Y_RANGE)
    if None in (lat, rd_x):
        lat = lon = rd_x = rd_y = None
    return AddressMatch(postcode=postcode, house_number=number, addition=addition, street=street, city=city,
                        bag_id=_code(doc.get("nummeraanduiding_id"), BAG_ID),
                        wijk_code=_code(doc.get("wijkcode"), WIJK_CODE),
                        buurt_code=_code(doc.get("buurtcode"), BUURT_CODE),
                        display=shown or f"{street} {house}, {postcode[:4]} {postcode[4:]} {city}",
                        lat=lat, lon=lon, rd_x=rd_x, rd_y=rd_y)


def _point(value, first_range: tuple, second_range: tuple) -> tuple[float | None, float | None]:
    """A WKT "POINT(a b)" with both numbers in range, else (None, None)."""
    found = POINT.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is None:
        return None, None
    first, second = float(found.group(1)), float(found.group(2))
    if not (first_range[0] <= first <= first_range[1] and second_range[0] <= second <= second_range[1]):
        return None, None
    return first, second


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def _part(value, pattern: re.Pattern) -> str | None | bool:
    """A house letter or toevoeging: None when absent, False when present but malformed."""
    if value is None or value == "":
        return None
    return value.upper() if isinstance(value, str) and pattern.fullmatch(value) else False


def _code(value, pattern: re.Pattern) -> str | None:
    """A BAG id or CBS code only when it has the documented form (strings: ids keep their leading zeros)."""
    return value if isinstance(value, str) and pattern.fullmatch(value) else None


def _addition_order(match: AddressMatch) -> tuple:
    """12, 12A, 12B, 12-2, 12-10: numbers inside additions compare as numbers."""
    parts = re.split(r"([0-9]+)", match.addition or "")
    return match.addition is not None, [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in parts]
