"""The only exceptions views and the API need to catch. Messages are user-facing Dutch."""
from flask_babel import lazy_gettext as _l


class ServiceError(Exception):
    """A refused operation; `field` points at the form field or API parameter it concerns."""

    status = 422

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message, self.field, self.code = message, field, code


class Conflict(ServiceError):
    status = 409


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


STALE_MESSAGE = _l("Deze gegevens zijn intussen door iemand anders gewijzigd. "
                   "Laad de pagina opnieuw en probeer het nog eens.")


class ValidationFailed(ServiceError):
    """Several fields are wrong at once: `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        first_field, first_message = next(iter(errors.items()))
        super().__init__(first_message, field=first_field, code="invalid")
        self.errors = errors
