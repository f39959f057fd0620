"""The alert rules pass `promtool check rules`, and every series the rules and the Grafana dashboard query is one
the platform exports (chassis/metrics.py) or one they name as another exporter's (docs/operations.md)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from chassis import metrics

ROOT = Path(__file__).resolve().parents[2]
ALERTS = ROOT / "infra" / "prometheus" / "alerts.yml"
DASHBOARD = ROOT / "infra" / "grafana" / "rso-platform.json"
# Series of Prometheus itself (`up`) and of kube-state-metrics, which every Kubernetes monitoring stack runs.
OTHER_EXPORTERS = {"up", "kube_deployment_status_replicas_available", "kube_deployment_spec_replicas"}
PROMQL_WORDS = {
    "sum", "max", "min", "avg", "count", "by", "without", "rate", "increase", "irate", "histogram_quantile",
    "absent", "and", "or", "unless", "on", "ignoring", "group_left", "group_right", "bool", "le", "offset",
}
_NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


def exported_series() -> set[str]:
    """Every sample name the chassis can export: counters' `_total`, histograms' `_bucket/_sum/_count`, and the
    relay's outbox gauges."""
    collector = metrics.OutboxCollector()
    collector.services["any"] = lambda: (0, None)
    names = {sample.name for family in collector.collect() for sample in family.samples}
    for instrument in vars(metrics.instruments()).values():
        for family in instrument.describe():
            suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}[family.type]
            names.update(family.name + suffix for suffix in suffixes)
    return names


def series_in(expr: str) -> set[str]:
    """The metric names an expression selects: identifiers outside label matchers, strings and durations that
    are not PromQL words."""
    without_matchers = re.sub(r"\{[^}]*\}", "", expr)
    without_strings = re.sub(r'"[^"]*"', "", without_matchers)
    without_ranges = re.sub(r"\[[^\]]*\]", "", without_strings)
    without_groupings = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", "", without_ranges)
    return {name for name in _NAME.findall(without_groupings) if name not in PROMQL_WORDS}


def alert_expressions() -> dict[str, str]:
    rules = yaml.safe_load(ALERTS.read_text())
    return {rule["alert"]: rule["expr"] for group in rules["groups"] for rule in group["rules"]}


def dashboard_expressions() -> dict[str, str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return {f"{panel['title']} [{target['refId']}]": target["expr"]
            for panel in dashboard["panels"] for target in panel["targets"]}


def test_promtool_accepts_the_alert_rules():
    assert shutil.which("promtool"), "promtool is missing: `rso-dev ensure-prometheus` installs it (infra/test does)"
    result = subprocess.run(["promtool", "check", "rules", str(ALERTS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_alerts_cover_outbox_lag_dead_letters_error_rate_and_readiness():
    expressions = " ".join(alert_expressions().values())
    for series in ("rso_outbox_oldest_pending_age_seconds", "rso_events_dead_lettered_total",
                   "rso_http_requests_total", "kube_deployment_status_replicas_available"):
        assert series in expressions


@pytest.mark.parametrize("source", [alert_expressions, dashboard_expressions])
def test_every_expression_queries_an_existing_series(source):
    known = exported_series() | OTHER_EXPORTERS
    unknown = {name: sorted(series_in(expr) - known) for name, expr in source().items() if series_in(expr) - known}
    assert unknown == {}
    assert all(series_in(expr) for expr in source().values())  # the parser finds something in each


def test_the_expression_parser_sees_a_misspelt_series():
    assert series_in('sum by (service) (rate(rso_http_request_total{status=~"5.."}[5m]))') == {
        "rso_http_request_total"}
