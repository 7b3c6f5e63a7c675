"""/metrics: only for the configured scraper (token or network), exact figures after a known series of actions,
endpoints named by route and never by path."""
import dataclasses
import json

import pytest
import sqlalchemy as sa

import config
from gdt import create_app
from gdt.models import Report
from gdt.services.core import partner_links, tokens
from gdt.web.metrics.access import ScrapeAccess
from tests.api.test_app_intake import report_body
from tests.apps import own_app
from tests.operations import samples
from tests.redis import _free_port
from tests.web.test_webform import answers

TOKEN = "metrics-token-" + "x" * 32


class Scraper:
    def __init__(self, client):
        self.client = client

    def text(self) -> str:
        response = self.client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=")
        return response.get_data(as_text=True)

    def samples(self) -> dict[tuple, float]:
        return samples(self.text())


@pytest.fixture
def scraper(app, monkeypatch):
    """The shared app with METRICS_TOKEN set (its access is read when the app is made)."""
    metrics = app.extensions["gdt_metrics"]
    monkeypatch.setitem(app.extensions, "gdt_metrics", dataclasses.replace(metrics, access=ScrapeAccess(TOKEN, ())))
    return Scraper(app.test_client())


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


# --- who may scrape ---------------------------------------------------------------------------------

def test_without_token_or_networks_metrics_is_off_and_looks_like_no_page(app, db):
    client = app.test_client()
    missing = client.get("/niet-bestaand")
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 404 == missing.status_code
    # the same page as for any unknown address (whose own path it names in the language switch)
    assert response.get_data(as_text=True) == missing.get_data(as_text=True).replace("/niet-bestaand", "/metrics")


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 404),
    ({"Authorization": "Bearer wrong-token"}, 404),
    ({"Authorization": f"Bearer {TOKEN}x"}, 404),
    ({"Authorization": f"Basic {TOKEN}"}, 404),
    ({"Authorization": f"Bearer {TOKEN}"}, 200),
    ({"Authorization": f"bearer {TOKEN}"}, 200),
])
def test_the_token_decides(app, db, scraper, headers, status):
    assert app.test_client().get("/metrics", headers=headers).status_code == status


def test_a_token_in_the_query_string_is_no_token(app, db, scraper):
    assert app.test_client().get(f"/metrics?token={TOKEN}").status_code == 404


@pytest.mark.parametrize(("address", "status"), [
    ("10.20.0.7", 200), ("10.20.255.255", 200), ("10.21.0.7", 404), ("192.0.2.5", 200), ("192.0.2.6", 404),
    ("::ffff:10.20.0.9", 200), ("2001:db8::1", 404), ("2001:db8:1::5", 200),
])
def test_allowed_networks_decide_by_the_client_address(address, status):
    with own_app(METRICS_ALLOWED_NETWORKS="10.20.0.0/16, 192.0.2.5,2001:db8:1::/48") as app:
        response = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": address})
    assert response.status_code == status


def test_behind_a_proxy_the_address_is_the_forwarded_one():
    with own_app(METRICS_ALLOWED_NETWORKS="192.0.2.0/24", PROXY_FIX_X_FOR=1) as app:
        client = app.test_client()
        proxied = client.get("/metrics", headers={"X-Forwarded-For": "192.0.2.10"},
                             environ_base={"REMOTE_ADDR": "127.0.0.1"})
        outside = client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"},
                             environ_base={"REMOTE_ADDR": "192.0.2.1"})  # the proxy itself is in the network
    assert (proxied.status_code, outside.status_code) == (200, 404)


def test_either_the_token_or_the_network_is_enough():
    with own_app(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS="10.0.0.0/8") as app:
        client = app.test_client()
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code == 200
        assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"},
                          environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 200
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404


def test_a_wrong_network_refuses_to_start():
    class Wrong(config.TestConfig):
        METRICS_ALLOWED_NETWORKS = "10.0.0.0/8,intranet"

    with pytest.raises(ValueError, match="METRICS_ALLOWED_NETWORKS: 'intranet' is not an address or a network"):
        create_app(Wrong)


# --- what it says -----------------------------------------------------------------------------------

def test_a_known_series_of_actions_gives_exact_figures(app, db, make, client_as, inbox, scraper):
    make.partner("ruimtelijk-domein", email="ruimte@gemeente.example")
    app_token = tokens.issue_api_client("woonoverlast-app", "app", actor=None)[1]
    before = scraper.samples()

    api = app.test_client()
    created = [api.post("/api/v1/reports", data=json.dumps(report_body()), content_type="application/json",
                        headers={"Authorization": f"Bearer {app_token}", "Idempotency-Key": f"metrics-{n}"})
               for n in range(3)]
    assert [response.status_code for response in created] == [201, 201, 201]
    visitor = app.test_client()
    assert visitor.post("/melden", data=answers(visitor)).status_code == 303
    db.session.expire_all()
    referred = db.session.scalar(sa.select(Report).where(Report.reference == created[0].get_json()["reference"]))
    webform = db.session.scalar(sa.select(Report).where(Report.channel == "webform"))
    coordinator = client_as("coordinator")
    assert coordinator.post(f"/reports/{referred.reference}/refer", data={
        "refer-partner": "ruimtelijk-domein", "refer-reason": "Vervuiling in de tuin",
        "refer-question": "Wilt u de tuin laten opruimen?", "refer-version": referred.version}).status_code == 302
    assert coordinator.post(f"/reports/{webform.reference}/escalate", data={
        "escalate-reason": "Dreigingen aan buren.", "escalate-version": webform.version}).status_code == 302
    assert app.test_client().post("/login", data={"email": "niemand@gdt.test", "password": "fout"}).status_code == 422

    after = scraper.samples()
    for channel, count in {"app": 3, "webform": 1, "phone": 0, "partner": 0}.items():
        assert value(after, "gdt_reports_received_total", channel=channel) == count
    assert value(after, "gdt_triage_decisions_total", outcome="referred") == 1
    assert value(after, "gdt_triage_decisions_total", outcome="escalated") == 1
    assert value(after, "gdt_login_failures_total") == 1
    assert value(after, "gdt_referral_deliveries", result="sent") == 1  # mailed to the partner at once
    assert value(after, "gdt_referral_deliveries", result="pending") == value(
        after, "gdt_referral_deliveries", result="failed") == 0
    assert value(after, "gdt_outbox_waiting_messages") == 0  # every mail left (the inbox took it)
    assert value(after, "gdt_database_up") == 1

    def requests(endpoint, method, status):
        return (value(after, "gdt_http_requests_total", endpoint=endpoint, method=method, status=status)
                - value(before, "gdt_http_requests_total", endpoint=endpoint, method=method, status=status))

    assert requests("api_intake.create_report", "POST", "201") == 3
    assert requests("public.report", "POST", "303") == 1
    assert requests("triage.refer", "POST", "302") == requests("triage.escalate", "POST", "302") == 1
    assert requests("auth.login", "POST", "422") == 1
    assert requests("metrics.scrape", "GET", "200") == 1  # the first scrape; the second counts after it answers
    latency = ("gdt_http_request_duration_seconds_count", (("endpoint", "auth.login"), ("method", "POST")))
    assert after[latency] - before.get(latency, 0) == 1


def test_endpoints_are_named_by_route_never_by_path(app, db, make, client_as, scraper):
    report = make.report()
    referral = make.referral()
    token = partner_links.issue(referral)
    client_as("coordinator").get(f"/reports/{report.reference}")
    app.test_client().get(f"/doorverwijzing/{token}")
    app.test_client().get("/geen/pagina/GDT-2026-999999")
    text = scraper.text()
    assert report.reference not in text and token not in text and "GDT-2026-999999" not in text
    found = samples(text)
    assert value(found, "gdt_http_requests_total", endpoint="unmatched", method="GET", status="404") >= 1
    endpoints = {dict(labels).get("endpoint") for name, labels in found if name == "gdt_http_requests_total"}
    routes = app.url_map.bind("localhost")
    visited = {routes.match(f"/reports/{report.reference}")[0], routes.match(f"/doorverwijzing/{token}")[0]}
    assert visited <= endpoints
    assert all("/" not in endpoint for endpoint in endpoints)


def test_a_method_nobody_uses_is_counted_as_other(app, db, scraper):
    app.test_client().open("/health/live", method="BREW")
    assert value(scraper.samples(), "gdt_http_requests_total", endpoint="unmatched", method="other",
                 status="405") >= 1


def test_when_the_database_cannot_be_read_the_scrape_still_answers():
    class Unreachable(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://gdt@127.0.0.1:{_free_port()}/gdt"
        METRICS_TOKEN = TOKEN

    app = create_app(Unreachable)
    found = Scraper(app.test_client()).samples()
    assert value(found, "gdt_database_up") == 0
    assert not any(name.startswith("gdt_reports_received") for name, _ in found)
    assert value(found, "gdt_http_requests_total", endpoint="metrics.scrape", method="GET", status="200") == 0
