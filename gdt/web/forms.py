"""Shared form helpers: submit through one service, put its refusal next to its field, show the page again."""
from flask import flash, redirect, render_template, request
from flask_wtf import FlaskForm
from wtforms import HiddenField, ValidationError
from wtforms.fields.choices import SelectChoice

from gdt.services.core.errors import ServiceError, ValidationFailed
from gdt.validation import InvalidValue


def show_error(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's refusal next to the field it concerns, or at the top of the form."""
    errors = error.errors if isinstance(error, ValidationFailed) else {error.field: error.message}
    for field_name, message in errors.items():
        field = getattr(form, field_name, None) if field_name else None
        if field is not None and not isinstance(field, HiddenField):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)


def shared_rule(rule):
    """Turn a validation.py function into a WTForms validator, so form and API apply the same rule."""
    def validate(form, field):
        try:
            rule(field.data)
        except InvalidValue as invalid:
            raise ValidationError(str(invalid.message)) from invalid

    return validate


class VersionedForm(FlaskForm):
    """An edit form that carries the version the user saw (optimistic locking)."""

    version = HiddenField()


class ActiveForm(FlaskForm):
    """The deactivate and reactivate button of an edit page (templates/admin/_status.html): only the CSRF token."""


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def submit(form: FlaskForm, perform, *, success, next_url):
    """The shape every form view shares: validate, call one service, flash and redirect.

    Returns the redirect, or None when the form must be shown again (with the service's refusal
    next to its field). `success` and `next_url` may be callables of the service's result; `success`
    None flashes nothing (the next page says it).
    """
    if request.form.get("fill_text") or not form.validate_on_submit():
        return None  # "Tekst invullen" without JavaScript (templates/texts/_picker.html): shown again, filled
    try:
        result = perform()
    except ServiceError as error:
        show_error(form, error)
        return None
    if success is not None:
        flash(str(success(result) if callable(success) else success), "success")
    return redirect(next_url(result) if callable(next_url) else next_url)


def form_page(template: str, *, refused: bool = False, **context):
    """The page with its form(s), answered 422 when a form in `context` carries errors (200 when first shown).

    `refused`: answer 422 as well, for a refusal the page shows outside its forms (an import's list of problems).
    """
    refused = refused or any(isinstance(value, FlaskForm) and value.errors for value in context.values())
    return render_template(template, **context), 422 if refused else 200


def switch_active(perform, *, success, next_url, page):
    """The deactivate or reactivate button of an edit page: `perform` switches through one service.

    The form carries the prefix "active", as on the edit pages; when refused, `page(active_form)` shows the edit
    page again with the refusal at the button.
    """
    form = ActiveForm(prefix="active")
    return submit(form, perform, success=success, next_url=next_url) or page(form)
