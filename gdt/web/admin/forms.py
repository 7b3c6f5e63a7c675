"""Admin forms. Field rules live in services.users, services.partners and services.case_results, shared with the CLI."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField

from gdt.labels import PARTNER_KIND_LABELS, ROLE_LABELS
from gdt.web.forms import choices


def _select(label, prompt, labels: dict[str, str], **kwargs) -> SelectField:
    """A select with a prompt first; the service refuses unknown values with its own message."""
    return SelectField(label, choices=choices([("", prompt)] + list(labels.items())), validate_choice=False, **kwargs)


def _name() -> StringField:
    return StringField(_l("Naam"), render_kw={"autocomplete": "off"})


def _role(**kwargs) -> SelectField:
    return _select(_l("Rol"), _l("Kies een rol"), ROLE_LABELS, **kwargs)


def _partner() -> SelectField:
    """Filled per request with the active partners (gdt.web.admin.views._with_partners)."""
    return SelectField(_l("Organisatie (alleen voor de rol ketenpartner)"), choices=[], validate_choice=False,
                       description=_l("Een ketenpartner-gebruiker ziet alleen de aanmeldingen van deze organisatie."))


class UserCreateForm(FlaskForm):
    name = _name()
    email = EmailField(_l("E-mailadres"), render_kw={"autocomplete": "off"})
    role = _role()
    partner = _partner()


class UserEditForm(FlaskForm):
    name = _name()
    role = _role(description=_l("Na een wijziging van de rol moet de medewerker opnieuw inloggen."))
    partner = _partner()


def _kind() -> SelectField:
    return _select(_l("Soort"), _l("Kies een soort"), PARTNER_KIND_LABELS)


def _partner_email() -> EmailField:
    return EmailField(_l("E-mailadres"),
                      description=_l("Het algemene adres van de organisatie. Verplicht bij bezorging per e-mail: "
                                     "doorverwijzingen gaan met een persoonlijke link naar dit adres."),
                      render_kw={"autocomplete": "off"})


def _delivery_method() -> RadioField:
    return RadioField(_l("Doorverwijzingen bezorgen per"), default="email", validate_choice=False,
                      choices=choices([("email", _l("E-mail met een persoonlijke link")),
                                       ("webhook", _l("Webhook naar het eigen systeem van de partner"))]))


def _webhook_url() -> StringField:
    return StringField(_l("Webhookadres"), render_kw={"autocomplete": "off", "spellcheck": "false",
                                                      "inputmode": "url"},
                       description=_l("Verplicht bij bezorging per webhook: een openbaar https-adres van het systeem "
                                      "van de partner. Na het opslaan staat het geheim waarmee GDT elke "
                                      "doorverwijzing ondertekent één keer op de pagina."))


def _key() -> StringField:
    return StringField(_l("Sleutel"), render_kw={"autocomplete": "off", "spellcheck": "false"},
                       description=_l("Kleine letters, cijfers en streepjes, zoals politie-oost. Imports en de API "
                                      "gebruiken de sleutel: hij kan later niet worden gewijzigd."))


class PartnerCreateForm(FlaskForm):
    key = _key()
    name = StringField(_l("Naam"), render_kw={"autocomplete": "off"})
    kind = _kind()
    delivery_method = _delivery_method()
    email = _partner_email()
    webhook_url = _webhook_url()


class PartnerEditForm(FlaskForm):
    """The same fields as PartnerCreateForm but the key, which is fixed."""

    name = StringField(_l("Naam"), render_kw={"autocomplete": "off"})
    kind = _kind()
    delivery_method = _delivery_method()
    email = _partner_email()
    webhook_url = _webhook_url()


class WebhookSecretForm(FlaskForm):
    """Make a new webhook secret for a partner (the partner is in the address): only the CSRF token."""


def _result_label() -> StringField:
    return StringField(
        _l("Omschrijving"), description=_l("Zoals de regisseur het ziet bij het sluiten van een casus.")
    )


def _needs_reason() -> BooleanField:
    return BooleanField(_l("Bij dit resultaat moet de regisseur een reden in de toelichting schrijven"))


class CaseResultCreateForm(FlaskForm):
    key = StringField(
        _l("Sleutel"),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
        description=_l(
            "Kleine letters, cijfers en streepjes, zoals handed-over-zvh. De sleutel kan later niet worden gewijzigd."
        ),
    )
    label = _result_label()
    needs_reason = _needs_reason()


class CaseResultEditForm(FlaskForm):
    label = _result_label()
    needs_reason = _needs_reason()
    position = StringField(
        _l("Volgnummer"),
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
        description=_l("Bepaalt de volgorde in de keuzelijst bij het sluiten: het laagste eerst."),
    )


class RevokeTokenForm(FlaskForm):
    """Revoke one of a user's API tokens (the token is in the address)."""
