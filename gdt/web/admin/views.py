"""Admin pages: staff accounts and case results (the chain partners: admin/partners.py).

URLs carry user ids and result keys, never e-mail addresses.
"""
from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.services.admin import case_results as result_service
from gdt.services.admin import users as user_service
from gdt.services.core import pagination, reference_data, tokens
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.admin.forms import (
    CaseResultCreateForm,
    CaseResultEditForm,
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
    done = submit(form, lambda: user_service.invite_user(form.email.data, form.name.data, form.role.data,
                                                         actor=current_user, partner_key=form.partner.data or None),
                  success=lambda made: _("Het account is aangemaakt. Uitnodiging verstuurd naar %(email)s.",
                                         email=made[0].email),
                  next_url=lambda made: url_for("admin.edit_user", user_id=made[0].id))
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
