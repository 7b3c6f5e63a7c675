"""Dutch is the default, English is one switch away: the catalogue is complete and it is what the pages use.

The source strings are Dutch; gdt/translations/en/LC_MESSAGES/messages.po holds the English. The catalogue
checks below extract the marked strings from the code and templates the same way `pybabel extract -F babel.cfg`
does (see babel.cfg), so UI text added without an English translation fails here, not in front of a user.
"""
import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "gdt" / "translations"
POT = TRANSLATIONS / "messages.pot"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = DEFAULT_KEYWORDS | {"_l": None, "lazy_gettext": None}  # as `pybabel extract -k _l -k lazy_gettext`


def _read(path: Path):
    with path.open("rb") as file:
        return read_po(file)


def _ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


def _label(message_id) -> str:
    return message_id if isinstance(message_id, str) else " | ".join(message_id)


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogue(app):
    """The .mo is git-ignored (`make translations` builds it); compile it here when missing or older than the .po.

    Flask-Babel caches catalogues per locale for the life of the process, so the cache is emptied afterwards:
    a page rendered in English before the .mo existed must not pin an empty catalogue.
    """
    with app.app_context():
        folders = [os.path.abspath(path) for path in app.extensions["babel"].translation_directories]
    assert str(TRANSLATIONS) in folders
    if not MO.exists() or MO.stat().st_mtime < PO.stat().st_mtime:
        catalog = _read(PO)
        partial = MO.with_name(f"{MO.name}.{os.getpid()}.tmp")  # written aside, then renamed: never half a file
        with partial.open("wb") as file:
            write_mo(file, catalog)
        partial.replace(MO)
    with app.app_context():
        app.extensions["babel"].instance.domain_instance.cache.clear()
    return MO


def _switch_to_english(client, next_path="/login"):
    response = client.post("/language", data={"locale": "en", "next": next_path})
    assert response.status_code == 302 and response.headers["Location"] == next_path
    return response


# --- the pages ------------------------------------------------------------------------------------------------

def test_dutch_is_the_default(app, db):
    page = app.test_client().get("/login").text
    assert '<html lang="nl"' in page
    assert '<h1 class="utrecht-heading-1">Inloggen</h1>' in page
    assert "Wachtwoord" in page and "Password" not in page


def test_the_language_switch_shows_the_login_page_in_english(app, db):
    client = app.test_client()
    _switch_to_english(client)
    page = client.get("/login").text
    assert '<html lang="en"' in page
    assert "<title>Log in – GDT</title>" in page
    assert '<h1 class="utrecht-heading-1">Log in</h1>' in page
    assert "Email address" in page and "Password" in page and ">Language</span>" in page
    assert '<span class="gdt-language__current" lang="en" aria-current="true">English</span>' in page
    for dutch in ("Inloggen", "Wachtwoord", "E-mailadres", ">Taal<"):
        assert dutch not in page


def test_the_choice_sticks_and_can_be_undone(app, db):
    client = app.test_client()
    _switch_to_english(client)
    assert '<html lang="en"' in client.get("/login").text
    assert '<html lang="en"' in client.get("/login").text
    client.post("/language", data={"locale": "nl", "next": "/login"})
    assert '<h1 class="utrecht-heading-1">Inloggen</h1>' in client.get("/login").text


def test_an_unknown_language_is_refused_and_dutch_stays(app, db):
    client = app.test_client()
    client.post("/language", data={"locale": "xx", "next": "/login"})
    assert '<html lang="nl"' in client.get("/login").text


def test_form_errors_are_translated_too(app, db):
    """Validation messages are lazy strings from the form classes: they must follow the request's locale."""
    client = app.test_client()
    _switch_to_english(client)
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "Enter your email address." in response.text and "Enter your password." in response.text
    assert "Something has not been filled in correctly" in response.text
    assert "Vul uw" not in response.text


def test_staff_pages_in_english_with_navigation_and_plurals(make, client_as):
    first = make.report()
    make.report()
    latest = make.report()
    client = client_as("coordinator")
    _switch_to_english(client, "/intake/queue")

    queue = client.get("/intake/queue").text
    assert '<html lang="en"' in queue
    assert '<h1 class="utrecht-heading-1">Intake queue</h1>' in queue
    for menu_item in ("To triage", "Cases", "Statistics", "Log out"):  # lazy strings defined at import time
        assert menu_item in queue

    known = client.get(f"/intake/reports/{latest.reference}").text
    assert "The team knows of 2 other reports at this address." in known
    lone = make.report(postcode="1234AB")
    assert "This address is not yet known to the team." in client.get(f"/intake/reports/{lone.reference}").text
    assert first.reference in queue


# --- the catalogue --------------------------------------------------------------------------------------------


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    catalog = _read(PO)
    assert str(catalog.locale) == "en"
    assert not catalog.fuzzy, "the .po header is marked fuzzy"
    empty, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        if not all(strings) or len(strings) != (catalog.num_plurals if message.pluralizable else 1):
            empty.append(_label(message.id))
        if message.fuzzy:
            fuzzy.append(_label(message.id))
    assert not empty, f"untranslated in {PO.relative_to(ROOT)}: {empty}"
    assert not fuzzy, f"fuzzy in {PO.relative_to(ROOT)}: {fuzzy}"


def test_translations_keep_the_placeholders():
    """%(reference)s in, %(reference)s out: a lost or renamed placeholder breaks the page at runtime."""
    pattern = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")
    problems = []
    for message in _read(PO):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        wanted = set().union(*(pattern.findall(message_id) for message_id in ids))
        problems += [(_label(message.id), string) for string in strings if set(pattern.findall(string)) != wanted]
    assert not problems


def test_every_message_in_the_template_is_in_the_english_catalogue():
    missing = _ids(_read(POT)) - _ids(_read(PO))
    assert not missing, "run `pybabel update` (see babel.cfg) and translate: " + "; ".join(
        sorted(_label(message_id) for message_id in missing)
    )


def test_every_marked_string_in_code_and_templates_has_an_english_translation():
    """Extracts afresh, so a string added since the last `pybabel extract` is caught as well."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)

    def scanned(directory: str) -> bool:  # as --ignore-dirs ".* __pycache__": templates/_macros is scanned
        name = os.path.basename(directory)
        return not name.startswith(".") and name != "__pycache__"

    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=scanned
    ):
        if context is None:
            found.setdefault(message, f"{filename}:{lineno}")
    assert any(where.startswith("templates/_macros/") for where in found.values())
    assert any(where.startswith("gdt/validation.py") for where in found.values())
    translated = _ids(_read(PO))
    missing = sorted(f"{where}: {_label(message)}" for message, where in found.items() if message not in translated)
    assert not missing, "marked for translation but missing from the English catalogue:\n" + "\n".join(missing)
