"""Real documents for upload tests, made on the spot: PDFs (plain and with active content) and Office containers."""
import io
import zipfile

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript(escaped: bool = False) -> bytes:
    """A PDF that runs a script when opened (an OpenAction); escaped: its name written /J#61vaScript."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert(1)")})
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue().replace(b"/JavaScript", b"/J#61vaScript") if escaped else out.getvalue()


def _zip(parts: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return out.getvalue()


def ooxml(main: str = DOCX_MAIN, extra: dict | None = None) -> bytes:
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             f'content-types"><Override PartName="/word/document.xml" ContentType="{main}"/></Types>')
    return _zip({"[Content_Types].xml": types, "word/document.xml": "<w:document/>", **(extra or {})})


def docx() -> bytes:
    return ooxml()


def xlsx() -> bytes:
    return ooxml(XLSX_MAIN)


def odt(mimetype: str = "application/vnd.oasis.opendocument.text") -> bytes:
    return _zip({"mimetype": mimetype, "content.xml": "<office:document-content/>"})
