"""Writing a letter on a case (coordinators who may open it): choose a template and the addressee, preview the PDF
in a new tab, and "Opslaan in het dossier" keeps it as a case document (gdt.services.letters.generate)."""
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.services.casework import cases
from gdt.services.core.errors import ServiceError
from gdt.services.letters import generate
from gdt.web.access import role_required
from gdt.web.forms import form_page, show_error, submit
from gdt.web.letters import bp
from gdt.web.letters.forms import LetterForm
from gdt.web.letters.pdf import inline_pdf


@bp.route("/cases/<reference>/letters/new", methods=["GET", "POST"])
@role_required("coordinator")
def new(reference: str):
    case = _case(reference)
    form = LetterForm().offer(case)
    done = submit(form, lambda: generate.save(case, actor=current_user, **form.choices_made()),
                  success=lambda document: _("De brief %(title)s is opgeslagen in het dossier.", title=document.title),
                  next_url=url_for("cases.show", reference=reference, _anchor="documenten"))
    return done or _page(case, form)


@bp.route("/cases/<reference>/letters/preview", methods=["POST"])
@role_required("coordinator")
def preview(reference: str):
    """The letter as PDF in its own tab (nothing saved); refused: the form again, with the message."""
    case = _case(reference)
    form = LetterForm().offer(case)
    if form.validate_on_submit():
        try:
            data = generate.preview(case, actor=current_user, **form.choices_made())
        except ServiceError as error:
            show_error(form, error)
        else:
            return inline_pdf(data, f"voorbeeld-brief-{case.reference}.pdf")
    return _page(case, form, refused=True)


def _case(reference: str):
    """The case as its page opens it (need-to-know, audited); writing is checked again by the service."""
    return cases.view_case(reference, actor=current_user)


def _page(case, form: LetterForm, *, refused: bool = False):
    return form_page("letters/new.html", refused=refused, case=case, form=form)
