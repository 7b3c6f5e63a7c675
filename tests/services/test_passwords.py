"""The password rules (NIST SP 800-63B): length, the breached and common lists, not the user's own address or name,
and no composition rules; every way a password is set applies them."""
import pytest

from gdt.services.admin import users
from gdt.services.core.errors import ServiceError
from gdt.services.identity import passwords

EMAIL, NAME = "annemarie.dewit@gemeente.nl", "Annemarie de Wit"


def _refusal(password: str) -> str:
    with pytest.raises(ServiceError) as refused:
        passwords.check_new_password(password, email=EMAIL, name=NAME)
    assert refused.value.field == "password"
    return str(refused.value.message)


@pytest.mark.parametrize("password", ["kort", "elf tekens!", ""])
def test_a_password_under_twelve_characters_is_refused(password):
    assert "minstens 12 tekens" in _refusal(password)


def test_a_password_over_1024_characters_is_refused_and_1024_are_accepted():
    assert "hoogstens 1024 tekens" in _refusal("a b" * 342)
    passwords.check_new_password("een lange zin " * 73 + "ab", email=EMAIL, name=NAME)  # 1024 characters


@pytest.mark.parametrize("password", ["qwertyuiop123", "QWERTYUIOP123", "1q2w3e4r5t6y", "Password1234",
                                      "Wachtwoord123", "WELKOM123456", "aaaaaaaaaaaaaaaa"])
def test_a_breached_or_common_password_is_refused_whatever_its_case(password):
    assert "gelekte of veelgebruikte wachtwoorden" in _refusal(password)


@pytest.mark.parametrize("password", [EMAIL, EMAIL.upper(), "Annemarie.DeWit", NAME, "annemariedewit",
                                      "ANNEMARIE DE WIT"])
def test_the_users_own_address_or_name_is_refused(password):
    assert "niet uw e-mailadres of naam" in _refusal(password)


@pytest.mark.parametrize("password", ["paarse olifant danst", "zonder hoofdletters of cijfers",
                                      "Tr0ub4dor&3-lange-versie", "annemarie fietst naar huis"])
def test_a_long_uncommon_password_passes_without_composition_rules(password):
    passwords.check_new_password(password, email=EMAIL, name=NAME)


def test_the_shipped_lists_hold_only_passwords_of_twelve_characters_or_more():
    listed = passwords.common_passwords()
    assert len(listed) > 300 and min(len(entry) for entry in listed) >= 12
    assert all(entry == entry.casefold() for entry in listed)


def test_the_operator_and_the_account_creation_apply_the_same_rules(make, db):
    user = make.user("intake")
    before = user.password_hash
    with pytest.raises(ServiceError, match="gelekte"):
        users.set_password(user, "qwertyuiop123", actor=None)
    with pytest.raises(ServiceError, match="e-mailadres of naam"):
        users.set_password(user, user.email, actor=None)
    with pytest.raises(ServiceError, match="gelekte"):
        users.create_user("nieuw@gemeente.nl", "Nieuw", "intake", "1qaz2wsx3edc", actor=None)
    assert user.password_hash == before and users.user_by_email("nieuw@gemeente.nl") is None
