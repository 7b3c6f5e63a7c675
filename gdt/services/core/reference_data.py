"""Categories and partners: the sensible default set, and the choices forms offer."""
import sqlalchemy as sa

from gdt.db import db
from gdt.models import CaseResult, Category, ClosingDay, Partner
from gdt.services.core import closing_days, deadlines
from gdt.services.core.transaction import unit_of_work

DEFAULT_CATEGORIES = (
    ("geluidsoverlast", "Geluidsoverlast"),
    ("vervuiling", "Vervuiling"),
    ("intimidatie", "Intimidatie"),
    ("verward-gedrag", "Verward gedrag"),
    ("drugsoverlast", "Drugsoverlast"),
    ("stankoverlast", "Stankoverlast"),
    ("verwaarlozing", "Verwaarlozing"),
    ("woonoverlast", "Woonoverlast (algemeen)"),
    ("overig", "Overig"),
)
DEFAULT_PARTNERS = (
    ("ruimtelijk-domein", "Ruimtelijk Domein (gemeente)", "municipal"),
    ("politie", "Politie", "police"),
    ("ggz", "GGZ", "care"),
    ("woningcorporatie", "Woningcorporatie", "housing"),
    ("wijkteam", "Wijkteam", "social"),
    ("veilig-thuis", "Veilig Thuis", "care"),
    ("om", "Openbaar Ministerie", "justice"),
    ("reclassering", "Reclassering", "justice"),
)
# Results a case closes with (admin-configurable; the migration seeds the same set): key, label, needs a reason.
DEFAULT_CASE_RESULTS = (
    ("de-escalated", "Gede-escaleerd", False), ("handled-by-partner", "Afgehandeld door ketenpartner", False),
    ("handed-over-zvh", "Overgedragen aan Zorg- en Veiligheidshuis", False), ("stopped", "Gestopt", True),
)
# The description of a closing day copied from EXTRA_NON_WORKING_DAYS (stored text, in the municipality's language).
CONFIGURED_CLOSING_DAY = "Uit de instelling EXTRA_NON_WORKING_DAYS"


def ensure_defaults() -> None:
    """Create the default categories and partners that are missing, and the closing days of EXTRA_NON_WORKING_DAYS
    that are not in the table yet (so the admin's page lists them); never touches existing rows."""
    with unit_of_work():
        added_closing_days = _add_configured_closing_days()
        known = set(db.session.scalars(sa.select(Category.key)))
        for position, (key, label) in enumerate(DEFAULT_CATEGORIES):
            if key not in known:
                db.session.add(Category(key=key, label=label, position=position))
        known = set(db.session.scalars(sa.select(Partner.key)))
        for key, name, kind in DEFAULT_PARTNERS:
            if key not in known:
                db.session.add(Partner(key=key, name=name, kind=kind))
        known = set(db.session.scalars(sa.select(CaseResult.key)))
        for position, (key, label, needs_reason) in enumerate(DEFAULT_CASE_RESULTS):
            if key not in known:
                db.session.add(CaseResult(key=key, label=label, needs_reason=needs_reason, position=position))
    if added_closing_days:
        closing_days.forget()


def _add_configured_closing_days() -> int:
    configured = deadlines.configured_closing_days()
    known = set(db.session.scalars(sa.select(ClosingDay.day).where(ClosingDay.day.in_(configured))))
    for day in sorted(configured - known):
        db.session.add(ClosingDay(day=day, description=CONFIGURED_CLOSING_DAY))
    return len(configured - known)


def active_categories() -> list[Category]:
    """What staff channels offer (phone intake, corrections, a partner's registration): every active category."""
    return list(
        db.session.scalars(sa.select(Category).where(Category.is_active).order_by(Category.position, Category.label))
    )


def public_categories() -> list[Category]:
    """What residents may choose on the webform and in the app: the active categories marked public."""
    return [category for category in active_categories() if category.is_public]


def all_categories() -> list[Category]:
    """Every category, inactive ones last: list filters offer them too, older reports carry them."""
    return list(db.session.scalars(sa.select(Category).order_by(Category.is_active.desc(), Category.position,
                                                                Category.label)))


def active_partners() -> list[Partner]:
    """Ruimtelijk Domein first (most referrals go there), then the rest by name."""
    order = sa.case((Partner.key == "ruimtelijk-domein", 0), else_=1)
    return list(db.session.scalars(sa.select(Partner).where(Partner.is_active).order_by(order, Partner.name)))


def category_by_key(key: str | None, *, public_only: bool = False) -> Category | None:
    """The active category with this key (with `public_only`, only one residents may choose), or None."""
    if not key:
        return None
    found = sa.select(Category).where(Category.key == key, Category.is_active)
    return db.session.scalar(found.where(Category.is_public) if public_only else found)


def suggested_partner(category: Category) -> Partner | None:
    """The partner pre-selected when a report of `category` is referred: its suggestion while that partner is active."""
    partner = category.suggested_partner
    return partner if partner is not None and partner.is_active else None


def partner_by_key(key: str | None) -> Partner | None:
    return db.session.scalar(sa.select(Partner).where(Partner.key == key)) if key else None
