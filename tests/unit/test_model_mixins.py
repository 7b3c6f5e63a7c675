"""The shared column sets keep each table as the migrations made it: the owner's key right after `id`."""
from gdt.models import CaseEvent, IndicatorTarget, IndicatorValue, ReportEvent

HISTORY = ["occurred_at", "actor_id", "event", "from_status", "to_status", "detail"]


def _columns(model) -> list[str]:
    return [column.name for column in model.__table__.columns]


def test_both_histories_have_the_same_columns_after_their_owner():
    assert _columns(CaseEvent) == ["id", "case_id", *HISTORY]
    assert _columns(ReportEvent) == ["id", "report_id", *HISTORY]
    assert CaseEvent.actor.property.mapper.class_ is ReportEvent.actor.property.mapper.class_


def test_indicator_values_and_targets_keep_their_column_order():
    assert _columns(IndicatorValue) == ["id", "indicator_id", "year", "value", "note", "updated_at"]
    assert _columns(IndicatorTarget) == ["id", "indicator_id", "year", "comparator", "value", "updated_at"]
    for model in (IndicatorValue, IndicatorTarget):
        table = model.__table__.name
        names = {str(constraint.name) for constraint in model.__table__.constraints}
        assert {f"ck_{table}_year_range", f"uq_{table}_indicator_id_year", f"pk_{table}"} <= names
