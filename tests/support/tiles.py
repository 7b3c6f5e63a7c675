"""A local tile server for the map tests: every /{z}/{x}/{y}.png is one small PNG, and each request is counted, so a
test can tell the map fetched its base map without the network (MAP_TILE_URL points here)."""
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def png(width: int = 256, height: int = 256, rgb: tuple[int, int, int] = (222, 230, 214)) -> bytes:
    """A plain-coloured PNG (a pale map green), written by hand: no imaging library needed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class TileServer:
    """`with TileServer() as tiles:` … `tiles.url_template`, `tiles.requests` (the paths asked)."""

    def __init__(self):
        self.requests: list[str] = []
        tile, requests = png(), self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(tile)))
                self.send_header("Access-Control-Allow-Origin", "*")
                self.end_headers()
                self.wfile.write(tile)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url_template = f"http://127.0.0.1:{self.server.server_port}/tiles/{{z}}/{{x}}/{{y}}.png"

    def __enter__(self) -> "TileServer":
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
