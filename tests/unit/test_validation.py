"""The shared field rules against bad inputs: overlong, control characters, other scripts, look-alike digits."""
import pytest

from gdt.validation import (
    InvalidValue,
    clean_text,
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
