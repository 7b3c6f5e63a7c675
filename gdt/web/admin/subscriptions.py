"""Admin pages for events to other systems: the subscriptions with their deliveries counted, a new one (its secret
shown once), editing one, a new secret, switching it off and on, and the dead letters with "Opnieuw versturen".
The rules are the service's (gdt.services.events)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField

from gdt.services.core.errors import ServiceError
from gdt.services.events import deliver, subscriptions
from gdt.services.events.catalogue import EVENT_TYPES
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.cases.forms import MultiCheckboxField
from gdt.web.forms import ActiveForm, VersionedForm, choices, form_page, show_error, submit, switch_active
from gdt.web.responses import private


class SubscriptionForm(VersionedForm):
    name = StringField(_l("Naam"), render_kw={"autocomplete": "off", "maxlength": subscriptions.NAME_MAX},
                       description=_l("Het systeem dat de gebeurtenissen ontvangt, zoals Zaaksysteem of Open "
                                      "Notificaties."))
    url = StringField(_l("Adres"), render_kw={"autocomplete": "off", "maxlength": subscriptions.URL_MAX,
                                             "inputmode": "url"},
                      description=_l("Waar GDT elke gebeurtenis met een POST heen stuurt (https)."))
    event_types = MultiCheckboxField(_l("Gebeurtenissen"), choices=choices(EVENT_TYPES.items()),
                                     validate_choice=False)


class PlainForm(FlaskForm):
    """A button that only needs its CSRF token (a new secret, sending a dead letter again)."""


@bp.route("/admin/abonnementen")
@role_required("admin")
def event_subscriptions():
    return render_template("admin/event_subscriptions.html", subscriptions=subscriptions.list_subscriptions(),
                           dead_letters=deliver.dead_letters(), event_labels=EVENT_TYPES, resend_form=PlainForm())


@bp.route("/admin/abonnementen/new", methods=["GET", "POST"])
@role_required("admin")
def new_event_subscription():
    form = SubscriptionForm()
    if form.validate_on_submit():
        made = _perform(form, lambda: subscriptions.create(name=form.name.data, url=form.url.data,
                                                           event_types=form.event_types.data, actor=current_user))
        if made is not None:
            subscription, secret = made
            return _secret_page(subscription, secret, _("Het abonnement %(name)s is gemaakt.", name=subscription.name))
    return form_page("admin/event_subscription.html", form=form, subscription=None)


@bp.route("/admin/abonnementen/<int:subscription_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_event_subscription(subscription_id: int):
    subscription = subscriptions.get(subscription_id)
    form = SubscriptionForm(obj=None if request.method == "POST" else subscription)
    done = submit(form, lambda: subscriptions.update(
        subscription, name=form.name.data, url=form.url.data, event_types=form.event_types.data,
        seen_version=form.version.data, actor=current_user),
        success=_("De wijzigingen zijn opgeslagen."), next_url=url_for("admin.event_subscriptions"))
    return done or _page(form, subscription)


@bp.route("/admin/abonnementen/<int:subscription_id>/secret", methods=["POST"])
@role_required("admin")
def renew_event_secret(subscription_id: int):
    subscription = subscriptions.get(subscription_id)
    form = PlainForm(prefix="secret")
    if not form.validate_on_submit():
        return redirect(url_for("admin.edit_event_subscription", subscription_id=subscription_id))
    secret = subscriptions.renew_secret(subscription, actor=current_user)
    return _secret_page(subscription, secret, _("Er is een nieuw geheim gemaakt. Het vorige werkt niet meer."))


@bp.route("/admin/abonnementen/<int:subscription_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_event_subscription(subscription_id: int):
    return _switch(subscription_id, False, _("Het abonnement krijgt geen gebeurtenissen meer."))


@bp.route("/admin/abonnementen/<int:subscription_id>/activate", methods=["POST"])
@role_required("admin")
def activate_event_subscription(subscription_id: int):
    return _switch(subscription_id, True, _("Het abonnement krijgt weer gebeurtenissen."))


@bp.route("/admin/abonnementen/mislukt/<int:delivery_id>/resend", methods=["POST"])
@role_required("admin")
def resend_event(delivery_id: int):
    if PlainForm().validate_on_submit():
        deliver.resend(delivery_id, actor=current_user)
        flash(_("De gebeurtenis wordt opnieuw verstuurd."), "success")
    return redirect(url_for("admin.event_subscriptions", _anchor="mislukt"))


def _switch(subscription_id: int, active: bool, success: str):
    subscription = subscriptions.get(subscription_id)
    return switch_active(lambda: subscriptions.set_active(subscription, active, actor=current_user),
                         success=success,
                         next_url=url_for("admin.edit_event_subscription", subscription_id=subscription_id),
                         page=lambda active_form: _page(SubscriptionForm(obj=subscription, formdata=None),
                                                        subscription, active_form))


def _page(form: SubscriptionForm, subscription, active_form: ActiveForm | None = None):
    return form_page("admin/event_subscription.html", form=form, subscription=subscription,
                     active_form=active_form or ActiveForm(prefix="active", formdata=None),
                     secret_form=PlainForm(prefix="secret", formdata=None))


def _perform(form, perform):
    """The service's result, or None with its refusal next to the field."""
    try:
        return perform()
    except ServiceError as error:
        show_error(form, error)
        return None


def _secret_page(subscription, secret: str, saved: str):
    """The answer to the POST that made the secret: the only place it is ever shown (decision 0019)."""
    return private(render_template("admin/event_secret.html", subscription=subscription, secret=secret, saved=saved),
                   hide_referrer=True)
