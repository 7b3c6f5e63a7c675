from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import InputRequired

from gdt.web.forms import choices


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[InputRequired(message=_l("Vul uw e-mailadres in."))],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Wachtwoord"), validators=[InputRequired(message=_l("Vul uw wachtwoord in."))],
                             render_kw={"autocomplete": "current-password"})


class LogoutForm(FlaskForm):
    pass


class RevokeTokenForm(FlaskForm):
    pass


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Taal"), choices=choices([("nl", "Nederlands"), ("en", "English")]))
