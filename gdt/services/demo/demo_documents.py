"""A few case documents on the demo's running cases (gdt.services.documents), so the case page's "Documenten", the
document's page and the partner's shared documents show something: small PDFs made with WeasyPrint.

Added in the demo's unit of work through the documents service (its checks and its storage), by the system
(no actor); the texts are invented."""
from datetime import datetime, timedelta

import sqlalchemy as sa
from markupsafe import escape
from weasyprint import HTML

from gdt.db import AMSTERDAM, db
from gdt.models import Case, CaseParty
from gdt.services.documents import store

DEMO_CASES = 3
# (type, title, days before now, shared with the case's partners, paragraphs)
DOCUMENTS = (
    ("rapportage", "Verslag huisbezoek", 12, True,
     ("Huisbezoek afgelegd met de wijkagent.", "De bewoners erkennen de geluidsoverlast in de avond en zeggen toe "
      "na 22.00 uur geen muziek meer te draaien.")),
    ("bemiddelingsverslag", "Verslag buurtbemiddeling", 7, False,
     ("Eerste gesprek met beide partijen onder leiding van twee bemiddelaars.", "Afspraken: vaste stille uren en "
      "over vier weken een evaluatiegesprek.")),
)
WARNING = ("brief", "Waarschuwingsbrief", 3, True,
           ("Geachte bewoner,", "Ondanks eerdere afspraken blijven er meldingen van overlast binnenkomen. Wij wijzen u "
            "erop dat de burgemeester bij aanhoudende overlast een gedragsaanwijzing kan opleggen."))


def add(now: datetime) -> int:
    """Documents on the newest running cases with people involved; returns how many were added."""
    cases = list(db.session.scalars(sa.select(Case).where(Case.status != "merged", Case.closed_at.is_(None),
                                                          Case.parties.any(CaseParty.role == "subject"))
                                    .order_by(Case.opened_at.desc()).limit(DEMO_CASES)))
    added = 0
    for number, case in enumerate(cases):
        for document_type, title, days, shared, paragraphs in DOCUMENTS + ((WARNING,) if number == 0 else ()):
            day = (now - timedelta(days=days + number)).astimezone(AMSTERDAM).date()
            document = store.add_document(case, document_type=document_type, title=title, document_date=day,
                                          visible_to_partners=shared, data=_pdf(title, case.reference, paragraphs),
                                          filename=f"{document_type}.pdf", actor=None)
            added += 1
            if document_type == "brief":  # a corrected second version, as happens with letters
                store.add_version(document, data=_pdf(title, case.reference, paragraphs + ("(Gecorrigeerde versie.)",)),
                                  filename="brief-v2.pdf", actor=None)
    return added


def _pdf(title: str, reference: str, paragraphs: tuple[str, ...]) -> bytes:
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    html = (f'<html lang="nl"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            "<style>body { font-family: sans-serif; font-size: 11pt; } h1 { font-size: 16pt; }</style></head>"
            f"<body><h1>{escape(title)}</h1><p>Casus {escape(reference)}</p>{body}</body></html>")
    return HTML(string=html).write_pdf()
