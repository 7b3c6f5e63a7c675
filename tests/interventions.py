"""The seeded ladder for tests: the test database is made from the models, without the migration that seeds it."""
from gdt.models.interventions import InterventionType
from gdt.services.interventions.defaults import DEFAULT_TYPES


def add_default_types(session) -> None:
    for code, name, legal_ground, formal, position in DEFAULT_TYPES:
        session.add(InterventionType(code=code, name=name, legal_ground=legal_ground, formal=formal,
                                     position=position, active=True))
    session.flush()
