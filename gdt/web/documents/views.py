"""Case documents for coordinators: upload on the case, the document's page (versions, new version, details),
and downloads for coordinators and partner users. Files are always downloads (attachment, nosniff, no-store);
their address needs a login and passes the need-to-know rule, and every download is audited by the service."""
import io

from flask import send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from gdt.services.casework import cases
from gdt.services.documents import file_check, reading, store
from gdt.web.access import role_required
from gdt.web.documents import bp
from gdt.web.documents.forms import DetailsForm, DocumentForm, VersionForm, file_bytes
from gdt.web.forms import form_page, submit


@bp.route("/cases/<reference>/documents/new", methods=["GET", "POST"])
@role_required("coordinator")
def new(reference: str):
    case = cases.view_case(reference, actor=current_user)
    form = DocumentForm()

    def perform():
        data, filename = file_bytes(form)
        return store.add_document(case, document_type=form.document_type.data, title=form.title.data,
                                  document_date=form.parsed_date(),
                                  visible_to_partners=form.visible_to_partners.data, data=data, filename=filename,
                                  actor=current_user)

    done = submit(form, perform, success=lambda document: _("Het document %(title)s is toegevoegd.",
                                                            title=document.title),
                  next_url=url_for("cases.show", reference=reference, _anchor="documenten"))
    return done or form_page("documents/new.html", form=form, case=case, max_mb=_max_mb())


@bp.route("/documents/<int:document_id>")
@role_required("coordinator")
def show(document_id: int):
    document = reading.document_for(current_user, document_id)
    return _page(document)


@bp.route("/documents/<int:document_id>/versions", methods=["POST"])
@role_required("coordinator")
def new_version(document_id: int):
    document = reading.document_for(current_user, document_id, audited=False)  # the upload is audited
    form = VersionForm(prefix="version")

    def perform():
        data, filename = file_bytes(form)
        return store.add_version(document, data=data, filename=filename, actor=current_user)

    done = submit(form, perform, success=lambda version: _("Versie %(number)d is toegevoegd.",
                                                           number=version.number),
                  next_url=url_for("documents.show", document_id=document_id))
    return done or _page(document, version_form=form)


@bp.route("/documents/<int:document_id>/details", methods=["POST"])
@role_required("coordinator")
def edit(document_id: int):
    document = reading.document_for(current_user, document_id, audited=False)  # the change is audited
    form = DetailsForm(prefix="details")
    done = submit(form, lambda: store.update_details(
        document, seen_version=form.version.data, document_type=form.document_type.data, title=form.title.data,
        document_date=form.parsed_date(), visible_to_partners=form.visible_to_partners.data, actor=current_user),
        success=_("De gegevens van het document zijn opgeslagen."),
        next_url=url_for("documents.show", document_id=document_id))
    return done or _page(document, details_form=form)


@bp.route("/documents/<int:document_id>/versions/<int:number>")
@role_required("coordinator", "partner")  # the service narrows this: partners only flagged documents of their cases
def download(document_id: int, number: int):
    version, stored = reading.open_version(current_user, document_id, number)
    name = f"{version.document.case.reference}-document-{document_id}-v{number}.{version.extension}"
    # Read whole from the store (at most DOCUMENT_MAX_BYTES) and sent by GDT, never as a link into the bucket: no
    # file handle or connection to the store outlives the request.
    response = send_file(io.BytesIO(stored.read_bytes()), mimetype=version.content_type, as_attachment=True,
                         download_name=name, max_age=0, conditional=False)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _page(document, *, version_form=None, details_form=None):
    if details_form is None:
        details_form = DetailsForm(formdata=None, prefix="details", obj=document)
        details_form.document_date.data = document.document_date.isoformat()
    return form_page("documents/show.html", document=document, case=document.case, details_form=details_form,
                     version_form=version_form or VersionForm(formdata=None, prefix="version"), max_mb=_max_mb())


def _max_mb() -> int:
    return file_check.max_bytes() // (1024 * 1024)
