from flask import Blueprint

bp = Blueprint("auth", __name__)

from gdt.web.auth import mfa, passkeys, passwords, sessions, sso, views  # noqa: E402,F401
