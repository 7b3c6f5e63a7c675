"""Admin pages for the chain partners: the list, a new one, editing one with its history, a new webhook secret,
deactivating (offboarding) and reactivating.

URLs carry the partner's key, which never changes. The rules are the service's (gdt.services.admin.partners).
A webhook secret is shown once, in the answer to the POST that made it (no-store), never in a URL, a flash
message or the session: whoever needs it again makes a new one.
"""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from gdt.models import Partner
from gdt.services.admin import partners as partner_service
from gdt.services.core import pagination
from gdt.services.core.errors import ServiceError
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.admin.forms import PartnerCreateForm, PartnerEditForm, WebhookSecretForm
from gdt.web.forms import ActiveForm, form_page, show_error, switch_active
from gdt.web.responses import private


@bp.route("/admin/partners")
@role_required("admin")
def partners():
    page = pagination.page_of(partner_service.list_partners(), request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("admin/partners.html", page=page)


@bp.route("/admin/partners/new", methods=["GET", "POST"])
@role_required("admin")
def new_partner():
    form = PartnerCreateForm()
    partner = _perform(form, lambda: partner_service.create_partner(
        form.key.data, form.name.data, email=form.email.data, kind=form.kind.data,
        delivery_method=form.delivery_method.data, webhook_url=form.webhook_url.data, actor=current_user))
    if partner is None:
        return form_page("admin/new_partner.html", form=form)
    saved = _("Ketenpartner %(name)s is toegevoegd.", name=partner.name)
    if partner.delivery_method == "webhook":
        return _secret_page(partner, saved)
    flash(saved, "success")
    return redirect(url_for("admin.partners"))


@bp.route("/admin/partners/<key>", methods=["GET", "POST"])
@role_required("admin")
def edit_partner(key: str):
    partner = partner_service.get_partner(key)
    form = PartnerEditForm(obj=partner)
    salt_before = partner.webhook_secret_salt
    saved = _perform(form, lambda: partner_service.update_partner(
        partner, name=form.name.data, email=form.email.data, kind=form.kind.data, actor=current_user,
        delivery_method=form.delivery_method.data, webhook_url=form.webhook_url.data))
    if saved is None:
        return _partner_page(partner, form=form)
    if partner.webhook_secret_salt != salt_before:  # switched to webhook for the first time: its secret, once
        return _secret_page(partner, _("De wijzigingen zijn opgeslagen."))
    flash(_("De wijzigingen zijn opgeslagen."), "success")
    return redirect(url_for("admin.partners"))


@bp.route("/admin/partners/<key>/webhook-secret", methods=["GET", "POST"])
@role_required("admin")
def rotate_webhook_secret(key: str):
    """GET: what a new secret means, and the button; POST: make it and show it, once."""
    partner = partner_service.get_partner(key)
    if partner.delivery_method != "webhook" and request.method == "GET":
        return redirect(url_for("admin.edit_partner", key=key))
    form = WebhookSecretForm()
    if _perform(form, lambda: partner_service.rotate_webhook_secret(partner, actor=current_user)) is not None:
        return _secret_page(partner, _("Er is een nieuw webhookgeheim gemaakt. Het vorige werkt niet meer."))
    return form_page("admin/rotate_webhook_secret.html", form=form, partner=partner)


@bp.route("/admin/partners/<key>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_partner(key: str):
    partner = partner_service.get_partner(key)
    return switch_active(lambda: partner_service.deactivate_partner(partner, actor=current_user),
                         success=lambda summary: offboarding_message(partner.name, summary),
                         next_url=url_for("admin.edit_partner", key=key),
                         page=lambda active_form: _partner_page(partner, active_form=active_form))


@bp.route("/admin/partners/<key>/activate", methods=["POST"])
@role_required("admin")
def activate_partner(key: str):
    partner = partner_service.get_partner(key)
    return switch_active(lambda: partner_service.set_partner_active(partner, True, actor=current_user),
                         success=_("De ketenpartner is weer actief: de gebruikers kunnen weer inloggen en de "
                                   "API-clients werken weer. Eerder verstuurde links en ingetrokken API-tokens blijven "
                                   "ongeldig; nieuwe bezorgingen en herinneringen krijgen een nieuwe link."),
                         next_url=url_for("admin.edit_partner", key=key),
                         page=lambda active_form: _partner_page(partner, active_form=active_form))


def offboarding_message(name: str, summary: partner_service.Offboarding) -> str:
    """What deactivating cut off, for the admin to read back: every count, also when it is zero."""
    return _(
        "Ketenpartner %(name)s is gedeactiveerd. %(users)s: %(sessions)s en %(tokens)s. %(clients)s. De links van "
        "%(referrals)s en %(cases)s werken niet meer; %(visits)s.",
        name=name,
        users=ngettext("%(num)d gebruiker kan niet meer inloggen", "%(num)d gebruikers kunnen niet meer inloggen",
                       summary.users),
        sessions=ngettext("%(num)d sessie is beëindigd", "%(num)d sessies zijn beëindigd", summary.sessions_ended),
        tokens=ngettext("%(num)d API-token is ingetrokken", "%(num)d API-tokens zijn ingetrokken",
                        summary.tokens_revoked),
        clients=ngettext("%(num)d API-client wordt geweigerd", "%(num)d API-clients worden geweigerd",
                         summary.clients_refused),
        referrals=ngettext("%(num)d open doorverwijzing", "%(num)d open doorverwijzingen", summary.open_referrals),
        cases=ngettext("%(num)d casus", "%(num)d casussen", summary.cases),
        visits=ngettext("%(num)d geopende link is direct gesloten", "%(num)d geopende links zijn direct gesloten",
                        summary.link_sessions_ended),
    )


def _perform(form, perform):
    """The service's result when the form was posted and accepted; None when it must be shown (again)."""
    if not form.validate_on_submit():
        return None
    try:
        return perform()
    except ServiceError as error:
        show_error(form, error)
        return None


def _secret_page(partner: Partner, saved: str):
    """The answer to the POST that made the partner's webhook secret: the only place it is ever shown."""
    page = render_template("admin/webhook_secret.html", partner=partner, saved=saved,
                           secret=partner_service.webhook_secret(partner))
    return private(page, hide_referrer=True)


def _partner_page(partner: Partner, *, form: PartnerEditForm | None = None, active_form: ActiveForm | None = None):
    if form is None:
        form = PartnerEditForm(obj=partner, formdata=None)
    return form_page("admin/edit_partner.html", form=form, partner=partner,
                     active_form=active_form or ActiveForm(prefix="active", formdata=None),
                     offboarding=partner_service.offboarding_preview(partner),
                     history=partner_service.history(partner))

