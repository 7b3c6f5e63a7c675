"""Admin page for API access (/admin/api-access): API clients with revoking after a confirmation page, and every
staff member's personal API tokens with a revoke button. The rules are gdt.services.admin.api_access's."""
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from gdt import labels
from gdt.services.admin import api_access as service
from gdt.services.core import pagination
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.forms import form_page, submit


class RevokeForm(FlaskForm):
    """A revoke button: only the CSRF token (what is revoked is in the address)."""


@bp.route("/admin/api-access")
@role_required("admin")
def api_access():
    return _page()


@bp.route("/admin/api-access/clients/<int:client_id>/revoke", methods=["GET", "POST"])
@role_required("admin")
def revoke_api_client(client_id: int):
    client = service.get_api_client(client_id)
    form = RevokeForm()
    done = submit(form, lambda: service.revoke_api_client(client, actor=current_user),
                  success=_("De API-client %(name)s is ingetrokken: het token werkt niet meer.", name=client.name),
                  next_url=url_for("admin.api_access"))
    return done or form_page("admin/revoke_api_client.html", form=form, client=client,
                             status=service.client_status(client), kind=client_kind)


@bp.route("/admin/api-access/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke_personal_token(token_id: int):
    form = RevokeForm()
    done = submit(form, lambda: service.revoke_user_token(token_id, actor=current_user),
                  success=lambda token: _("Het API-token van %(name)s is ingetrokken.", name=token.user.name),
                  next_url=url_for("admin.api_access", page=request.args.get("page")))
    return done or _page(form)


def _page(form: RevokeForm | None = None):
    page = pagination.page_of(service.list_user_tokens(), request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("admin/api_access.html", clients=service.list_api_clients(), tokens=page,
                           form=form or RevokeForm(formdata=None), client_status=service.client_status,
                           token_status=service.token_status, status_labels=service.STATUS_LABELS,
                           kind=client_kind), 422 if form is not None and form.errors else 200


def client_kind(client) -> str:
    """"Woonoverlast-app", "Webformulier", or "Ketenpartner: Politie"."""
    if client.channel == "partner" and client.partner is not None:
        return _("Ketenpartner: %(name)s", name=client.partner.name)
    return str(labels.CHANNEL_LABELS.get(client.channel, client.channel))
