"""GET /api/v1/statistics/{year}."""
