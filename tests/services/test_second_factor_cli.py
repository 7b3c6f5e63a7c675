"""`flask second-factor reencrypt`: after a SECRET_KEY rotation every readable secret moves to the new key."""
from gdt.services.identity import totp


def test_reencrypt_moves_the_secrets_to_the_current_key(app, make, runner, monkeypatch):
    secret = totp.new_secret()
    readable = make.user("coordinator", totp_secret=totp.encrypt(secret, ["test-only-not-secret"]))
    make.user("coordinator", totp_secret=totp.encrypt(secret, ["a key nobody has any more"]))
    new_key = "the-new-secret-key-of-more-than-32-characters"
    monkeypatch.setitem(app.config, "SECRET_KEY", new_key)
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", ["test-only-not-secret"])
    result = runner.invoke(args=["second-factor", "reencrypt"])
    assert result.exit_code == 0
    assert "1 TOTP secret(s) re-encrypted" in result.stdout
    assert "1 secret(s) could not be read" in result.stderr
    assert totp.decrypt(readable.totp_secret, [new_key]) == secret


def test_the_demo_says_whether_its_logins_need_a_second_factor(app, runner, monkeypatch):
    result = runner.invoke(args=["demo", "--reports", "0", "--year", "2025"])
    assert result.exit_code == 0, result.output
    assert "Second factor off (MFA_REQUIRED=0, as under make run)" in result.stdout
    monkeypatch.setitem(app.config, "MFA_REQUIRED", True)
    again = runner.invoke(args=["demo", "--reports", "0", "--year", "2025"])
    assert "each demo login sets up an authenticator app or a passkey at its first login" in again.stdout
