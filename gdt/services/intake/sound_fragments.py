"""Is an upload a real recording? Read by mutagen as the container its extension names, not only by its magic bytes.

The first bytes of a sound file are easy to fake: `ID3` followed by an HTML page passes a magic-byte
check as .mp3. Sound fragments are stored as sent (re-encoding audio would need a codec we do not ship),
so they are kept only when mutagen reads them as audio of the named type with a duration, and when no
markup a browser would run sits anywhere in the bytes (a page appended to, or hidden in, a recording).
"""
import io
import re
import struct

from mutagen import MutagenError
from mutagen.aac import AAC
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggflac import OggFLAC
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis
from mutagen.wave import WAVE

READERS = {"mp3": (MP3,), "ogg": (OggVorbis, OggOpus, OggFLAC), "wav": (WAVE,), "m4a": (MP4, AAC), "aac": (AAC,)}
# Markup a browser or a script host would act on; random audio bytes essentially never spell these.
MARKUP = re.compile(rb"<(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|\?php)\b", re.IGNORECASE)


def is_recording(data: bytes, extension: str) -> bool:
    """True when mutagen reads `data` as a recording of the `extension`'s type that lasts, and it holds no markup."""
    if MARKUP.search(data):
        return False
    for reader in READERS[extension]:
        try:
            info = reader(io.BytesIO(data)).info
        except (MutagenError, ValueError, KeyError, IndexError, EOFError, OverflowError):
            continue  # not this container (or a damaged one)
        if getattr(info, "length", 0) and info.length > 0:
            return extension != "wav" or _whole_wav(data)
    return False


def _whole_wav(data: bytes) -> bool:
    """The data chunk holds every byte its header announces: mutagen takes a WAV's length from the header alone."""
    offset = 12
    while offset + 8 <= len(data):
        kind, size = struct.unpack_from("<4sI", data, offset)
        if kind == b"data":
            return 0 < size <= len(data) - offset - 8
        offset += 8 + size + (size & 1)  # chunks are padded to an even length
    return False
