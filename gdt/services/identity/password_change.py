""""Wachtwoord wijzigen" on the account page: the current password, then a new one under the rules of `passwords`.

Every other session of the user ends (a browser left logged in elsewhere, or someone who knew the old password),
the one making the change stays. The change is audited and a mail through the outbox tells the user, so a change
they did not make does not go unnoticed.
"""
from flask import current_app
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import User
from gdt.services.core import audit, auth, mail, outbox
from gdt.services.core.errors import ServiceError
from gdt.services.core.transaction import unit_of_work
from gdt.services.identity import account_links, passwords, second_factor

TOPIC = "password.changed"


def change_password(user: User, current: str | None, new: str | None, new_again: str | None, *,
                    keep_token: str | None) -> int:
    """Returns how many other sessions ended. Refuses a wrong current password (counted towards the account's
    login delay), two different new ones, the same password again, and one that breaks a rule."""
    if user.password_hash is None:
        raise ServiceError(_l("Uw account heeft geen eigen wachtwoord: u logt in via de inlogdienst van uw "
                              "organisatie."), code="no_password")
    second_factor.reauthenticate(user, current, purpose="change_password")
    if (new or "") != (new_again or ""):
        raise ServiceError(_l("De twee nieuwe wachtwoorden zijn niet gelijk. Typ hetzelfde wachtwoord twee keer."),
                           field="new_password_again")
    if new == current:
        raise ServiceError(_l("Het nieuwe wachtwoord is hetzelfde als het huidige. Kies een ander wachtwoord."),
                           field="new_password")
    try:
        password_hash = passwords.hash_new_password(new, email=user.email, name=user.name)  # slow: outside
    except ServiceError as refused:
        raise ServiceError(refused.message, field="new_password") from refused
    with unit_of_work():
        user.password_hash = password_hash
        account_links.revoke_all(user)
        ended = auth.end_all_sessions(user, reason="password_changed", actor=user, keep_token=keep_token) or 0
        audit.record(user, "change_password", "user", str(user.id), detail={"other_sessions_ended": ended})
        outbox.enqueue(TOPIC, {"user_id": user.id})
    return ended


@outbox.handler(TOPIC)
def send_notice(payload: dict) -> None:
    """Tell the user their password was changed (no password or link in the mail)."""
    with unit_of_work():
        user = db.session.get(User, payload["user_id"])
        if user is None or not user.is_active:
            return
        address, name = user.email, user.name
    base_url = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    lines = [
        f"Beste {name},",
        "",
        "Het wachtwoord van uw GDT-account is zojuist gewijzigd. Op andere apparaten bent u uitgelogd.",
        "",
        "Heeft u dit zelf gedaan? Dan hoeft u niets te doen.",
        "",
        "Heeft u dit niet zelf gedaan? Stel dan direct een nieuw wachtwoord in via 'Wachtwoord vergeten?' op "
        f"{base_url}/login en neem contact op met de beheerder van GDT.",
        "",
        "Dit bericht is automatisch verstuurd.",
    ]
    mail.send_mail(address, "Uw wachtwoord voor GDT is gewijzigd", "\n".join(lines))
