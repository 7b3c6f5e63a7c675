"""The base map's settings for templates and the Content-Security-Policy (the tile host must be allowed)."""
from urllib.parse import urlsplit

from flask import current_app


def tile_settings() -> dict:
    """data- attributes for map.js: the tile URL template (empty: no base map) and its attribution."""
    return {"data-tiles": current_app.config.get("MAP_TILE_URL") or "",
            "data-attribution": current_app.config.get("MAP_TILE_ATTRIBUTION") or ""}


def tile_origin() -> str | None:
    """scheme://host[:port] of MAP_TILE_URL, for img-src; None without tiles."""
    parts = urlsplit(current_app.config.get("MAP_TILE_URL") or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("https", "http") and parts.netloc else None
