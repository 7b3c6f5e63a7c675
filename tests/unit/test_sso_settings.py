"""Single sign-on settings production refuses to start with (gdt/config_check.py), and the role map's rules."""
import pytest

from gdt import config_check
from gdt.services.identity import oidc, sso_accounts

GOOD = {
    "ENVIRONMENT": "production", "SECRET_KEY": "k" * 48,
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://gdt:geheim@db.gemeente.nl/gdt",
    "PUBLIC_BASE_URL": "https://gdt.example.test", "SMTP_HOST": "smtp.example.test", "MAIL_FROM": "gdt@example.test",
    "OIDC_ISSUER": "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000/v2.0",
    "OIDC_CLIENT_ID": "client", "OIDC_CLIENT_SECRET": "secret",
    "OIDC_ROLE_MAP": '{"gdt-coordinator": "coordinator", "gdt-admin": "admin"}',
}


def test_good_sso_settings_start():
    assert config_check.production_problems(GOOD) == []


def test_without_an_issuer_the_other_oidc_settings_are_not_checked():
    assert config_check.production_problems(GOOD | {"OIDC_ISSUER": "", "OIDC_ROLE_MAP": "not json"}) == []


@pytest.mark.parametrize(("role_map", "says"), [
    ("{not json", "OIDC_ROLE_MAP is no valid JSON"),
    ('["coordinator"]', "must be a JSON object"),
    ('{"gdt-boss": "superuser"}', "unknown or non-staff role(s) 'superuser'"),
    ('{"ketenpartners": "partner"}', "'partner'"),
    ("{}", "OIDC_ROLE_MAP is empty"),
])
def test_a_bad_role_map_refuses_to_start_with_a_clear_message(role_map, says):
    with pytest.raises(config_check.ConfigurationError) as refused:
        config_check.check(GOOD | {"OIDC_ROLE_MAP": role_map})
    assert says in str(refused.value)


def test_an_http_issuer_and_a_missing_client_are_refused():
    (problem,) = config_check.production_problems(GOOD | {"OIDC_ISSUER": "http://idp.example.test/realms/gdt",
                                                          "OIDC_CLIENT_SECRET": ""})
    assert "OIDC_ISSUER must be an https:// address" in problem and "OIDC_CLIENT_SECRET is not set" in problem


def test_the_mapped_role_takes_a_list_or_a_single_value_and_ignores_the_rest():
    role_map = sso_accounts.parse_role_map('{"a": "intake", "b": "manager"}')
    assert sso_accounts.mapped_role({"groups": ["x", "a", "b"]}, "groups", role_map) == "manager"
    assert sso_accounts.mapped_role({"groups": "a"}, "groups", role_map) == "intake"
    assert sso_accounts.mapped_role({"groups": [{"a": 1}, 7]}, "groups", role_map) is None
    assert sso_accounts.mapped_role({}, "groups", role_map) is None


@pytest.mark.parametrize(("claims", "mfa"), [
    ({"amr": ["pwd", "mfa"]}, True), ({"amr": ["pwd", "otp"]}, True), ({"amr": ["hwk"]}, True),
    ({"amr": ["swk"]}, True), ({"amr": ["fido"]}, True), ({"amr": ["ngcmfa"]}, True),
    ({"amr": ["pwd"]}, False), ({"amr": "pwd"}, False), ({}, False), ({"amr": ["pwd", "kba"]}, False),
    ({"acr": "http://schemas.openid.net/pape/policies/2007/06/multi-factor"}, True), ({"acr": "1"}, False),
])
def test_which_amr_and_acr_values_count_as_a_second_factor(claims, mfa):
    assert oidc.shows_mfa(claims) is mfa
