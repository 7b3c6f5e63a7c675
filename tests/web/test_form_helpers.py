"""The shared form helpers of gdt.web.forms: submit, switch_active and form_page."""
from flask import get_flashed_messages
from flask_wtf import FlaskForm
from wtforms import StringField

from gdt.services.core.errors import ServiceError
from gdt.web.forms import ActiveForm, form_page, submit, switch_active


class NameForm(FlaskForm):
    name = StringField()


def _refuse(message: str, field: str | None = None):
    def perform():
        raise ServiceError(message, field=field)

    return perform


def test_submit_flashes_the_success_and_redirects(app):
    with app.test_request_context("/", method="POST", data={"name": "Anna"}):
        response = submit(NameForm(), lambda: "Anna", success=lambda name: f"{name} is opgeslagen.",
                          next_url=lambda name: f"/{name}")
        assert response.status_code == 302 and response.headers["Location"] == "/Anna"
        assert get_flashed_messages(with_categories=True) == [("success", "Anna is opgeslagen.")]


def test_submit_without_a_success_message_flashes_nothing(app):
    with app.test_request_context("/", method="POST", data={"name": "Anna"}):
        response = submit(NameForm(), lambda: None, success=None, next_url="/bedankt")
        assert response.status_code == 302 and response.headers["Location"] == "/bedankt"
        assert get_flashed_messages() == []


def test_a_refusal_goes_next_to_its_field_and_nothing_is_flashed(app):
    with app.test_request_context("/", method="POST", data={"name": "Anna"}):
        form = NameForm()
        assert submit(form, _refuse("Deze naam is bezet.", "name"), success="Opgeslagen.", next_url="/") is None
        assert form.name.errors == ["Deze naam is bezet."] and get_flashed_messages() == []


def test_switch_active_redirects_or_shows_the_page_with_the_refusal_at_the_button(app):
    with app.test_request_context("/", method="POST"):
        response = switch_active(lambda: None, success="Gedeactiveerd.", next_url="/terug", page=None)
        assert response.status_code == 302 and response.headers["Location"] == "/terug"
    with app.test_request_context("/", method="POST"):
        shown = []
        answer = switch_active(_refuse("Dit is de laatste."), success="Gedeactiveerd.", next_url="/terug",
                               page=lambda form: shown.append(form) or "de pagina")
        assert answer == "de pagina"
        [form] = shown
        assert isinstance(form, ActiveForm) and form._prefix == "active-"
        assert form.form_errors == ["Dit is de laatste."]


def test_form_page_answers_422_for_a_form_with_errors_or_a_refusal_outside_the_forms(app):
    with app.test_request_context("/"):
        clean, refused = NameForm(formdata=None), NameForm(formdata=None)
        refused.form_errors.append("Fout.")
        assert form_page("error.html", form=clean, error=None)[1] == 200
        assert form_page("error.html", form=refused, error=None)[1] == 422
        assert form_page("error.html", refused=True, form=clean, error=None)[1] == 422
