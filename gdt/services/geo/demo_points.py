"""Made-up coordinates for the demo's made-up addresses (gdt.services.demo): Eindhoven-shaped, so the map and the
buurt map have something to show. A wijk (the postcode's digits, as demo_areas picks it) lies on a ring around the
centre, its buurten (the first letter) around the wijk's middle, a street (the whole postcode) in its buurt."""
import math
import zlib

from gdt.services.geo import rd

CENTRE = (161_500.0, 383_300.0)  # Eindhoven's market square in RD metres
WIJKEN = 12


def demo_point(postcode: str, house_number: int, *, located: bool = True) -> dict:
    """lat/lon/rd_x/rd_y for a demo address; all None when `located` is false (an address typed by hand)."""
    if not located:
        return {"lat": None, "lon": None, "rd_x": None, "rd_y": None}
    wijk = (int(postcode[:4]) - 5611) % WIJKEN
    angle, distance = 2 * math.pi * wijk / WIJKEN, 0 if wijk == 0 else 1_600 + 500 * (wijk % 3)
    buurt = ord(postcode[4]) % 4
    street = zlib.crc32(postcode.encode())
    x = CENTRE[0] + distance * math.cos(angle) + 450 * math.cos(buurt * math.pi / 2) + (street % 300) - 150
    y = CENTRE[1] + distance * math.sin(angle) + 450 * math.sin(buurt * math.pi / 2) + (street // 300 % 300) - 150
    x += 6 * house_number  # along the street
    lat, lon = rd.to_wgs84(x, y)
    return {"lat": round(lat, 7), "lon": round(lon, 7), "rd_x": round(x, 3), "rd_y": round(y, 3)}
