"""The administrator's ladder: validation, unique code and name, the code fixed once made, (de)activation, and the
defaults added by code without touching what the administrator changed."""
import pytest
import sqlalchemy as sa

from gdt.models import AuditEvent
from gdt.models.interventions import InterventionType
from gdt.services.core.errors import NotFound, ValidationFailed
from gdt.services.interventions import catalogue, ladder
from gdt.services.interventions.defaults import DEFAULT_TYPES


def create(**overrides):
    fields = {"code": "huisbezoek", "name": "Huisbezoek", "legal_ground": "", "formal": False, "position": "15"}
    return catalogue.create_type(**(fields | overrides), actor=None)


def errors_of(call) -> dict:
    with pytest.raises(ValidationFailed) as failure:
        call()
    return failure.value.errors


def test_the_defaults_are_the_ladder_and_are_added_once(db):
    assert catalogue.ensure_defaults() == len(DEFAULT_TYPES)
    gesprek = db.session.scalar(sa.select(InterventionType).where(InterventionType.code == "gesprek"))
    catalogue.update_type(gesprek, name="Eerste gesprek", legal_ground=None, formal=False, position=5, actor=None)
    assert catalogue.ensure_defaults() == 0
    assert [kind.code for kind in catalogue.list_types()] == [row[0] for row in DEFAULT_TYPES]
    assert gesprek.name == "Eerste gesprek"
    assert [kind.code for kind in catalogue.list_types() if kind.formal] == [
        "voornemen_gedragsaanwijzing", "gedragsaanwijzing", "last_onder_dwangsom", "bestuursdwang", "sluiting_174a",
        "sluiting_13b"]


def test_a_new_rung_takes_its_place_and_its_code_stays(db):
    catalogue.ensure_defaults()
    visit = create()
    assert (visit.code, visit.legal_ground, visit.position, visit.active) == ("huisbezoek", None, 15, True)
    assert [kind.code for kind in ladder.active_types()][:3] == ["gesprek", "huisbezoek", "buurtbemiddeling"]
    catalogue.update_type(visit, name="Huisbezoek met wijkagent", legal_ground="", formal=False, position="12",
                          actor=None)
    assert (visit.code, visit.name, visit.position) == ("huisbezoek", "Huisbezoek met wijkagent", 12)
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_type == "intervention_type"))
    assert list(actions) == ["create", "update"]


def test_bad_and_taken_values_are_named_and_nothing_changes(db):
    catalogue.ensure_defaults()
    assert set(errors_of(lambda: create(code="Huis Bezoek!", name=" ", position="veel"))) == {
        "code", "name", "position"}
    assert set(errors_of(lambda: create(code="gesprek", name="GESPREK"))) == {"code", "name"}
    assert set(errors_of(lambda: create(position="10001", legal_ground="x" * 201))) == {"position", "legal_ground"}
    warning = db.session.scalar(sa.select(InterventionType).where(InterventionType.code == "waarschuwing"))
    assert "name" in errors_of(lambda: catalogue.update_type(warning, name="Gesprek", legal_ground=None,
                                                              formal=False, position=40, actor=None))
    assert db.session.scalar(sa.select(sa.func.count(InterventionType.id))) == len(DEFAULT_TYPES)


def test_a_retired_rung_is_no_longer_offered(db):
    catalogue.ensure_defaults()
    other = db.session.scalar(sa.select(InterventionType).where(InterventionType.code == "overig"))
    catalogue.set_type_active(other, False, actor=None)
    assert "overig" not in [kind.code for kind in ladder.active_types()]
    assert "overig" in [kind.code for kind in catalogue.list_types()]
    catalogue.set_type_active(other, True, actor=None)
    assert "overig" in [kind.code for kind in ladder.active_types()]


def test_the_catalogue_offers_the_active_rungs_by_position_and_lists_all_by_position_then_name(db):
    create(code="b_stap", name="B-stap", position="20")
    create(code="a_stap", name="A-stap", position="20")
    low = create(code="laag", name="Laag", position="0")
    catalogue.set_type_active(low, False, actor=None)
    assert [kind.code for kind in catalogue.list_types()] == ["laag", "a_stap", "b_stap"]
    assert [kind.code for kind in catalogue.active_types()] == ["a_stap", "b_stap"]
    assert catalogue.get_type(low.id) is low
    with pytest.raises(NotFound):
        catalogue.get_type(low.id + 1000)


def test_the_edge_values_are_accepted_and_the_code_format_refused(db):
    create(code="ab", name="N" * catalogue.NAME_MAX, legal_ground="g" * catalogue.GROUND_MAX, position="10000")
    create(code="c" * 40, name="Andere", position=0)
    for code in ("a", "c" * 41, "Huisbezoek", "huis-bezoek", "huis bezoek", ""):
        assert set(errors_of(lambda code=code: create(code=code, name="Nog een"))) == {"code"}
    assert set(errors_of(lambda: create(code="nog_een", name="N" * 121, position="-1"))) == {"name", "position"}
    assert set(errors_of(lambda: create(code="nog_een", name="Twee\nregels"))) == {"name"}


def test_the_audit_names_fields_only(db):
    visit = create(legal_ground="art. 1")
    catalogue.update_type(visit, name="Huisbezoek", legal_ground="art. 2 geheim", formal=True, position=15,
                          actor=None)
    catalogue.set_type_active(visit, False, actor=None)
    catalogue.set_type_active(visit, True, actor=None)
    events = list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "intervention_type")
                                     .order_by(AuditEvent.id)))
    assert [(event.action, event.object_ref) for event in events] == [
        ("create", str(visit.id)), ("update", str(visit.id)), ("deactivate", str(visit.id)),
        ("activate", str(visit.id))]
    assert events[1].detail == {"fields": ["formal", "legal_ground"]}
    assert "geheim" not in str([event.detail for event in events])


def test_a_default_whose_name_the_admin_took_is_not_added_again(db):
    create(code="praatje", name="gesprek", position="10")
    assert catalogue.ensure_defaults() == len(DEFAULT_TYPES) - 1
    assert catalogue.ensure_defaults() == 0
    assert "gesprek" not in [kind.code for kind in catalogue.list_types()]
