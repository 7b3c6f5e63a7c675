"""Opening a partner's mailed link as a browser does (docs/decisions/0012-link-sessions.md), and spoiling a link."""


def follow_link(client, path: str):
    """GET the token's address, which sets the link session's cookie and redirects to the clean address; then GET
    that. Returns (clean path, page)."""
    exchange = client.get(path)
    assert exchange.status_code == 302, (exchange.status_code, exchange.get_data(as_text=True)[:300])
    clean = exchange.headers["Location"]
    assert path.rsplit("/", 1)[1] not in clean  # the token goes no further
    return clean, client.get(clean)


def tampered(token: str) -> str:
    """The signed token with its signature's first character changed. Not the last: in base64 that one ends in
    padding bits, so some changes there decode to the same signature."""
    signed, signature = token.rsplit(".", 1)
    return f"{signed}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
