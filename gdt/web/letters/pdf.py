"""A letter's PDF shown in the browser (the previews): inline, never kept in a cache."""
from flask import make_response


def inline_pdf(data: bytes, filename: str):
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
