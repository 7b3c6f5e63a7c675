"""What a case document may be, checked from its bytes before anything is stored (OWASP ASVS V5.2).

The extension says what the uploader claims; the content must prove it. Photos and sound go through the intake
checks (`attachments.prepare`: photos decoded and re-encoded, so EXIF and anything else we did not draw is gone;
sound read by mutagen). PDFs must open with pypdf and carry no active content (JavaScript, launch actions,
embedded files, XFA forms). Office documents are ZIP containers that must declare their own type: docx and xlsx
in `[Content_Types].xml` (macro-enabled ones refused), odt in its `mimetype` entry. Legacy binary Office files
(.doc, .xls) are refused: their OLE container may carry macros we cannot check; save them as PDF or docx.
"""
import hashlib
import io
import re
import zipfile

from flask import current_app
from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from gdt.services.core.errors import ValidationFailed
from gdt.services.intake import attachments
from gdt.services.intake.attachments import PreparedFile, display_name

FIELD = "file"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an Office file's parts together, as the ZIP directory announces them
MAX_PARTS = 5000
PHOTO_EXTENSIONS = frozenset(attachments.PHOTO_EXTENSIONS)
SOUND_EXTENSIONS = frozenset(("mp3", "m4a", "wav", "ogg"))
OFFICE_TYPES = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
ODT_TYPE = "application/vnd.oasis.opendocument.text"
# Every content type a stored version can have (photos are kept as JPEG whatever they came as).
CONTENT_TYPES = ("application/pdf", *(types[0] for types in OFFICE_TYPES.values()), ODT_TYPE, "image/jpeg",
                 *sorted({attachments.AUDIO_TYPES[extension] for extension in SOUND_EXTENSIONS}))
ALLOWED = frozenset({"pdf", "docx", "xlsx", "odt"} | PHOTO_EXTENSIONS | SOUND_EXTENSIONS)
# PDF names that run or carry something when the file is opened; pypdf undoes #xx escapes in names.
ACTIVE_PDF_NAMES = ("/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA",
                    "/SubmitForm", "/ImportData")
# The same names in the raw bytes (outside compressed streams), only the long ones: three letters like /JS turn up
# by chance in compressed images; the structure walk finds those.
RAW_ACTIVE = re.compile(rb"/(JavaScript|Launch|EmbeddedFiles?|RichMedia|SubmitForm|ImportData)[\s/<>\[\]()]")

NOT_ALLOWED = _l("Dit soort bestand kan niet worden toegevoegd. Voeg een PDF, een foto (JPEG, PNG, HEIC), een "
                 "Office-document (docx, xlsx, odt) of een geluidsopname (mp3, m4a, wav, ogg) toe.")
LEGACY_OFFICE = _l("Oude Office-bestanden (.doc, .xls) kunnen niet worden toegevoegd. Sla het bestand op als PDF "
                   "of als docx/xlsx en voeg het dan toe.")
EMPTY = _l("Het bestand is leeg.")
TOO_LARGE = _l("Het bestand is te groot (hoogstens %(size)s MB).")
NOT_A_PDF = _l("Dit bestand is geen PDF die we kunnen lezen, al eindigt de naam op .pdf.")
ACTIVE_PDF = _l("Deze PDF bevat scripts, acties of ingesloten bestanden en kan daarom niet worden toegevoegd.")
NOT_OFFICE = _l("De inhoud van het bestand past niet bij de extensie .%(extension)s.")
MACROS = _l("Office-documenten met macro's kunnen niet worden toegevoegd.")


def prepare(filename: str | None, data: bytes) -> PreparedFile:
    """Check one upload and return the bytes to keep; ValidationFailed({"file": message}) when it cannot be kept."""
    extension = _extension(filename)
    if extension in ("doc", "xls", "ppt"):
        raise _refused(LEGACY_OFFICE)
    if extension not in ALLOWED:
        raise _refused(NOT_ALLOWED)
    if not data:
        raise _refused(EMPTY)
    limit = max_bytes()
    if len(data) > limit:
        raise _refused(TOO_LARGE % {"size": limit // (1024 * 1024)})
    if extension in PHOTO_EXTENSIONS or extension in SOUND_EXTENSIONS:
        return attachments.prepare(filename, data)  # the intake checks, EXIF stripping and messages
    if extension == "pdf":
        _check_pdf(data)
        content_type = "application/pdf"
    elif extension == "odt":
        _check_odt(data)
        content_type = ODT_TYPE
    else:
        _check_ooxml(data, extension)
        content_type = OFFICE_TYPES[extension][0]
    return PreparedFile("document", content_type, extension, data, hashlib.sha256(data).hexdigest(),
                        display_name(filename))


def max_bytes() -> int:
    return int(current_app.config.get("DOCUMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _check_pdf(data: bytes) -> None:
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise _refused(NOT_A_PDF)
    if RAW_ACTIVE.search(data):
        raise _refused(ACTIVE_PDF)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refused(NOT_A_PDF)
        root = reader.trailer["/Root"].get_object()
        pages = list(reader.pages)
        if _has_active(root, depth=0) or any(_has_active(page, depth=0) for page in pages):
            raise _refused(ACTIVE_PDF)
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError, RecursionError, OSError):
        raise _refused(NOT_A_PDF) from None


def _has_active(node, *, depth: int, seen: set | None = None) -> bool:
    """Walk the catalog or a page (actions, annotations, names tree, forms) for an active name; inside compressed
    object streams the raw-bytes check above cannot see them."""
    seen = set() if seen is None else seen
    if depth > 12:
        return False
    reference = getattr(node, "indirect_reference", None)
    if reference is not None:
        key = (reference.idnum, reference.generation)
        if key in seen:
            return False
        seen.add(key)
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ACTIVE_PDF_NAMES or (key == "/S" and str(value) in ACTIVE_PDF_NAMES):
                return True
            if key in ("/Parent", "/Contents", "/Resources", "/P"):
                continue  # back links and page content: large, and no actions live there
            if _has_active(value, depth=depth + 1, seen=seen):
                return True
    elif isinstance(node, list):
        return any(_has_active(item, depth=depth + 1, seen=seen) for item in node)
    return False


def _zip(data: bytes, extension: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refused(NOT_OFFICE % {"extension": extension}) from None
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise _refused(TOO_LARGE % {"size": max_bytes() // (1024 * 1024)})
    return archive


def _read_part(archive: zipfile.ZipFile, name: str, extension: str, limit: int = 1024 * 1024) -> bytes:
    try:
        info = archive.getinfo(name)
        if info.file_size > limit:
            raise _refused(NOT_OFFICE % {"extension": extension})
        return archive.read(info)
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise _refused(NOT_OFFICE % {"extension": extension}) from None


def _check_ooxml(data: bytes, extension: str) -> None:
    if not data.startswith(b"PK\x03\x04"):
        raise _refused(NOT_OFFICE % {"extension": extension})
    archive = _zip(data, extension)
    types = _read_part(archive, "[Content_Types].xml", extension).decode("utf-8", "replace")
    names = {name.lower() for name in archive.namelist()}
    if "macroenabled" in types.lower() or any(name.endswith("vbaproject.bin") for name in names):
        raise _refused(MACROS)
    if not re.search(rf'ContentType="{re.escape(OFFICE_TYPES[extension][1])}"', types):
        raise _refused(NOT_OFFICE % {"extension": extension})


def _check_odt(data: bytes) -> None:
    archive = _zip(data, "odt") if data.startswith(b"PK\x03\x04") else None
    if archive is None or _read_part(archive, "mimetype", "odt", limit=200).strip() != ODT_TYPE.encode():
        raise _refused(NOT_OFFICE % {"extension": "odt"})
    if any(name.lower().startswith(("basic/", "scripts/")) for name in archive.namelist()):
        raise _refused(MACROS)


def _extension(filename: str | None) -> str:
    name = re.split(r"[\\/]", (filename or "").strip())[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _refused(message) -> ValidationFailed:
    return ValidationFailed({FIELD: message})
