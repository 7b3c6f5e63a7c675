"""The client address behind a reverse proxy: trusted only when configured, never from a forged header."""
import pytest
import sqlalchemy as sa

from gdt.db import db
from gdt.models import AuditEvent
from gdt.services.core import tokens
from tests.api.test_app_intake import report_body
from tests.apps import own_app


def origins_of_posts(hops: int, forwarded: list[str], limit: str | None = None) -> tuple[list[str], list[int]]:
    with own_app(PROXY_FIX_X_FOR=hops, RATELIMIT_ENABLED=limit is not None,
                 APP_INTAKE_IP_RATE_LIMIT=limit or "600 per hour") as app:
        _, token = tokens.issue_api_client("app", "app", actor=None)
        client, statuses = app.test_client(), []
        for number, address in enumerate(forwarded):
            statuses.append(client.post("/api/v1/reports", json=report_body(), headers={
                "Authorization": f"Bearer {token}", "Idempotency-Key": f"k{number}",
                "X-Forwarded-For": address}).status_code)
        origins = db.session.scalars(sa.select(AuditEvent.origin).where(AuditEvent.object_type == "report")
                                     .order_by(AuditEvent.id)).all()
    return origins, statuses


def test_without_a_trusted_proxy_a_forged_header_is_ignored():
    origins, _ = origins_of_posts(0, ["203.0.113.7"])
    assert origins == ["127.0.0.1"]


def test_behind_one_proxy_the_client_address_is_used():
    origins, _ = origins_of_posts(1, ["203.0.113.7", "198.51.100.9, 203.0.113.8"])
    assert origins == ["203.0.113.7", "203.0.113.8"]  # the address the proxy itself saw; earlier hops may be forged


@pytest.mark.parametrize("hops, expected", [(0, [201, 201, 429]), (1, [201, 201, 201])])
def test_per_ip_limits_count_real_addresses(hops, expected):
    _, statuses = origins_of_posts(hops, ["203.0.113.1", "203.0.113.2", "203.0.113.3"], limit="2 per hour")
    assert statuses == expected
