"""Real files for upload tests, made on the spot: photos with EXIF and GPS, and minimal audio containers."""
import io
import struct

from PIL import Image

GPS_IFD, ORIENTATION = 0x8825, 0x0112


def jpeg_with_gps(size=(64, 48), orientation=6, mode="RGB") -> bytes:
    """A phone photo: EXIF with a GPS position and an orientation (6 = rotate 90° to show upright)."""
    image = Image.new(mode, size, "red" if mode == "RGB" else 0)
    exif = image.getexif()
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (51.0, 26.0, 29.0), 3: "E", 4: (5.0, 28.0, 45.0)}
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"secret comment")
    return out.getvalue()


def png(mode="RGBA", size=(40, 30)) -> bytes:
    image = Image.new(mode, size)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def heic(size=(32, 24)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, "HEIF")
    return out.getvalue()


def wav() -> bytes:
    samples = b"\x00\x00" * 800
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, 8000, 16000, 2, 16)
    data = struct.pack("<4sI", b"data", len(samples)) + samples
    return struct.pack("<4sI4s", b"RIFF", 4 + len(fmt) + len(data), b"WAVE") + fmt + data


def ogg() -> bytes:
    return b"OggS\x00\x02" + b"\x00" * 20 + b"\x01\x1evorbis" + b"\x00" * 40


def mp3() -> bytes:
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 400


def m4a() -> bytes:
    return struct.pack(">I4s4sI", 20, b"ftyp", b"M4A ", 0) + b"isom" + struct.pack(">I4s", 8, b"free")


def aac() -> bytes:
    return b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 100
