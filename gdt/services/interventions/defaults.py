"""The ladder a new installation starts with: the rungs of the Wet aanpak woonoverlast, from a talk up to closing a
dwelling, with their legal ground where they have one.

Plain data only: the migration that seeds the table and `ensure_defaults()` (flask setup, the demo) share it. A
formal step is a decision of the mayor (burgemeester) and is recorded with its decision letter (docs/domain.md,
"Interventions").
"""

# (code, name, legal ground, formal, position on the ladder)
DEFAULT_TYPES = (
    ("gesprek", "Gesprek", None, False, 10),
    ("buurtbemiddeling", "Buurtbemiddeling", None, False, 20),
    ("zorgtoeleiding", "Zorgtoeleiding", None, False, 30),
    ("waarschuwing", "Waarschuwing", None, False, 40),
    ("voornemen_gedragsaanwijzing", "Voornemen gedragsaanwijzing", "art. 151d Gemeentewet; art. 4:8 Awb", True, 50),
    ("gedragsaanwijzing", "Gedragsaanwijzing", "art. 151d Gemeentewet", True, 60),
    ("last_onder_dwangsom", "Last onder dwangsom", "art. 125 Gemeentewet; art. 5:32 Awb", True, 70),
    ("bestuursdwang", "Bestuursdwang", "art. 125 Gemeentewet; art. 5:21 Awb", True, 80),
    ("sluiting_174a", "Sluiting woning (174a)", "art. 174a Gemeentewet", True, 90),
    ("sluiting_13b", "Sluiting woning (13b)", "art. 13b Opiumwet", True, 100),
    ("overig", "Overig", None, False, 1000),
)
