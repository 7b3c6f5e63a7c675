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


# "poging(en)", "casus(sen)", "afspraak/afspraken": ngettext writes the right form. In Python only the Dutch
# endings count (the English comments, logs and CLI lines may say "record(s)").
PLURAL_HACK = re.compile(r"\w\((?:en|sen)\)|\b(\w+)/\1(?:en|s)\b")
TEMPLATE_PLURAL_HACK = re.compile(r"\w\(s\)")


def lines_matching(pattern):
    return [f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
            for path in texts()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
            if pattern.search(line)]


def test_no_text_writes_a_plural_with_a_bracketed_ending():
    assert lines_matching(PLURAL_HACK) == []
    assert [line for line in lines_matching(TEMPLATE_PLURAL_HACK) if line.startswith("templates/")] == []


def test_the_staff_member_who_directs_cases_is_the_regisseur():
    assert lines_matching(re.compile("coördinator", re.IGNORECASE)) == []


def test_the_app_is_spelt_woonoverlast_app_everywhere():
    assert lines_matching(re.compile("Woonoverlast-App|Woonoverlast App|WoonoverlastApp")) == []
    for path in (ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))):
        assert "Woonoverlast-App" not in path.read_text(encoding="utf-8"), path
