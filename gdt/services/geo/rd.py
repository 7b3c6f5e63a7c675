"""WGS84 <-> RD New (EPSG:28992) without a projection library: the approximation of Schreutelkamp and
Strang van Hees (NSGI), good to about a metre inside the Netherlands, which is all a map pin needs."""

# Amersfoort, the origin of both series.
X0, Y0 = 155000.0, 463000.0
LAT0, LON0 = 52.15517440, 5.38720621

# (p, q, coefficient): terms of dF^p * dL^q (to RD) and dX^p * dY^q (to WGS84).
_TO_X = ((0, 1, 190094.945), (1, 1, -11832.228), (2, 1, -114.221), (0, 3, -32.391), (1, 0, -0.705),
         (3, 1, -2.340), (1, 3, -0.608), (0, 2, -0.008), (2, 3, 0.148))
_TO_Y = ((1, 0, 309056.544), (0, 2, 3638.893), (2, 0, 73.077), (1, 2, -157.984), (3, 0, 59.788), (0, 1, 0.433),
         (2, 2, -6.439), (1, 1, -0.032), (0, 4, 0.092), (1, 4, -0.054))
_TO_LAT = ((0, 1, 3235.65389), (2, 0, -32.58297), (0, 2, -0.2475), (2, 1, -0.84978), (0, 3, -0.0655),
           (2, 2, -0.01709), (1, 0, -0.00738), (4, 0, 0.0053), (2, 3, -0.00039), (4, 1, 0.00033), (1, 1, -0.00012))
_TO_LON = ((1, 0, 5260.52916), (1, 1, 105.94684), (1, 2, 2.45656), (3, 0, -0.81885), (1, 3, 0.05594),
           (3, 1, -0.05607), (0, 1, 0.01199), (3, 2, -0.00256), (1, 4, 0.00128), (0, 2, 0.00022), (2, 0, -0.00022),
           (5, 0, 0.00026))


def _sum(terms, a: float, b: float) -> float:
    return sum(coefficient * a ** p * b ** q for p, q, coefficient in terms)


def to_rd(lat: float, lon: float) -> tuple[float, float]:
    """RD x, y in metres for a WGS84 latitude and longitude in degrees."""
    d_lat, d_lon = 0.36 * (lat - LAT0), 0.36 * (lon - LON0)
    return X0 + _sum(_TO_X, d_lat, d_lon), Y0 + _sum(_TO_Y, d_lat, d_lon)


def to_wgs84(x: float, y: float) -> tuple[float, float]:
    """WGS84 latitude and longitude in degrees for RD x, y in metres."""
    d_x, d_y = (x - X0) * 1e-5, (y - Y0) * 1e-5
    return LAT0 + _sum(_TO_LAT, d_x, d_y) / 3600, LON0 + _sum(_TO_LON, d_x, d_y) / 3600
