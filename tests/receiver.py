"""A local receiver of GDT's webhooks and events: it keeps every request and answers with the statuses it is given."""
import threading
from http.server import BaseHTTPRequestHandler

from tests.local_server import LocalServer


class Receiver(LocalServer):
    """`with Receiver(statuses=[500, 200]) as receiver:` answers 500, then 200 (the last one from then on)."""

    def __init__(self, statuses: list[int] | None = None):
        self.statuses = list(statuses or [200])
        self.requests: list[tuple[dict, bytes]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.requests.append((dict(self.headers), body))
                    status = receiver.statuses.pop(0) if len(receiver.statuses) > 1 else receiver.statuses[0]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        super().__init__(Handler)
        self.url = f"{self.base}/gdt-events"
