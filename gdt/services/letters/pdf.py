"""A letter as PDF/UA (WeasyPrint) in a Dutch municipal layout: sender block, addressee, "Ons kenmerk", date,
subject, body, signature and, for a decision, the objection clause in a box (templates/letters/pdf.html).

The page reads only a `Letter` of display strings and the body's sandboxed HTML. WeasyPrint may fetch nothing but
data: URLs (the logo is embedded as one): whatever a template's output names (file:, http:, a relative path) is
refused and comes out as nothing.
"""
import base64
from dataclasses import dataclass

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

TEMPLATE = "letters/pdf.html"


@dataclass(frozen=True)
class Letter:
    """Everything the page shows."""

    title: str  # the PDF's title: the template's name and the kenmerk
    subject: str
    body: Markup  # sandboxed, escaped fields (gdt.services.letters.sandbox)
    kenmerk: str
    datum: str
    geadresseerde: str
    adres: str
    coordinator: str
    is_decision: bool


def render(letter: Letter) -> bytes:
    config = current_app.config
    with force_locale("nl"):
        html = render_template(TEMPLATE, letter=letter, municipality=config["MUNICIPALITY_NAME"],
                               sender_lines=[line.strip() for line in (config.get("MUNICIPALITY_ADDRESS") or "")
                                             .split("|") if line.strip()],
                               contact=config.get("LETTER_CONTACT") or "", logo=_logo())
    from weasyprint import HTML  # lazily: needs Pango, see tests/system_packages.py
    return HTML(string=html, base_url=None, url_fetcher=data_only_fetcher()).write_pdf(pdf_variant="pdf/ua-1")


def data_only_fetcher():
    """A WeasyPrint URL fetcher that serves data: URLs and refuses every other URL (nothing is read or fetched)."""
    from weasyprint.urls import URLFetcher

    class DataOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.lower().startswith("data:"):
                raise ValueError("letters fetch nothing")
            return super().fetch(url, headers)

    return DataOnly(allowed_protocols=("data",), allow_redirects=False, timeout=1)


def _logo() -> str | None:
    """The theme's logo as a data: URL (read here from the checked theme setting), or None without one."""
    theme = current_app.extensions.get("gdt_theme")
    logo = getattr(theme, "logo", None)
    if logo is None or not logo.is_file():
        return None
    return f"data:{theme.logo_type};base64,{base64.b64encode(logo.read_bytes()).decode('ascii')}"
