"""The demo's wijken and buurten: CBS-style codes made up from a demo address, and a name for each.

The codes follow CBS's pattern for gemeente 0772 (Eindhoven) but are invented, and so is the pairing with the
names, which are neighbourhoods of Eindhoven: good enough to show how the statistics read with names.
"""
from gdt.models import User
from gdt.services.core import areas

MUNICIPALITY = "0772"
# Twelve wijken of four buurten each; demo_area() picks one from the postcode.
DEMO_WIJKEN = (
    ("Centrum", ("Binnenstad", "Witte Dame", "Bergen", "Fellenoord")),
    ("Stratum", ("Tuindorp", "Schrijversbuurt", "Looiakkers", "Heistraat")),
    ("Tongelre", ("Muschberg", "Urkhoven", "Karpen", "Oud-Tongelre")),
    ("Woensel-Zuid", ("Oude Toren", "Vlokhoven", "Kronehoef", "Prinsejagt")),
    ("Woensel-Noord", ("Achtse Barrier", "Blixembosch", "Vaartbroek", "Eckart")),
    ("Strijp", ("Philipsdorp", "Drents Dorp", "Villapark", "Strijp-S")),
    ("Gestel", ("Hanevoet", "Schoot", "Genneper Parken", "Bosrand")),
    ("Meerhoven", ("Grasrijk", "Zandrijk", "Bosrijk", "Meerrijk")),
    ("Doornakkers", ("Tongelresche Akkers", "Lakerlopen", "Doornakkers-Oost", "Doornakkers-West")),
    ("Limbeek", ("Sintenbuurt", "Limbeek-Noord", "Limbeek-Zuid", "Lievendaal")),
    ("Acht", ("Kapelbeemd", "Esp", "Castiliëlaan", "Achtse Molen")),
    ("Gijzenrooi", ("Genderdal", "Eikenburg", "Riel", "Koudenhoven")),
)


def demo_area(postcode: str, house_number: int) -> dict:
    """CBS-style wijk and buurt codes for a demo address, made up from the postcode; one address in ten has none,
    as if it was typed by hand when the address service did not answer."""
    if house_number % 10 == 0:
        return {"wijk_code": None, "buurt_code": None}
    wijk = (int(postcode[:4]) - 5611) % len(DEMO_WIJKEN) + 1
    buurt = ord(postcode[4]) % 4 + 1
    return {"wijk_code": f"WK{MUNICIPALITY}{wijk:02d}", "buurt_code": f"BU{MUNICIPALITY}{wijk:02d}{buurt:02d}"}


def demo_area_names() -> dict[str, str]:
    """{code: name} for every demo wijk and buurt."""
    names = {}
    for wijk, (wijk_name, buurten) in enumerate(DEMO_WIJKEN, start=1):
        names[f"WK{MUNICIPALITY}{wijk:02d}"] = wijk_name
        for buurt, buurt_name in enumerate(buurten, start=1):
            names[f"BU{MUNICIPALITY}{wijk:02d}{buurt:02d}"] = buurt_name
    return names


def name_demo_areas(*, actor: User | None = None) -> int:
    """Give the demo areas their names, leaving any name already stored (an imported list) alone."""
    return areas.add_missing_names(demo_area_names(), actor=actor)
