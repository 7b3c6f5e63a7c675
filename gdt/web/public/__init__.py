from flask import Blueprint

from gdt.extensions import csrf

bp = Blueprint("public", __name__)
# The form checks its own CSRF token, so an expired one re-renders the form with the input kept
# instead of the global 400 page (see views.report).
csrf.exempt(bp)

from gdt.web.public import views  # noqa: E402,F401
