"""Pages for partner users: their organisation's registrations and the form to register a case."""
from dataclasses import asdict

from flask import current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.services.core import pagination, reference_data
from gdt.services.intake import partner_registrations
from gdt.web.access import role_required
from gdt.web.forms import choices, form_page, submit
from gdt.web.partner import bp
from gdt.web.partner.forms import RegistrationForm


@bp.route("/partner")
@role_required("partner")
def index():
    page = pagination.page_of(partner_registrations.for_partner(current_user.partner), request.args,
                              per_page=current_app.config["PER_PAGE"])
    return render_template("partner/index.html", page=page, status_of=partner_registrations.partner_status,
                           labels_of=partner_registrations.STATUS_LABELS)


@bp.route("/partner/aanmelden", methods=["GET", "POST"])
@role_required("partner")
def new():
    form = RegistrationForm()
    if not form.is_submitted():
        form.registrant_name.data, form.registrant_email.data = current_user.name, current_user.email
    form.category.choices = choices([("", _("Kies een categorie"))] + [
        (category.key, category.label) for category in reference_data.active_categories()])
    form.involved_partners.choices = choices(
        [
            (partner.key, partner.name)
            for partner in reference_data.active_partners()
            if partner.id != current_user.partner_id
        ]
    )
    if form.lookup.data:  # "Zoek adres" without JavaScript: the BAG's answer on the page; nothing is saved
        lookup = partner_registrations.lookup_address(form.postcode.data, form.house_number.data,
                                                      addition=form.house_number_addition.data, bag_id=form.bag_id.data)
        form.show_lookup(lookup)
        return form_page("partner/new.html", form=form, lookup=lookup)
    done = submit(
        form,
        lambda: partner_registrations.register(_input(form), partner=current_user.partner, actor=current_user),
        success=lambda report: _("Uw aanmelding is ontvangen onder kenmerk %(reference)s.", reference=report.reference),
        next_url=lambda report: url_for("partner.show", reference=report.reference),
    )
    return done or form_page("partner/new.html", form=form, lookup=None)


@bp.route("/partner/adres", methods=["POST"])
@role_required("partner")
def address():
    """The registration form's lookup for intake.js, as the phone intake's: the address in the JSON body (never in the
    URL), CSRF in X-CSRFToken. Only the BAG's answer: nothing of what the team knows at the address."""
    body = request.get_json(silent=True)
    typed = {name: _scalar(body.get(name)) if isinstance(body, dict) else None
             for name in ("postcode", "house_number", "house_number_addition", "bag_id")}
    lookup = partner_registrations.lookup_address(typed["postcode"], typed["house_number"],
                                                  addition=typed["house_number_addition"], bag_id=typed["bag_id"])
    answer = {"status": lookup.status, "matches": [asdict(match) for match in lookup.matches],
              "chosen": asdict(lookup.chosen) if lookup.chosen else None,
              "errors": {name: str(message) for name, message in lookup.errors.items()},
              "html": render_template("intake/_address_result.html", lookup=lookup, selected=typed["bag_id"])}
    return jsonify(answer), 422 if lookup.errors else 200


@bp.route("/partner/aanmeldingen/<reference>")
@role_required("partner")
def show(reference: str):
    report = partner_registrations.view_for_partner(reference, actor=current_user)
    status = partner_registrations.partner_status(report)
    return render_template(
        "partner/show.html",
        report=report,
        registration=report.registration,
        status=partner_registrations.STATUS_LABELS[status],
    )


def _scalar(value) -> str | None:
    """A JSON string or number as text; anything else (lists, objects) counts as not given."""
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _input(form: RegistrationForm) -> partner_registrations.RegistrationInput:
    return partner_registrations.RegistrationInput(
        **{name: form[name].data for name in partner_registrations.RegistrationInput.__dataclass_fields__}
    )
