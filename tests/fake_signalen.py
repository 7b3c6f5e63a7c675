"""A local fake of Signalen's private API and its OpenID provider's token endpoint, from the facts in the README's
"Signalen" section: paginated signal lists with filters and `_links.next`, attachments, PATCH of a state within
Signalen's workflow matrix (400 outside it), bearer tokens that expire. Faults can be switched on: a 500 on a given
page, a slow answer, every token expired at once."""
import json
import threading
import time
import urllib.parse
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler

from tests.local_server import LocalServer

LIST = "/signals/v1/private/signals/"
# Signalen's workflow matrix, as far as the documentation gives it (from "o" only "reopened").
MATRIX = {
    "m": {"m", "i", "b", "ready to send", "o", "a", "ingepland", "reaction requested", "forward to external"},
    "i": {"m", "i", "ingepland", "closure requested", "o", "ready to send", "b", "a", "reaction requested",
          "forward to external"},
    "b": {"m", "ingepland", "b", "o", "a", "ready to send", "closure requested", "reaction requested",
          "forward to external"},
    "o": {"reopened"},
}
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def signal(number: int, *, sub_slug: str = "overlast-van-personen-of-groepen", department: str = "GDT",
           source: str = "online", photos: int = 0, address: bool = True, email: str | None = None) -> dict:
    created = START + timedelta(minutes=number)
    return {
        "id": number, "id_display": f"SIG-{number}", "signal_id": f"00000000-0000-0000-0000-{number:012d}",
        "text": f"Harde muziek en geschreeuw bij de buren, melding {number}.", "text_extra": "",
        "source": source, "created_at": created.isoformat(), "updated_at": created.isoformat(),
        "incident_date_start": (created - timedelta(hours=3)).isoformat(), "incident_date_end": None,
        "category": {"sub": "Overlast van personen", "sub_slug": sub_slug, "main": "Overlast",
                     "main_slug": "overlast", "departments": department},
        "location": {"address": {"openbare_ruimte": "Stratumseind", "huisnummer": 1 + number % 40,
                                 "huisletter": "", "huisnummer_toevoeging": "", "postcode": "5611ET",
                                 "woonplaats": "Eindhoven"} if address else None,
                     "address_text": "Stratumseind", "geometrie": {"type": "Point", "coordinates": [5.48, 51.44]}},
        "reporter": {"email": email, "phone": None, "sharing_allowed": False, "allows_contact": bool(email)},
        "status": {"state": "m", "state_display": "Gemeld", "text": None},
        "priority": {"priority": "normal"}, "type": {"code": "SIG"},
        "has_attachments": photos > 0, "photos": photos,
    }


class FakeSignalen(LocalServer):
    """Start with `with FakeSignalen(signals, photo=bytes) as fake:`; `fake.api_url`, `fake.token_url`."""

    def __init__(self, signals: list[dict], *, photo: bytes = b"", token_seconds: float = 300):
        self.signals = {item["id"]: item for item in signals}
        self.photo, self.token_seconds = photo, token_seconds
        self.tokens: dict[str, float] = {}
        self.issued = 0
        self.fail_pages: dict[int, int] = {}  # page number -> how many times to answer 500
        self.slow_seconds = 0.0
        self.expire_at_page: int | None = None  # every token stops working when this page is asked for
        self.patches: list[tuple[int, dict]] = []
        self.refused: list[tuple[int, str, str]] = []
        self.list_requests: list[dict] = []
        self.lock = threading.Lock()
        super().__init__(self._handler())
        self.api_url, self.token_url = self.base, f"{self.base}/token"

    def expire_tokens(self) -> None:
        with self.lock:
            self.tokens.clear()

    def state(self, signal_id: int) -> str:
        return self.signals[signal_id]["status"]["state"]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                if self.path != "/token":
                    return self._send(404, {})
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                if form.get("grant_type") != "client_credentials" or form.get("client_secret") != "geheim":
                    return self._send(401, {"error": "invalid_client"})
                with fake.lock:
                    fake.issued += 1
                    token = f"token-{fake.issued}"
                    fake.tokens[token] = time.monotonic() + fake.token_seconds
                return self._send(200, {"access_token": token, "expires_in": fake.token_seconds,
                                        "token_type": "Bearer"})

            def do_GET(self):
                if not self._authorised():
                    return self._send(401, {"detail": "Authentication credentials were not provided."})
                time.sleep(fake.slow_seconds)
                parts = urllib.parse.urlsplit(self.path)
                if parts.path == LIST:
                    return self._list(dict(urllib.parse.parse_qsl(parts.query)))
                if parts.path.startswith(LIST) and parts.path.endswith("/attachments/"):
                    number = int(parts.path[len(LIST):].split("/")[0])
                    items = [{"_links": {"self": {"href": f"{fake.base}/files/{number}/foto-{index}.jpg"}},
                              "is_image": True, "created_at": fake.signals[number]["created_at"]}
                             for index in range(fake.signals[number].get("photos", 0))]
                    return self._send(200, {"_links": {}, "count": len(items), "results": items})
                if parts.path.startswith("/files/"):
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.send_header("Content-Length", str(len(fake.photo)))
                    self.end_headers()
                    self.wfile.write(fake.photo)
                    return None
                return self._send(404, {})

            def do_PATCH(self):
                if not self._authorised():
                    return self._send(401, {})
                number = int(urllib.parse.urlsplit(self.path).path[len(LIST):].strip("/"))
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length))
                wanted = body["status"]["state"]
                with fake.lock:
                    current = fake.signals[number]["status"]["state"]
                    if wanted not in MATRIX.get(current, set()):
                        fake.refused.append((number, current, wanted))
                        return self._send(400, {"status": [f"Invalid state transition from {current} to "
                                                           f"{wanted}."]})
                    fake.signals[number]["status"] = {"state": wanted, "text": body["status"]["text"],
                                                      "send_email": body["status"].get("send_email")}
                    fake.patches.append((number, body["status"]))
                return self._send(200, fake.signals[number])

            def _list(self, query: dict):
                page, size = int(query.get("page", 1)), int(query.get("page_size", 100))
                with fake.lock:
                    fake.list_requests.append(query)
                    if fake.expire_at_page == page:
                        fake.expire_at_page = None
                        fake.tokens.clear()
                        return self._send(401, {"detail": "Token expired."})
                    if fake.fail_pages.get(page):
                        fake.fail_pages[page] -= 1
                        return self._send(500, {"detail": "Server error"})
                order = "updated_at" if query.get("ordering") == "updated_at" else "created_at"
                rows = sorted(fake.signals.values(), key=lambda item: (item[order], item["id"]))
                if "category_slug" in query:
                    rows = [row for row in rows if row["category"]["sub_slug"] == query["category_slug"]]
                if "directing_department" in query:
                    rows = [row for row in rows if query["directing_department"] in row["category"]["departments"]]
                for field in ("created", "updated"):
                    if f"{field}_after" in query:
                        after = datetime.fromisoformat(query[f"{field}_after"])
                        rows = [row for row in rows if datetime.fromisoformat(row[f"{field}_at"]) > after]
                chunk = rows[(page - 1) * size:page * size]
                more = page * size < len(rows)
                next_query = urllib.parse.urlencode({**query, "page": page + 1})
                public = [{key: value for key, value in row.items() if key != "photos"} for row in chunk]
                return self._send(200, {"_links": {"self": {"href": f"{fake.base}{self.path}"},
                                                   "next": {"href": f"{fake.base}{LIST}?{next_query}"
                                                            if more else None}},
                                        "count": len(rows), "results": public})

            def _authorised(self) -> bool:
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                with fake.lock:
                    expires = fake.tokens.get(token)
                return token == "vaste-token" or (expires is not None and expires > time.monotonic())

            def _send(self, status: int, document: dict):
                body = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler
