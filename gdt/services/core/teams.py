"""Teams of coordinators, and the admin setting that limits each coordinator to the cases of their own team.

A case belongs to the team of its coordinator. With the limit on, a coordinator sees the cases whose
coordinator is in the same team, and the cases without a coordinator yet (new escalations must reach
someone); a coordinator without a team still sees every case. Off (the default), every coordinator
sees every case.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import AppSetting, User
from gdt.services.core import audit
from gdt.services.core.errors import ServiceError
from gdt.services.core.transaction import unit_of_work
from gdt.validation import InvalidValue, clean_name

RESTRICT_KEY = "coordinators_see_own_team_only"


def restricted() -> bool:
    setting = db.session.get(AppSetting, RESTRICT_KEY)
    return setting is not None and setting.value == "1"


def set_restricted(on: bool, *, actor: User) -> None:
    with unit_of_work():
        setting = db.session.get(AppSetting, RESTRICT_KEY) or AppSetting(key=RESTRICT_KEY, value="0")
        setting.value = "1" if on else "0"
        db.session.add(setting)
        audit.record(actor, "change_setting", "setting", RESTRICT_KEY, detail={"on": on})


def set_team(user: User, team: str | None, *, actor: User) -> User:
    try:
        clean = clean_name(team, max_length=60)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="team") from invalid
    if user.role != "coordinator":
        raise ServiceError(_l("Alleen regisseurs horen bij een team."), field="team")
    with unit_of_work():
        user.team = clean
        audit.record(actor, "set_team", "user", str(user.id), detail={"fields": ["team"]})
    return user


def coordinators() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == "coordinator")
                                   .order_by(User.is_active.desc(), User.team, User.name)))


def same_team(user: User, coordinator: User | None) -> bool:
    """The rule for one case (its coordinator): see gdt.services.core.access."""
    return not restricted() or user.team is None or coordinator is None or coordinator.team == user.team


def same_team_clause(user: User, coordinator_id_column) -> sa.ColumnElement[bool]:
    """The same rule as SQL, for lists and counts."""
    if not restricted() or user.team is None:
        return sa.true()
    colleagues = sa.select(User.id).where(User.team == user.team)
    return sa.or_(coordinator_id_column.is_(None), coordinator_id_column.in_(colleagues))
