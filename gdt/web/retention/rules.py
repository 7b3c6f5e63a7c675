"""The archivist's retention rules (/archief/bewaartermijnen) and legal holds (/archief/bewaarplichten), and placing
or lifting a hold from the coordinator's case page. The rules are gdt.services.retention.rules and .holds; a hold
page names the case by its reference, never its content.
"""
from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, TextAreaField
from wtforms.validators import Optional

from gdt.db import db
from gdt.models import Case
from gdt.models.retention import LegalHold
from gdt.services.admin import reference_history
from gdt.services.core.errors import Forbidden
from gdt.services.core.pagination import page_of
from gdt.services.retention import holds, rules
from gdt.web.access import role_required
from gdt.web.forms import choices, form_page, submit
from gdt.web.retention import bp

PER_PAGE = 50
HOLD_ROLES = ("coordinator", "archivist", "privacy")
HISTORY_LABELS = {"months": _l("Termijn in maanden"), "nomination": _l("Archiefnominatie"), "source": _l("Bron")}


class RuleForm(FlaskForm):
    months = StringField(_l("Bewaartermijn in maanden"), render_kw={"inputmode": "numeric", "autocomplete": "off"},
                         description=_l("Hele maanden, van 1 tot en met 1200; bijvoorbeeld 60 voor vijf jaar."))
    nomination = RadioField(_l("Na de termijn"), choices=choices(rules.NOMINATION_LABELS.items()), default="destroy",
                            validate_choice=False)
    source = StringField(_l("Bron"), render_kw={"maxlength": rules.SOURCE_MAX},
                         description=_l("Waar de termijn vandaan komt, zoals: Selectielijst gemeenten en "
                                        "intergemeentelijke organen 2020, 6.1 Verzoeken behandelen – ingewilligd."))


class HoldForm(FlaskForm):
    reason = TextAreaField(_l("Reden"), render_kw={"rows": 3, "maxlength": holds.REASON_MAX},
                           description=_l("Zoals: lopende rechtszaak, klacht bij de Nationale ombudsman. Noem geen "
                                          "namen."))
    until = DateField(_l("Tot en met"), validators=[Optional()],
                      description=_l("Leeg laten: tot de bewaarplicht wordt opgeheven."))


class NewHoldForm(HoldForm):
    case = StringField(_l("Kenmerk van de casus"), render_kw={"autocomplete": "off", "spellcheck": "false"})


class ButtonForm(FlaskForm):
    """A button: only the CSRF token (what it acts on is in the address)."""


# --- retention rules ---------------------------------------------------------------------------------------------

@bp.route("/bewaartermijnen")
@role_required("archivist")
def rules_page():
    return render_template("retention/rules.html", rows=rules.rules_overview(), kind_labels=rules.KIND_LABELS,
                           kind_starts=rules.KIND_STARTS, nominations=rules.NOMINATION_LABELS)


@bp.route("/bewaartermijnen/<int:rule_id>", methods=["GET", "POST"])
@role_required("archivist")
def edit_rule(rule_id: int):
    rule = rules.find_rule(rule_id)
    form = RuleForm(obj=None if request.method == "POST" else rule)
    done = submit(form, lambda: rules.update_rule(rule, form.data, actor=current_user),
                  success=_("De bewaartermijn is opgeslagen. Hij geldt voor wat vanaf nu wordt gesloten of "
                            "afgehandeld."), next_url=url_for("retention.rules_page"))
    return done or form_page("retention/rules_edit.html", form=form, rule=rule,
                             label=rules.rule_label(rule.kind, rule.key), start=rules.KIND_STARTS[rule.kind],
                             keep_allowed=rule.kind == "case_result",
                             history=reference_history.change_lines(rules.HISTORY_TYPE, rules.history_key(rule),
                                                                    labels=HISTORY_LABELS,
                                                                    display={"nomination": _nomination}))


@bp.route("/bewaartermijnen/resultaat/<result_key>", methods=["GET", "POST"])
@role_required("archivist")
def new_rule(result_key: str):
    """A rule of its own for a case result that follows the "*" rule so far."""
    existing = next((row.rule for row in rules.rules_overview()
                     if row.kind == "case_result" and row.key == result_key and row.rule is not None), None)
    if existing is not None and result_key != rules.FALLBACK:
        return redirect(url_for("retention.edit_rule", rule_id=existing.id))
    form = RuleForm()
    if not form.is_submitted():
        fallback = rules.rule_for("case_result", rules.FALLBACK)
        form.months.data, form.nomination.data = str(fallback.months), fallback.nomination
    done = submit(form, lambda: rules.add_case_result_rule(result_key, form.data, actor=current_user),
                  success=_("De bewaartermijn is toegevoegd."), next_url=url_for("retention.rules_page"))
    return done or form_page("retention/rules_edit.html", form=form, rule=None,
                             label=rules.rule_label("case_result", result_key), start=rules.KIND_STARTS["case_result"],
                             keep_allowed=True)


def _nomination(value) -> str:
    return str(rules.NOMINATION_LABELS.get(value, value))


# --- legal holds -------------------------------------------------------------------------------------------------

@bp.route("/bewaarplichten")
@role_required("archivist", "privacy")
def holds_page():
    page = page_of(holds.all_in_force(), request.args, per_page=PER_PAGE)
    holds.view_list(actor=current_user)
    return render_template("retention/holds.html", page=page, lines=holds.lines(page.items), form=ButtonForm())


@bp.route("/bewaarplichten/nieuw", methods=["GET", "POST"])
@role_required("archivist", "privacy")
def new_hold():
    form = NewHoldForm()
    done = submit(form, lambda: holds.place(holds.find_case(form.case.data), reason=form.reason.data,
                                            until=form.until.data, actor=current_user),
                  success=_placed, next_url=url_for("retention.holds_page"))
    return done or form_page("retention/holds_new.html", form=form, case=None)


@bp.route("/casussen/<reference>/bewaarplicht", methods=["GET", "POST"])
@role_required("coordinator")
def place_hold(reference: str):
    """From the case page: the form sits there; this page shows it again when something was wrong."""
    case = holds.find_case(reference)
    if not holds.may_manage(current_user, case):
        raise Forbidden(_l("U heeft geen toegang tot deze casus."))
    form = HoldForm()
    done = submit(form, lambda: holds.place(case, reason=form.reason.data, until=form.until.data,
                                            actor=current_user),
                  success=_placed, next_url=url_for("cases.show", reference=case.reference, _anchor="bewaren"))
    return done or form_page("retention/holds_new.html", form=form, case=case)


@bp.route("/bewaarplichten/<int:hold_id>/opheffen", methods=["POST"])
@role_required(*HOLD_ROLES)
def lift_hold(hold_id: int):
    hold = holds.find(hold_id)
    case = db.session.get(Case, hold.case_id)
    if not holds.may_manage(current_user, case):
        raise Forbidden(_l("U mag deze bewaarplicht niet opheffen."))
    reference = case.reference
    back = (url_for("cases.show", reference=reference, _anchor="bewaren") if current_user.role == "coordinator"
            else url_for("retention.holds_page"))
    done = submit(ButtonForm(), lambda: holds.lift(hold, actor=current_user),
                  success=_("De bewaarplicht op %(reference)s is opgeheven.", reference=reference), next_url=back)
    return done or redirect(back)


def _placed(hold: LegalHold) -> str:
    reference = db.session.get(Case, hold.case_id).reference
    if hold.until:
        return _("Bewaarplicht geplaatst op %(reference)s, tot en met %(until)s.", reference=reference,
                 until=long_date(hold.until))
    return _("Bewaarplicht geplaatst op %(reference)s, tot die wordt opgeheven.", reference=reference)


# --- the case page's part ----------------------------------------------------------------------------------------

def long_date(day: date) -> str:
    return format_date(day, "d MMMM yyyy")


def case_retention(case: Case) -> dict:
    """What the case page shows about retention: the date or nomination once fixed, the holds in force and the form
    to place one (the coordinator's case page, gdt/web/cases/workspace.py)."""
    if case.archive_nomination == "keep":
        outlook = _("Blijvend bewaren")
    elif case.destruction_due_on is not None:
        outlook = _("Te vernietigen na %(day)s", day=long_date(case.destruction_due_on))
    else:
        outlook = None
    return {"outlook": outlook, "holds": holds.holds_of(case), "form": HoldForm(formdata=None),
            "lift_form": ButtonForm(formdata=None)}
