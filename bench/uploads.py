"""Benchmark: what the worst photo uploads cost — time and peak memory of `attachments.prepare`.

Run from the repository root:

    .venv/bin/python bench/uploads.py [--concurrent 6]

Makes the nasty files in a temporary folder (all small on disk, huge once decoded):

* a 6 300 × 6 300 16-bit greyscale PNG (39.7 megapixels, under the 40 MP cap; ~300 KB);
* a 6 300 × 6 300 16-bit RGB PNG (6 bytes a pixel once inflated);
* a 5 000 × 5 000 RGBA PNG (25 megapixels, 4 bytes a pixel);
* a 7 300 × 5 400 JPEG (39.4 megapixels, noisy so it does not compress away);
* a 12-megapixel phone-sized JPEG as the everyday case.

Then, each in a fresh child process (so one file's peak does not hide the next one's), it runs
`prepare()` once and prints the wall time, the outcome (stored, or the refusal) and how far the
process's peak RSS (VmHWM) rose above its RSS before the call. Finally it runs `--concurrent`
uploads of the 16-bit greyscale PNG at once in threads of one process, as a web process with that many
threads would, and prints the wall time, the outcomes and the peak RSS growth.

The script only imports `gdt.services.intake.attachments` from the checkout it sits in, so the same
file run from an older checkout measures the code before a change.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)

CASES = (
    ("grey16.png", "6 300 × 6 300 PNG, 16-bit grey (39.7 MP)"),
    ("rgb16.png", "6 300 × 6 300 PNG, 16-bit RGB (39.7 MP)"),
    ("rgba.png", "5 000 × 5 000 PNG, RGBA (25 MP)"),
    ("large.jpg", "7 300 × 5 400 JPEG (39.4 MP)"),
    ("phone.jpg", "4 032 × 3 024 JPEG (12.2 MP, a phone photo)"),
)


def make_files(folder: Path) -> None:
    """The files of CASES; each is generated without holding more than one decoded image at a time."""
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((6300, 6300))
    grey = gradient.convert("I").point(lambda value: value * 257).convert("I;16")
    del gradient
    grey.save(folder / "grey16.png", "PNG")
    del grey
    # 16-bit RGB: Pillow writes no such mode, so the PNG is put together by hand from compressed rows.
    (folder / "rgb16.png").write_bytes(_png16_rgb(6300, 6300))
    Image.linear_gradient("L").resize((5000, 5000)).convert("RGBA").save(folder / "rgba.png", "PNG")
    for name, size, quality in (("large.jpg", (7300, 5400), 60), ("phone.jpg", (4032, 3024), 80)):
        noise = Image.merge("RGB", [Image.effect_noise(size, 12) for _ in range(3)])  # a photo's grain
        noise.save(folder / name, "JPEG", quality=quality)
        del noise


def _png16_rgb(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + bytes(range(256)) * (width * 6 // 256) + b"\x00" * (width * 6 % 256)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _memory() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) // 1024  # MB
    return fields


def _prepare(path: Path, outcomes: list, lock: threading.Lock) -> None:
    from gdt.services.core.errors import ValidationFailed
    from gdt.services.intake import attachments

    try:
        prepared = attachments.prepare(path.name, path.read_bytes())
        outcome = f"stored ({len(prepared.data) // 1024} KB JPEG)"
    except ValidationFailed as refused:
        outcome = f"refused: {type(refused).__name__} ({refused.status})"
    with lock:
        outcomes.append(outcome)


def child(path: Path, concurrent: int) -> None:
    """One measurement in this process: `concurrent` uploads of `path` at once (1: a single upload)."""
    from flask import Flask
    from flask_babel import Babel

    import gdt.services.intake.attachments  # noqa: F401  (imported before the baseline is taken)

    app = Flask("bench")
    Babel(app)  # refusals format their Dutch message
    outcomes, lock = [], threading.Lock()
    path.read_bytes()
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # reset VmHWM to the current RSS
    before = _memory()["VmRSS"]
    started = time.perf_counter()

    def run():
        with app.app_context():
            _prepare(path, outcomes, lock)

    threads = [threading.Thread(target=run) for _ in range(concurrent)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    peak = _memory()["VmHWM"]
    summary = ", ".join(f"{outcomes.count(outcome)}× {outcome}" for outcome in sorted(set(outcomes)))
    print(f"{elapsed:6.2f} s | RSS {before} → peak {peak} MB (+{peak - before} MB) | {summary}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--concurrent", type=int, default=6)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(Path(args.child), args.threads)
        return
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, checkout {ROOT}")
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        make_files(folder)
        for name, label in CASES:
            size = (folder / name).stat().st_size
            print(f"{label}, {size / 1024:,.0f} KB on disk: ", end="", flush=True)
            subprocess.run([sys.executable, __file__, "--child", str(folder / name)], check=True)
        print(f"{args.concurrent} × the 16-bit grey PNG at once, one process: ", end="", flush=True)
        subprocess.run([sys.executable, __file__, "--child", str(folder / "grey16.png"),
                        "--threads", str(args.concurrent)], check=True)


if __name__ == "__main__":
    main()
