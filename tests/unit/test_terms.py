"""One word per term in the Dutch texts (docs/domain.md, glossary): the public reference of a report or case is the
*kenmerk* on every page, in every mail and in the API's Dutch descriptions — never "referentie" or
"meldingsnummer"."""
import re
from pathlib import Path

from gdt.services.intake import receipts, reporter_updates
from gdt.services.referrals import delivery

ROOT = Path(__file__).resolve().parents[2]
OTHER_WORD = re.compile(r"referentie|meldingsnummer", re.IGNORECASE)


def texts():
    """Every template and every Python module of the application (the catalogues are generated, so not here)."""
    yield from sorted((ROOT / "templates").rglob("*.html"))
    yield from sorted(path for path in (ROOT / "gdt").rglob("*.py") if "translations" not in path.parts)


def test_no_template_mail_or_message_uses_another_word_for_kenmerk():
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
             for path in texts()
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if OTHER_WORD.search(line)]
    assert found == []


def test_the_mails_name_the_reference_kenmerk():
    for body in (receipts.BODY, reporter_updates.BODY, delivery.BODY):
        assert "Kenmerk: {reference}" in body
    for body in (receipts.BODY, reporter_updates.BODY):
        assert "noem uw kenmerk" in body
