"""Categories: what kind of nuisance a report is about (admin only), with their help text for residents, whether
residents may choose them, their own triage deadline and the partner suggested at triage.

The key is what imports, the API and the anonymous exports use. It may be changed only while nothing uses the
category yet (`key_fixed_because`: a report of any channel, a tally row, a correction that named it); after that it
is fixed. A retired (inactive) category is no longer offered for new reports anywhere, while reports that have it
keep it and the lists' filters and the statistics still show it (reference_data.all_categories). At least one
active public category always stays, or the webform and the app would have nothing to offer.

The change history is kept under the category's id (the key may still change at first); audit events name the key.
"""
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from gdt.db import db
from gdt.models import Category, Partner, Report, ReportEvent, ReportTally, User
from gdt.services.admin import activation, reference_history
from gdt.services.core import audit, deadlines
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.validation import InvalidValue, clean_fields, clean_text, name_line, required, slug_key

KEY_MAX = 40  # Category.key is String(40)
LABEL_MAX = 80
HELP_MAX = 300
POSITION_MAX = 999
TRIAGE_DAYS_MIN, TRIAGE_DAYS_MAX = 1, 30
RESERVED_KEYS = frozenset({"new"})
OBJECT_TYPE = "category"
HISTORY_LABELS = {"key": _l("Sleutel"), "label": _l("Naam"), "help_text": _l("Uitleg voor bewoners"),
                  "is_public": _l("Te kiezen door bewoners"), "triage_working_days": _l("Eigen termijn voor triage"),
                  "suggested_partner": _l("Voorgestelde ketenpartner"), "position": _l("Volgnummer"),
                  "is_active": _l("Actief")}
LAST_PUBLIC = _l("Dit is de laatste actieve categorie voor bewoners. Het webformulier en de Woonoverlast-app moeten "
                 "iets kunnen aanbieden: maak eerst een andere categorie actief en te kiezen door bewoners.")


def list_categories() -> list[Category]:
    """Every category, the active ones first, each group in the admin's order, with its suggested partner."""
    return list(db.session.scalars(
        sa.select(Category).options(so.selectinload(Category.suggested_partner))
        .order_by(Category.is_active.desc(), Category.position, Category.label, Category.key)))


def get_category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        raise NotFound(_l("Deze categorie bestaat niet."))
    return category


def create_category(key: str, label: str, *, help_text: str | None = None, is_public: bool = True,
                    triage_working_days: int | str | None = None, suggested_partner: str | None = None,
                    actor: User | None) -> Category:
    """A new active category, offered at once; it goes to the end of the list."""
    fields = _clean_fields(None, key=key, label=label, help_text=help_text, triage_working_days=triage_working_days,
                           suggested_partner=suggested_partner) | {"is_public": bool(is_public)}
    with unit_of_work():
        _check_key_free(fields["key"])
        last = db.session.scalar(sa.select(sa.func.max(Category.position)))
        category = Category(**fields, is_active=True,
                            position=min((last if last is not None else -1) + 1, POSITION_MAX))
        db.session.add(category)
        db.session.flush()  # the id names its history
        reference_history.record_change(actor, OBJECT_TYPE, str(category.id), "create", after=_snapshot(category))
        audit.record(actor, "create", OBJECT_TYPE, category.key)
    return category


def update_category(category: Category, *, label: str, help_text: str | None, is_public: bool,
                    triage_working_days: int | str | None, suggested_partner: str | None, position: int | str | None,
                    key: str | None = None, actor: User | None) -> Category:
    """Change what the admin may change; `key` None keeps the key (the page offers it only while it may change)."""
    raw = dict(label=label, help_text=help_text, triage_working_days=triage_working_days,
               suggested_partner=suggested_partner, position=position)
    if key is not None:
        raw["key"] = key
    fields = _clean_fields(category, **raw) | {"is_public": bool(is_public)}
    with unit_of_work():
        if fields.get("key", category.key) != category.key:
            _check_key_changeable(category, fields["key"])
        if category.is_active and category.is_public and not fields["is_public"]:
            _keep_one_public(category, field="is_public")
        before = _snapshot(category)
        changed = [field for field, value in fields.items() if getattr(category, field) != value]
        old_key = category.key
        for field, value in fields.items():
            setattr(category, field, value)
        reference_history.record_change(actor, OBJECT_TYPE, str(category.id), "update", before=before,
                                        after=_snapshot(category))
        detail = {"fields": changed} | ({"previous_key": old_key} if old_key != category.key else {})
        audit.record(actor, "update", OBJECT_TYPE, category.key, detail=detail)
    return category


def set_category_active(category: Category, active: bool, *, actor: User | None) -> Category:
    """Retire a category (reports keep it, the statistics still count it) or offer it again."""
    def keep_one_public() -> None:
        if not active and category.is_active and category.is_public:
            _keep_one_public(category)

    return activation.set_active(category, active, actor=actor, object_type=OBJECT_TYPE, object_ref=category.key,
                                 check=keep_one_public, keep_history=True, history_key=str(category.id))


def key_fixed_because(category: Category) -> str | None:
    """Why the key can no longer change, in words; None while nothing uses the category."""
    reports = db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(Report.category_id == category.id))
    if reports:
        return ngettext("%(num)d melding heeft deze categorie.", "%(num)d meldingen hebben deze categorie.", reports)
    if db.session.scalar(sa.select(sa.exists().where(ReportTally.category_id == category.id))):
        return str(_l("De statistieken tellen meldingen in deze categorie."))
    if _named_in_corrections(category.key):
        return str(_l("Een correctie van een melding noemt deze categorie."))
    return None


def history(category: Category) -> list[reference_history.ChangeLine]:
    return reference_history.change_lines(OBJECT_TYPE, str(category.id), labels=HISTORY_LABELS,
                                          display={"triage_working_days": working_days_words,
                                                   "suggested_partner": _partner_name})


def general_norm() -> int:
    """The general triage norm in working days (TRIAGE_NORM_WORKING_DAYS), used by categories without their own."""
    return deadlines.triage_working_days(None)


def working_days_words(days: int) -> str:
    return ngettext("%(num)d werkdag", "%(num)d werkdagen", days)


def deadline_words(category: Category) -> str:
    """"5 werkdagen" for a category's own deadline, "3 werkdagen (algemeen)" for the general norm."""
    if category.triage_working_days is not None:
        return working_days_words(category.triage_working_days)
    return str(_l("%(days)s (algemeen)", days=working_days_words(general_norm())))


# Rules -------------------------------------------------------------------------------------------------------------


def _check_key_free(key: str, *, other_than: Category | None = None) -> None:
    found = db.session.scalar(sa.select(Category.id).where(Category.key == key))
    if found is not None and (other_than is None or found != other_than.id):
        raise ServiceError(_l("Er bestaat al een categorie met deze sleutel."), field="key")


def _check_key_changeable(category: Category, key: str) -> None:
    """Lock the category first: a report registered meanwhile waits for this change or is counted here."""
    db.session.execute(sa.select(Category.id).where(Category.id == category.id).with_for_update())
    reason = key_fixed_because(category)
    if reason is not None:
        raise ServiceError(_l("De sleutel staat vast: %(reason)s", reason=reason), field="key", code="key_fixed")
    _check_key_free(key, other_than=category)


def _keep_one_public(category: Category, *, field: str | None = None) -> None:
    """Lock the active public rows, so two admins cannot each take away one of the last two at the same time."""
    still_public = db.session.scalars(
        sa.select(Category.id).where(Category.is_active, Category.is_public).with_for_update()).all()
    if set(still_public) <= {category.id}:
        raise ServiceError(LAST_PUBLIC, field=field, code="last_public_category")


def _named_in_corrections(key: str) -> bool:
    """Whether a correction event names `key` as the category before or after ({"field": "category", "from", "to"})."""
    details = db.session.scalars(
        sa.select(ReportEvent.detail).where(ReportEvent.event == "correct",
                                            sa.cast(ReportEvent.detail, sa.Text).like(f'%"{key}"%')))
    return any(detail and detail.get("field") == "category" and key in (detail.get("from"), detail.get("to"))
               for detail in details)


def _snapshot(category: Category) -> dict:
    values = reference_history.snapshot(category, [field for field in HISTORY_LABELS if field != "suggested_partner"])
    partner = db.session.get(Partner, category.suggested_partner_id) if category.suggested_partner_id else None
    return values | {"suggested_partner": partner.key if partner is not None else None}


def _partner_name(key: str) -> str:
    name = db.session.scalar(sa.select(Partner.name).where(Partner.key == key))
    return name or key


def _clean_fields(category: Category | None, **raw) -> dict:
    rules = RULES | {"suggested_partner": lambda value: _suggested_partner(value, category)}
    fields, errors = clean_fields(rules, raw)
    if errors:
        raise ValidationFailed(errors)
    if "suggested_partner" in fields:
        partner = fields.pop("suggested_partner")
        fields["suggested_partner_id"] = partner.id if partner is not None else None
    return fields


def _suggested_partner(raw: str | None, category: Category | None) -> Partner | None:
    """An active partner by its key, or none; a partner deactivated since it was chosen may stay as it was."""
    key = (raw or "").strip()
    if not key:
        return None
    partner = db.session.scalar(sa.select(Partner).where(Partner.key == key))
    keeps = partner is not None and category is not None and category.suggested_partner_id == partner.id
    if partner is None or not (partner.is_active or keeps):
        raise InvalidValue(_l("Kies een actieve ketenpartner, of geen."))
    return partner


def _triage_working_days(raw: int | str | None) -> int | None:
    value = raw.strip() if isinstance(raw, str) else raw
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not TRIAGE_DAYS_MIN <= value <= TRIAGE_DAYS_MAX:
        raise InvalidValue(_l("Vul een aantal werkdagen in van %(min)d tot en met %(max)d, of laat het leeg voor de "
                              "algemene termijn (%(norm)s).", min=TRIAGE_DAYS_MIN, max=TRIAGE_DAYS_MAX,
                              norm=working_days_words(current_app.config["TRIAGE_NORM_WORKING_DAYS"])))
    return value


def _help_text(raw: str | None) -> str | None:
    """One paragraph: line breaks typed in the box become spaces, as the webform shows it under the choice."""
    text = clean_text(raw, max_length=HELP_MAX * 2)
    text = " ".join(text.split()) if text else None
    if text and len(text) > HELP_MAX:
        raise InvalidValue(_l("Gebruik hoogstens %(max)d tekens.", max=HELP_MAX))
    return text


def _position(raw: int | str | None) -> int:
    if isinstance(raw, bool):
        raw = None
    value = raw.strip() if isinstance(raw, str) else raw
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or not 0 <= value <= POSITION_MAX:
        raise InvalidValue(_l("Vul een volgnummer in van 0 tot en met %(max)d.", max=POSITION_MAX))
    return value


RULES = {
    "key": slug_key(max_length=KEY_MAX, example="burenruzie", reserved=RESERVED_KEYS),
    "label": required(name_line(LABEL_MAX), _l("Vul een naam in.")),
    "help_text": _help_text,
    "triage_working_days": _triage_working_days,
    "position": _position,
}
