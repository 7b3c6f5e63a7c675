"""The admin's team setting: which coordinator belongs to which team, and whether they see only their team's cases."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from gdt.db import db
from gdt.models import User
from gdt.services.core import teams
from gdt.services.core.errors import NotFound
from gdt.web.access import role_required
from gdt.web.admin import bp
from gdt.web.forms import submit


class RestrictForm(FlaskForm):
    restricted = BooleanField(_l("Regisseurs zien alleen de casussen van hun eigen team (en casussen zonder "
                                 "regisseur)"))


class TeamForm(FlaskForm):
    team = StringField(_l("Team"), description=_l("Leeg: geen team; deze regisseur ziet dan alle casussen."))


@bp.route("/admin/teams", methods=["GET", "POST"])
@role_required("admin")
def teams_page():
    form = RestrictForm(prefix="restrict")
    if form.validate_on_submit():
        teams.set_restricted(form.restricted.data, actor=current_user)
        flash(_("De instelling is opgeslagen."), "success")
        return redirect(url_for("admin.teams_page"))
    return _render(form)


@bp.route("/admin/teams/<int:user_id>", methods=["POST"])
@role_required("admin")
def set_team(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("Deze medewerker bestaat niet."))
    form = TeamForm(prefix=f"team-{user_id}")
    if not form.validate_on_submit():  # only an expired CSRF token fails here: back to the page, nothing saved
        return redirect(url_for("admin.teams_page"))
    done = submit(form, lambda: teams.set_team(user, form.team.data, actor=current_user),
                  success=_("Het team van %(name)s is opgeslagen.", name=user.name),
                  next_url=url_for("admin.teams_page"))
    return done or _render(RestrictForm(formdata=None, prefix="restrict"), {user_id: form}, 422)


def _render(form: RestrictForm, team_forms: dict | None = None, status: int = 200):
    if not form.is_submitted():
        form.restricted.data = teams.restricted()
    team_forms = team_forms or {}
    people = teams.coordinators()
    for user in people:
        team_forms.setdefault(user.id, TeamForm(formdata=None, prefix=f"team-{user.id}", team=user.team))
    return render_template("admin/teams.html", form=form, people=people, team_forms=team_forms), status
