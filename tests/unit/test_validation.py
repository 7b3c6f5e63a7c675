"""The shared field rules against bad inputs: overlong, control characters, other scripts, look-alike digits,
format characters that reorder or hide text."""
import unicodedata

import pytest

from gdt.validation import (
    InvalidValue,
    clean_name,
    clean_text,
    name_line,
    normalise_addition,
    normalise_email,
    normalise_phone,
    normalise_postcode,
    parse_house_number,
)


@pytest.mark.parametrize(("raw", "clean"), [("1234ab", "1234AB"), (" 1234 ab ", "1234AB"), ("1234  AB", "1234AB"),
                                            ("5611AB", "5611AB")])
def test_postcodes_in_any_common_spelling(raw, clean):
    assert normalise_postcode(raw) == clean


@pytest.mark.parametrize("raw", ["0123AB", "1234SA", "1234 ss", "1234SD", "1234A", "1234ABC", "123AB", "１２３４AB",
                                 "١٢٣٤AB", "1234ÅB", "1234AB\u200b", "1234\u00a0AB", "", None])
def test_bad_postcodes_are_refused(raw):
    with pytest.raises(InvalidValue):
        normalise_postcode(raw)


@pytest.mark.parametrize("raw", ["0", "-1", "100000", "12a", "1e3", "1.5", "1_000", "١٢", "99999999999999999999",
                                 "", "  ", None])
def test_bad_house_numbers_are_refused(raw):
    with pytest.raises(InvalidValue):
        parse_house_number(raw)


def test_house_numbers_and_additions():
    assert parse_house_number(" 12 ") == 12 and parse_house_number(99999) == 99999
    assert normalise_addition("a") == "A" and normalise_addition("2-hg") == "2HG" and normalise_addition("") is None
    for raw in ("1234567", "É", "a;b"):
        with pytest.raises(InvalidValue):
            normalise_addition(raw)


def test_text_is_normalised_and_control_characters_refused():
    assert clean_text("  e\u0301  ", max_length=10) == "é"
    assert clean_text("   ", max_length=10) is None
    for raw in ("a\x00b", "\ud800", "x" * 11):
        with pytest.raises(InvalidValue):
            clean_text(raw, max_length=10)
    with pytest.raises(InvalidValue):
        clean_text("naam\r\nBcc: x", max_length=100, multiline=False)


def test_a_refused_text_is_told_what_the_field_accepts():
    with pytest.raises(InvalidValue, match="^Gebruik alleen letters, cijfers, spaties, leestekens, symbolen en "
                                           "regeleinden.$"):
        clean_text("a\x00b", max_length=10)
    with pytest.raises(InvalidValue, match="^Gebruik alleen letters, cijfers, spaties, leestekens en symbolen, op "
                                           "één regel.$"):
        clean_text("naam\r\nBcc: x", max_length=100, multiline=False)
    with pytest.raises(InvalidValue, match="^Gebruik hoogstens 10 tekens.$"):
        clean_text("x" * 11, max_length=10)


def test_phone_and_email():
    assert normalise_phone("06 - 1234 5678") == "0612345678" and normalise_phone("+31 6 12345678") == "+31612345678"
    assert normalise_email(" Piet@Example.NL ") == "piet@example.nl"
    for rule, raw in ((normalise_phone, "12"), (normalise_phone, "٠٦١٢٣٤٥٦٧٨"), (normalise_email, "piet@"),
                      (normalise_email, "a b@c.nl")):
        with pytest.raises(InvalidValue):
            rule(raw)


@pytest.mark.parametrize(("raw", "clean"), [
    (" Piet@Example.NL ", "piet@example.nl"),
    ("p.de.vries+gdt@gemeente-eindhoven.nl", "p.de.vries+gdt@gemeente-eindhoven.nl"),
    ("a@b.co", "a@b.co"), ("info@bücher.de", "info@xn--bcher-kva.de"), ("", None), ("   ", None), (None, None),
])
def test_one_email_address_is_accepted_and_stored_as_smtp_takes_it(raw, clean):
    assert normalise_email(raw) == clean


@pytest.mark.parametrize("raw", [
    "eve@evil.example,bob", "eve@evil.example, bob@example.nl", "a@example.nl;carol", ";carol@example.nl",
    "groep: a@example.nl;", "group:a@example.nl,b@example.nl;", "Piet <piet@example.nl>", "<piet@example.nl>",
    "a@example.nl b@example.nl",
])
def test_more_than_one_address_or_a_named_one_is_refused_with_its_own_message(raw):
    with pytest.raises(InvalidValue, match="Vul één e-mailadres in"):
        normalise_email(raw)


@pytest.mark.parametrize("raw", [
    "piet", "piet@", "@example.nl", "piet@example", "piet@localhost", "piet@example.local", "piet@example.invalid",
    "piet@[127.0.0.1]", '"piet"@example.nl', "piet..de@example.nl", "piet.@example.nl", "piet@-example.nl",
    "jürgen@example.de", "piet@exa_mple.nl", "p" * 65 + "@example.nl", "piet@" + "a" * 250 + ".nl",
    "piet@example.nl\u202e", "piet\u200b@example.nl", "piet@example.nl\nBcc: x@example.nl", "a@b@example.nl",
])
def test_what_is_no_address_is_refused(raw):
    with pytest.raises(InvalidValue):
        normalise_email(raw)


# Invisible format characters (Unicode category Cf): refused in names, removed from other text.
FORMAT_CHARACTERS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
                     "\u200e", "\u200f", "\u061c", "\u200b", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u2061",
                     "\ufff9", "\U000e0001", "\U000e0041"]


@pytest.mark.parametrize("char", FORMAT_CHARACTERS)
def test_a_name_with_a_format_character_is_refused_with_a_clear_message(char):
    assert unicodedata.category(char) == "Cf"
    with pytest.raises(InvalidValue, match="alleen zichtbare tekens"):
        clean_name(f"Piet {char}gnp.exe")
    with pytest.raises(InvalidValue, match="alleen zichtbare tekens"):
        name_line(120)(f"{char}Piet")


@pytest.mark.parametrize("char", FORMAT_CHARACTERS)
def test_free_text_loses_its_format_characters(char):
    assert clean_text(f"Piet {char}gnp.exe", max_length=20) == "Piet gnp.exe"
    assert clean_text(f"Straat{char}", max_length=20, multiline=False) == "Straat"
    assert clean_text(char, max_length=20) is None  # nothing visible left: empty


@pytest.mark.parametrize("char", FORMAT_CHARACTERS)
def test_an_email_address_with_a_format_character_is_refused(char):
    with pytest.raises(InvalidValue):
        normalise_email(f"piet{char}@example.nl")


def test_the_joiners_stay_in_free_text_and_a_name_needs_none():
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, three people joined by U+200D
    assert clean_text(f"Het gezin {family} op nummer 3", max_length=40) == f"Het gezin {family} op nummer 3"
    assert clean_text("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", max_length=20) == (
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645")  # Persian: the non-joiner is part of the word
    assert clean_name("  Fatima  el\u00a0Amrani ") == "Fatima  el\u00a0Amrani"
    assert clean_name("\u0645\u062d\u0645\u062f \u0639\u0644\u064a") == "\u0645\u062d\u0645\u062f \u0639\u0644\u064a"
    assert clean_name("Zoë O'Brien-van der Berg") == "Zoë O'Brien-van der Berg" and clean_name("") is None


@pytest.mark.parametrize("char", ["\u2028", "\u2029"])
def test_a_line_or_paragraph_separator_breaks_no_single_line(char):
    with pytest.raises(InvalidValue):
        clean_text(f"Stratumseind{char}Bcc", max_length=40, multiline=False)
    with pytest.raises(InvalidValue):
        clean_name(f"Piet{char}Jansen")
    assert clean_text(f"regel 1{char}regel 2", max_length=40) == f"regel 1{char}regel 2"
