"""Admin pages: staff accounts, chain partners and case results.

URLs carry user ids, partner keys and result keys, never e-mail addresses.
"""
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from gdt.services.admin import case_results as result_service
from gdt.services.admin import partners as partner_service
from gdt.services.admin import users as user_service
from gdt.services.core import pagination, reference_data, tokens
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.admin.forms import (
    CaseResultCreateForm,
    CaseResultEditForm,
    PartnerCreateForm,
    PartnerEditForm,
    RevokeTokenForm,
    UserCreateForm,
    UserEditForm,
)
from gdt.web.forms import ActiveForm, choices, form_page, submit, switch_active


@bp.route("/admin/users")
@role_required("admin")
def users():
    page = pagination.page_of(user_service.list_users(), request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("admin/users.html", page=page)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    form = _with_partners(UserCreateForm())
    done = submit(form, lambda: user_service.create_user(form.email.data, form.name.data, form.role.data,
                                                         form.password.data, actor=current_user,
                                                         partner_key=form.partner.data or None),
                  success=_("Het account is aangemaakt."), next_url=url_for("admin.users"))
    return done or form_page("admin/new_user.html", form=form)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    user = user_service.get_user(user_id)
    form = _with_partners(UserEditForm(obj=user, partner=_partner_key(user)))
    done = submit(form, lambda: user_service.update_user(user, name=form.name.data, role=form.role.data,
                                                         actor=current_user, partner_key=form.partner.data or None),
                  success=_("De wijzigingen zijn opgeslagen."), next_url=url_for("admin.users"))
    return done or _user_page(user, form=form)


@bp.route("/admin/users/<int:user_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_user(user_id: int):
    return _set_user_active(user_id, False, _("Het account is gedeactiveerd en alle sessies zijn beëindigd."))


@bp.route("/admin/users/<int:user_id>/activate", methods=["POST"])
@role_required("admin")
def activate_user(user_id: int):
    return _set_user_active(user_id, True, _("Het account is weer actief."))


@bp.route("/admin/users/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@role_required("admin")
def revoke_user_token(user_id: int, token_id: int):
    user = user_service.get_user(user_id)
    form = RevokeTokenForm(prefix="revoke")
    done = submit(form, lambda: tokens.revoke_user_token(user, token_id, actor=current_user),
                  success=_("Het API-token is ingetrokken."), next_url=url_for("admin.edit_user", user_id=user_id))
    return done or _user_page(user, revoke_form=form)


def _set_user_active(user_id: int, active: bool, success: str):
    user = user_service.get_user(user_id)
    return switch_active(lambda: user_service.set_user_active(user, active, actor=current_user), success=success,
                         next_url=url_for("admin.edit_user", user_id=user_id),
                         page=lambda active_form: _user_page(user, active_form=active_form))


def _with_partners(form):
    form.partner.choices = choices(
        [("", _("Geen (medewerker van de gemeente)"))]
        + [(partner.key, partner.name) for partner in reference_data.active_partners()]
    )
    return form


def _partner_key(user) -> str:
    return user.partner.key if user.partner else ""


def _user_page(user, *, form: UserEditForm | None = None, active_form: ActiveForm | None = None,
               revoke_form: RevokeTokenForm | None = None):
    if form is None:
        form = _with_partners(UserEditForm(obj=user, formdata=None, partner=_partner_key(user)))
    return _edit_page("admin/edit_user.html", form=form, active_form=active_form, user=user,
                      tokens=tokens.tokens_of(user),
                      revoke_form=revoke_form or RevokeTokenForm(prefix="revoke", formdata=None),
                      revoke_url=lambda token: url_for("admin.revoke_user_token", user_id=user.id, token_id=token.id))


@bp.route("/admin/partners")
@role_required("admin")
def partners():
    page = pagination.page_of(partner_service.list_partners(), request.args, per_page=current_app.config["PER_PAGE"])
    return render_template("admin/partners.html", page=page)


@bp.route("/admin/partners/new", methods=["GET", "POST"])
@role_required("admin")
def new_partner():
    form = PartnerCreateForm()
    done = submit(
        form,
        lambda: partner_service.create_partner(
            form.key.data, form.name.data, email=form.email.data, kind=form.kind.data, actor=current_user
        ),
        success=lambda partner: _("Ketenpartner %(name)s is toegevoegd.", name=partner.name),
        next_url=url_for("admin.partners"),
    )
    return done or form_page("admin/new_partner.html", form=form)


@bp.route("/admin/partners/<key>", methods=["GET", "POST"])
@role_required("admin")
def edit_partner(key: str):
    partner = partner_service.get_partner(key)
    form = PartnerEditForm(obj=partner)
    done = submit(
        form,
        lambda: partner_service.update_partner(
            partner,
            name=form.name.data,
            email=form.email.data,
            kind=form.kind.data,
            actor=current_user,
            delivery_method=form.delivery_method.data,
            webhook_url=form.webhook_url.data,
        ),
        success=_("De wijzigingen zijn opgeslagen."),
        next_url=url_for("admin.partners"),
    )
    return done or _partner_page(partner, form=form)


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


def _partner_page(partner, *, form: PartnerEditForm | None = None, active_form: ActiveForm | None = None):
    if form is None:
        form = PartnerEditForm(obj=partner, formdata=None)
    return _edit_page("admin/edit_partner.html", form=form, active_form=active_form, partner=partner,
                      offboarding=partner_service.offboarding_preview(partner))


@bp.route("/admin/case-results")
@role_required("admin")
def case_results():
    return render_template("admin/case_results.html", results=result_service.list_results())


@bp.route("/admin/case-results/new", methods=["GET", "POST"])
@role_required("admin")
def new_case_result():
    form = CaseResultCreateForm()
    done = submit(
        form,
        lambda: result_service.create_result(
            form.key.data, form.label.data, needs_reason=form.needs_reason.data, actor=current_user
        ),
        success=lambda result: _("Resultaat %(label)s is toegevoegd.", label=result.label),
        next_url=url_for("admin.case_results"),
    )
    return done or form_page("admin/new_case_result.html", form=form)


@bp.route("/admin/case-results/<key>", methods=["GET", "POST"])
@role_required("admin")
def edit_case_result(key: str):
    result = result_service.get_result(key)
    form = CaseResultEditForm(obj=result)
    done = submit(
        form,
        lambda: result_service.update_result(
            result,
            label=form.label.data,
            needs_reason=form.needs_reason.data,
            position=form.position.data,
            actor=current_user,
        ),
        success=_("De wijzigingen zijn opgeslagen."),
        next_url=url_for("admin.case_results"),
    )
    return done or _case_result_page(result, form=form)


@bp.route("/admin/case-results/<key>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_case_result(key: str):
    return _set_case_result_active(
        key, False, _("Het resultaat wordt niet meer aangeboden bij het sluiten van een casus.")
    )


@bp.route("/admin/case-results/<key>/activate", methods=["POST"])
@role_required("admin")
def activate_case_result(key: str):
    return _set_case_result_active(key, True, _("Het resultaat wordt weer aangeboden bij het sluiten van een casus."))


def _set_case_result_active(key: str, active: bool, success: str):
    result = result_service.get_result(key)
    return switch_active(lambda: result_service.set_result_active(result, active, actor=current_user),
                         success=success, next_url=url_for("admin.edit_case_result", key=key),
                         page=lambda active_form: _case_result_page(result, active_form=active_form))


def _case_result_page(result, *, form: CaseResultEditForm | None = None, active_form: ActiveForm | None = None):
    if form is None:
        form = CaseResultEditForm(obj=result, formdata=None)
    return _edit_page("admin/edit_case_result.html", form=form, active_form=active_form, result=result,
                      history=result_service.history(result))


def _edit_page(template: str, *, form, active_form: ActiveForm | None, **context):
    """An edit page with its status button; the form that was posted, if any, carries its input and errors."""
    if active_form is None:
        active_form = ActiveForm(prefix="active", formdata=None)
    return form_page(template, form=form, active_form=active_form, **context)
