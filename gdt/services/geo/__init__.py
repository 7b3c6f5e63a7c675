"""Where reports are: their coordinates, nearby reports and the map pages' data.

Coordinates come from the address service with the address (gdt.services.intake.addresses) and sit on the report
in WGS84 and RD New; distances are computed in RD metres in plain SQL, so SQLite and PostgreSQL answer alike
(docs/decisions/0026-coordinates-without-postgis.md).
"""
from gdt.services.geo.buurten import BuurtCount, HeatMap, heat_map
from gdt.services.geo.clusters import Cluster, MapData, focus_of, map_data, reports_in_view
from gdt.services.geo.nearby import nearby, nearby_radius
from gdt.services.geo.view import OPEN_STATUSES, BBox

__all__ = ["BBox", "BuurtCount", "Cluster", "HeatMap", "MapData", "OPEN_STATUSES", "focus_of", "heat_map", "map_data",
           "nearby", "nearby_radius", "reports_in_view"]
