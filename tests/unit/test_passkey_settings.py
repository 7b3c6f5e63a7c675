"""Production refuses a WEBAUTHN_RP_ID browsers would refuse for PUBLIC_BASE_URL (README, "Passkeys")."""
import pytest

from gdt import config_check
from tests.unit.test_config_check import GOOD


@pytest.mark.parametrize("rp_id", ["", None, "gdt.example.test", "example.test", "GDT.Example.Test"])
def test_the_host_of_public_base_url_or_a_domain_it_belongs_to_is_accepted(rp_id):
    assert config_check.production_problems(GOOD | {"WEBAUTHN_RP_ID": rp_id}) == []


@pytest.mark.parametrize("rp_id", ["https://gdt.example.test", "gdt.example.test:443", "other.test",
                                   "ample.test", "www.gdt.example.test", "10.0.0.5"])
def test_any_other_rp_id_is_refused(rp_id):
    (problem,) = config_check.production_problems(GOOD | {"WEBAUTHN_RP_ID": rp_id})
    assert problem.startswith("WEBAUTHN_RP_ID") and "gdt.example.test" in problem
