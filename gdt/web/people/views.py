"""The people pages (coordinators) and the intake's "eerder in beeld" lookup. Thin: the rules are the services'
(gdt.services.people). Names and contact details travel in POST bodies, never in URLs."""
from flask import jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.services.core.errors import ServiceError
from gdt.services.people import duplicates, earlier, overview, registry, suggestions
from gdt.services.triage import report_triage
from gdt.web.access import role_required
from gdt.web.forms import choices, form_page, submit
from gdt.web.people import bp
from gdt.web.people.forms import NEW, AddressForm, ChoosePersonForm, LinkReportForm, MergeForm, PersonForm


@bp.route("/<int:person_id>")
@role_required("coordinator")
def show(person_id: int):
    return render_template("people/show.html", page=registry.person_page(person_id, actor=current_user))


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@role_required("coordinator")
def edit(person_id: int):
    person = registry.view_person(person_id, actor=current_user)
    form = PersonForm(obj=None if request.method == "POST" else person, version=person.version)
    if request.method == "GET" and person.date_of_birth:
        form.date_of_birth.data = person.date_of_birth.isoformat()
    done = submit(form, lambda: registry.update_person(
        person, form.name.data, form.birth_date(), form.phone.data, form.email.data, actor=current_user,
        seen_version=form.version.data), success=_("De gegevens zijn opgeslagen."),
        next_url=url_for("people.show", person_id=person.id))
    return done or form_page("people/edit.html", form=form, person=person)


@bp.route("/<int:person_id>/address", methods=["GET", "POST"])
@role_required("coordinator")
def add_address(person_id: int):
    person = registry.view_person(person_id, actor=current_user)
    form = AddressForm()
    done = submit(form, lambda: registry.add_address(
        person, form.postcode.data, form.house_number.data, form.house_number_addition.data, form.street.data,
        form.city.data, actor=current_user), success=_("Het adres is toegevoegd."),
        next_url=url_for("people.show", person_id=person.id))
    return done or form_page("people/address.html", form=form, person=person)


@bp.route("/duplicates")
@role_required("coordinator")
def duplicate_list():
    return render_template("people/duplicates.html", pairs=duplicates.view_duplicates(actor=current_user),
                           reasons=duplicates.REASON_LABELS, limit=duplicates.GROUPS_SHOWN)


@bp.route("/<int:person_id>/merge/<int:other_id>", methods=["GET", "POST"])
@role_required("coordinator")
def merge(person_id: int, other_id: int):
    """Merge person `person_id` into `other_id` (who stays), after a page naming both."""
    source = registry.view_person(person_id, actor=current_user)
    target = registry.view_person(other_id, actor=current_user)
    form = MergeForm(source_version=source.version, target_version=target.version)
    done = submit(form, lambda: duplicates.merge(
        source, target, actor=current_user, source_version=form.source_version.data,
        target_version=form.target_version.data), success=_("De personen zijn samengevoegd."),
        next_url=url_for("people.show", person_id=target.id))
    return done or form_page("people/merge.html", form=form, source=source, target=target,
                             reasons=[duplicates.REASON_LABELS[key] for key in duplicates.shared(source, target)])


@bp.route("/parties/<int:party_id>/link", methods=["GET", "POST"])
@role_required("coordinator")
def link_party(party_id: int):
    party = overview.party_to_link(party_id, actor=current_user)
    found = suggestions.for_party(party)
    form = _with_people(ChoosePersonForm(), found, _("Nieuwe persoon: %(name)s", name=party.name))
    done = submit(form, lambda: registry.link_party(party, form.chosen_id(), actor=current_user),
                  success=_("%(name)s is aan de persoon gekoppeld.", name=party.name),
                  next_url=url_for("cases.show", reference=party.case.reference) + "#betrokkenen")
    return done or form_page("people/link_party.html", form=form, party=party, found=found)


@bp.route("/reports/<reference>/link", methods=["GET", "POST"])
@role_required("coordinator")
def link_report(reference: str):
    report = report_triage.view_report(reference, actor=current_user)
    found = suggestions.for_report(report)
    form = _with_people(LinkReportForm(), found, _("Nieuwe persoon"))
    if request.method == "GET":
        form.role.data = "subject"
    done = submit(form, lambda: _link_report(report, form), success=_("De persoon is aan de melding gekoppeld."),
                  next_url=url_for("triage.show", reference=reference))
    return done or form_page("people/link_report.html", form=form, report=report, found=found)


@bp.route("/earlier", methods=["POST"])
@role_required("intake", "coordinator")
def earlier_count():
    """For intake.js: how often the typed address was in view before, and when; no links, no content. The address
    travels in the JSON body (never in the URL); CSRF via X-CSRFToken."""
    body = request.get_json(silent=True)
    typed = {name: str(body.get(name) or "") if isinstance(body, dict) else "" for name in ("postcode", "house_number")}
    try:
        found = earlier.count_at_address(typed["postcode"], typed["house_number"], actor=current_user)
    except ServiceError as error:
        return jsonify({"errors": {error.field or "postcode": str(error.message)}}), 422
    html = render_template("people/_earlier_count.html", found=found)
    return jsonify({"count": found.count, "dates": [day.isoformat() for day in found.dates], "html": html})


def _link_report(report, form: LinkReportForm):
    person_id = form.chosen_id()
    if person_id is None and form.role.data == "subject":
        return registry.new_subject(report, form.name.data, actor=current_user)
    return registry.link_report(report, form.role.data, person_id, actor=current_user)


def _with_people(form: ChoosePersonForm, found, new_label: str) -> ChoosePersonForm:
    form.person.choices = choices([(str(person.id), _person_label(person)) for person in found] + [(NEW, new_label)])
    if request.method == "GET":
        form.person.data = str(found[0].id) if found else NEW
    return form


def _person_label(person) -> str:
    details = [person.date_of_birth.strftime("%d-%m-%Y") if person.date_of_birth else None, person.phone,
               person.email] + [f"{address.postcode} {address.house_number}" for address in person.addresses[:2]]
    return " · ".join([person.name] + [detail for detail in details if detail])
