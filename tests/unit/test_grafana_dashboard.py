"""deploy/grafana-dashboard.json: valid JSON for Grafana, every query on the Prometheus data source chosen in the
dashboard, and every metric it queries one that /metrics exports."""
import json
import re

import pytest

import config
from tests.apps import own_app
from tests.operations import exported_names

DASHBOARD = config.BASE_DIR / "deploy" / "grafana-dashboard.json"
TOKEN = "dashboard-test-" + "d" * 32
METRIC = re.compile(r"\bgdt_[a-z0-9_]+\b")


@pytest.fixture(scope="module")
def dashboard() -> dict:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def panels(dashboard: dict) -> list[dict]:
    found = []
    for panel in dashboard["panels"]:
        found.append(panel)
        found += panel.get("panels", [])  # a collapsed row holds its panels
    return [panel for panel in found if panel["type"] != "row"]


def expressions(dashboard: dict) -> list[str]:
    queries = [target["expr"] for panel in panels(dashboard) for target in panel["targets"]]
    queries += [variable["definition"] for variable in dashboard["templating"]["list"] if variable.get("definition")]
    return queries


def test_the_dashboard_picks_its_prometheus_data_source_by_a_variable(dashboard):
    [source] = [variable for variable in dashboard["templating"]["list"] if variable["type"] == "datasource"]
    assert source["query"] == "prometheus"
    wanted = {"type": "prometheus", "uid": f"${{{source['name']}}}"}
    for panel in panels(dashboard):
        assert panel["datasource"] == wanted, panel["title"]
        assert panel["targets"] and all(target["datasource"] == wanted for target in panel["targets"])


def test_panels_have_unique_ids_titles_and_places(dashboard):
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in panels(dashboard):
        assert panel["title"] and panel["description"]
        assert set(panel["gridPos"]) == {"h", "w", "x", "y"} and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24


def test_every_metric_the_dashboard_queries_is_exported():
    with own_app(METRICS_TOKEN=TOKEN) as app:
        client = app.test_client()
        client.get("/health/live")
        text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    exported = exported_names(text)
    queried = {name for query in expressions(json.loads(DASHBOARD.read_text())) for name in METRIC.findall(query)}
    assert queried and queried <= exported, sorted(queried - exported)


def test_the_dashboard_shows_what_an_operator_watches(dashboard):
    queried = {name for query in expressions(dashboard) for name in METRIC.findall(query)}
    assert {"gdt_http_requests_total", "gdt_http_request_duration_seconds_bucket", "gdt_reports_received_total",
            "gdt_triage_decisions_total", "gdt_outbox_waiting_messages", "gdt_outbox_oldest_waiting_seconds",
            "gdt_referral_deliveries", "gdt_login_failures_total", "gdt_heartbeat_age_seconds"} <= queried
    assert any('status=~"5.."' in query for query in expressions(dashboard))
