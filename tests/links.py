"""Opening a partner's mailed link as a browser does (docs/decisions/0012-link-sessions.md)."""


def follow_link(client, path: str):
    """GET the token's address, which sets the link session's cookie and redirects to the clean address; then GET
    that. Returns (clean path, page)."""
    exchange = client.get(path)
    assert exchange.status_code == 302, (exchange.status_code, exchange.get_data(as_text=True)[:300])
    clean = exchange.headers["Location"]
    assert path.rsplit("/", 1)[1] not in clean  # the token goes no further
    return clean, client.get(clean)
