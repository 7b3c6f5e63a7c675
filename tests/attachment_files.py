"""Real files for upload tests, made on the spot: photos with EXIF and GPS, and tiny valid recordings of every type."""
import io
import struct
import wave
import zlib

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


def wav(seconds: float = 0.1) -> bytes:
    """A real recording, written by the standard library: 16-bit mono silence at 8 kHz."""
    out = io.BytesIO()
    with wave.open(out, "wb") as recording:
        recording.setnchannels(1)
        recording.setsampwidth(2)
        recording.setframerate(8000)
        recording.writeframes(b"\x00\x00" * int(8000 * seconds))
    return out.getvalue()


def png_header(width: int, height: int, bit_depth: int = 16, colour_type: int = 6) -> bytes:
    """A PNG whose header announces width × height (16-bit RGBA by default) with no real pixels behind it."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    pixels = chunk(b"IDAT", zlib.compress(b"\x00" * 64))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + pixels + chunk(b"IEND", b"")


def ogg(seconds: float = 1.0) -> bytes:
    """A valid Ogg Opus stream: the identification and comment headers and one audio page ending at `seconds`."""
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, 312, 48000, 0, 0)
    tags = b"OpusTags" + struct.pack("<I", 3) + b"gdt" + struct.pack("<I", 0)
    audio = b"\xf8\xff\xfe"  # one 20 ms frame of silence (TOC byte and a tiny payload)
    return (_ogg_page(head, 0, 0, 0x02) + _ogg_page(tags, 0, 1, 0x00)
            + _ogg_page(audio, 312 + int(48000 * seconds), 2, 0x04))


def mp3(frames: int = 40) -> bytes:
    """A valid MPEG-1 layer III stream after an ID3 tag: silent 128 kbit/s frames at 44.1 kHz (about 1 s)."""
    header = b"\xff\xfb\x90\x64"
    frame = header + b"\x00" * (417 - len(header))  # 144 × 128 000 / 44 100 bytes, no padding
    tag = b"ID3\x04\x00\x00\x00\x00\x00\x00"
    return tag + frame * frames


def m4a(seconds: int = 1) -> bytes:
    """A valid MPEG-4 audio file: ftyp, and a moov with one sound track of `seconds` (no samples needed to read it)."""
    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", 8 + len(body)) + kind + body

    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = box(b"mvhd", struct.pack(">IIIII", 0, 0, 0, 1000, 1000 * seconds) + struct.pack(">IH", 0x10000, 0x100)
               + b"\x00" * 10 + matrix + b"\x00" * 24 + struct.pack(">I", 2))
    mdhd = box(b"mdhd", struct.pack(">IIIIIHH", 0, 0, 0, 44100, 44100 * seconds, 0x55C4, 0))
    hdlr = box(b"hdlr", struct.pack(">II", 0, 0) + b"soun" + b"\x00" * 12 + b"\x00")
    descriptors = b"\x03\x19\x00\x01\x00\x04\x11\x40\x15" + b"\x00" * 11 + b"\x05\x02\x12\x10\x06\x01\x02"
    esds = box(b"esds", b"\x00" * 4 + descriptors)
    mp4a = box(b"mp4a", b"\x00" * 6 + struct.pack(">H", 1) + b"\x00" * 8
               + struct.pack(">HHHHI", 1, 16, 0, 0, 44100 << 16) + esds)
    stsd = box(b"stsd", struct.pack(">II", 0, 1) + mp4a)
    trak = box(b"trak", box(b"mdia", mdhd + hdlr + box(b"minf", box(b"stbl", stsd))))
    ftyp = box(b"ftyp", b"M4A " + struct.pack(">I", 0) + b"M4A isom")
    return ftyp + box(b"moov", mvhd + trak)


def aac(frames: int = 50) -> bytes:
    """A valid ADTS stream: AAC-LC frames at 44.1 kHz, mono (mutagen reads their headers, never decodes them)."""
    payload = b"\x21\x10\x04\x60\x8c\x1c"  # a short raw data block
    length = 7 + len(payload)
    bits = (0xFFF << 44) | (0 << 43) | (0 << 41) | (1 << 40) | (1 << 38) | (4 << 34) | (0 << 33) | (1 << 30) \
        | (length << 13) | (0x7FF << 2) | 0
    return (bits.to_bytes(7, "big") + payload) * frames


def _ogg_page(packet: bytes, granule: int, sequence: int, flags: int) -> bytes:
    segments = [255] * (len(packet) // 255) + [len(packet) % 255]
    header = struct.pack("<4sBBqIII", b"OggS", 0, flags, granule, 0x47445431, sequence, 0) + bytes([len(segments)])
    page = header + bytes(segments) + packet
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def _ogg_crc(data: bytes) -> int:
    """Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, starting at 0."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc
