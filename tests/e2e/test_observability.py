"""What an operator sees of the running platform: one trace across HTTP and the broker (docs/adr/0078), and every
process's series in a real Prometheus server (docs/adr/0075)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
import yaml

from chassis.testing.events import wait_until
from infra.platform import Api, Directory, Platform, free_ports

pytestmark = pytest.mark.e2e

OFFICER = "trace.officer@police.go.th"


@pytest.fixture(scope="module")
def officer(platform) -> Api:
    directory = Directory(platform)
    directory.tenant("THA")
    directory.person("THA", OFFICER, "case_officer")
    return directory.signed_in(OFFICER)


def ask_for_an_expert(officer: Api, case_id: str, **kwargs) -> dict:
    start = dt.date.today() + dt.timedelta(days=40)
    return officer.post(f"/api/joint-action/cases/{case_id}/expert-requests", json={
        "function": "interpretation_translation", "languages": [{"code": "my", "min_level": "professional"}],
        "country": "THA", "location": "Ranong", "start_date": start.isoformat(),
        "end_date": (start + dt.timedelta(days=10)).isoformat(), "justification": "Interviews"}, **kwargs).json()


# Every hop of the flow: (exporting service, span kind, span name); the relay's and the worker's spans are named after
# the event they publish or handle. The edge (nginx) passes the caller's `traceparent` on and makes no span itself.
HOPS = {
    ("joint_action", "SERVER"),  # joint action's request, which stores the event in its outbox
    ("joint_action", "PRODUCER", "joint_action.case.expert_requested publish"),  # its relay
    ("roster", "CONSUMER", "joint_action.case.expert_requested process"),  # the roster's worker
    ("roster", "PRODUCER", "roster.deployment.requested publish"),  # the event the roster's handler emitted
    ("joint_action", "CONSUMER", "roster.deployment.requested process"),  # joint action's worker
}


def hops_seen(spans) -> set[tuple]:
    return {(span.service, span.kind) for span in spans} | {(span.service, span.kind, span.name) for span in spans}


def test_one_request_with_a_traceparent_is_one_trace_through_the_edge_the_broker_and_two_services(
        platform, officer, otlp_receiver):
    """The caller's trace id is in the spans of every hop, each span's parent is a span of the same trace (or the
    caller's), and the log lines of the hops carry the trace id too."""
    case_id = officer.post("/api/joint-action/cases", json={"case_type": "people_smuggling",
                                                            "title": "Traced"}).json()["id"]
    trace_id, caller_span_id = secrets.token_hex(16), secrets.token_hex(8)
    ask_for_an_expert(officer, case_id, headers={"traceparent": f"00-{trace_id}-{caller_span_id}-01"})

    wait_until(lambda: hops_seen(otlp_receiver.spans(trace_id)) >= HOPS, timeout=60, interval=0.5,
               message=f"a span of every hop in trace {trace_id}")

    def connected():
        spans = otlp_receiver.spans(trace_id)
        known = {span.span_id for span in spans} | {caller_span_id}
        return all(span.parent_span_id in known for span in spans)

    wait_until(connected, timeout=30, interval=0.5, message="every span's parent in the trace")
    spans = otlp_receiver.spans(trace_id)
    [request] = [span for span in spans if (span.service, span.kind) == ("joint_action", "SERVER")]
    assert request.parent_span_id == caller_span_id
    inserts = {span.service for span in spans if span.kind == "CLIENT" and span.name.endswith(".insert")}
    assert inserts >= {"joint_action", "roster"}, "database commands are spans of the requests and events they serve"

    def logged_in_trace(process: str) -> list[dict]:
        lines = (platform.log_dir / f"{process}.log").read_text(errors="replace").splitlines()
        records = [json.loads(line) for line in lines if line.startswith("{")]
        return [record for record in records if record.get("trace_id") == trace_id]

    handled = wait_until(lambda: [record for record in logged_in_trace("roster-worker")
                                  if record["message"] == "event handled"], timeout=30, message="the worker's log")
    assert handled[0]["span_id"] in {span.span_id for span in spans if span.kind == "CONSUMER"}
    assert any(record["message"] == "request" for record in logged_in_trace("joint-action-web"))



ALERTS = Path(__file__).resolve().parents[2] / "infra" / "prometheus" / "alerts.yml"
# `mail`: the loopback SMTP server of local runs; `edge`: nginx, which serves no Prometheus series of its own (the
# gateway counts its rate-limit and token refusals, docs/adr/0090).
NOT_PLATFORM_PROCESSES = {"mail", "edge"}


@pytest.fixture(scope="module")
def prometheus(platform: Platform, tmp_path_factory):
    """A real Prometheus server (Debian's, `rso-dev ensure-prometheus`) scraping every process's metrics port each
    second, with the platform's alert rules loaded; its HTTP API's base URL."""
    assert shutil.which("prometheus"), "`rso-dev ensure-prometheus` installs Prometheus (infra/test does)"
    directory = tmp_path_factory.mktemp("prometheus")
    targets = [{"targets": [f"127.0.0.1:{port}"], "labels": {"process": process}}
               for process, port in platform.metrics_ports.items() if process not in NOT_PLATFORM_PROCESSES]
    config = {"global": {"scrape_interval": "1s", "evaluation_interval": "1s"}, "rule_files": [str(ALERTS)],
              "scrape_configs": [{"job_name": "rso", "static_configs": targets}]}
    (directory / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_ports(1)[0]
    with open(directory / "prometheus.log", "wb") as log:
        server = subprocess.Popen(
            ["prometheus", f"--config.file={directory / 'prometheus.yml'}", f"--storage.tsdb.path={directory / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}"], stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: server.poll() is None and _answers(f"{url}/-/ready"), timeout=60, interval=0.5,
                   message="Prometheus ready")
        yield url
    finally:
        server.terminate()
        server.wait(30)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def query(prometheus: str, promql: str) -> dict[frozenset, float]:
    """An instant query's result: each series' labels and value."""
    answer = requests.get(f"{prometheus}/api/v1/query", params={"query": promql}, timeout=10).json()
    assert answer["status"] == "success", answer
    return {frozenset(series["metric"].items()): float(series["value"][1]) for series in answer["data"]["result"]}


def by(label: str, result: dict[frozenset, float]) -> dict[str, float]:
    return {dict(labels)[label]: value for labels, value in result.items()}


def wait_for_series(prometheus: str, promql: str, label: str, expected: set[str]) -> dict[str, float]:
    """Poll until the query has a series for each of `expected` values of `label` (Prometheus scrapes each second);
    its result by that label."""
    return wait_until(lambda: (lambda found: found if expected <= found.keys() else None)(
        by(label, query(prometheus, promql))), timeout=60, interval=1, message=f"{promql}: {sorted(expected)}")


def test_prometheus_scrapes_every_process_and_sees_requests_outboxes_and_consumers(platform, officer, prometheus):
    """A flow through the gateway (a case's expert request, which the roster's worker takes off the broker) shows in
    Prometheus's HTTP API as request, outbox and consumer series of the processes it passed, and the alert rules
    evaluate against the real series."""
    case_id = officer.post("/api/joint-action/cases", json={"case_type": "people_smuggling",
                                                            "title": "Scraped"}).json()["id"]
    ask_for_an_expert(officer, case_id)

    processes = {process for process in platform.metrics_ports if process not in NOT_PLATFORM_PROCESSES}
    assert set(wait_for_series(prometheus, 'up{job="rso"} == 1', "process", processes)) == processes

    served = wait_for_series(prometheus, "sum by (service) (rso_http_requests_total)", "service",
                             {"gateway", "joint_action", "roster"})
    assert all(count > 0 for count in served.values())
    wait_for_series(prometheus, 'rso_http_request_duration_seconds_count{method="POST",'
                                'route="/cases/<case_id>/expert-requests"}', "service", {"joint_action"})

    relaying = {"gateway", "roster", "training", "joint_action", "notification"}
    assert set(wait_for_series(prometheus, "rso_outbox_pending_events", "service", relaying)) == relaying
    wait_for_series(prometheus, "rso_outbox_oldest_pending_age_seconds", "service", relaying)

    wait_for_series(prometheus, 'rso_events_consumed_total{service="roster",outcome="applied"}', "handler",
                    {"case_expert_requests"})
    wait_for_series(prometheus, 'rso_event_handling_seconds_count{service="roster"}', "handler",
                    {"case_expert_requests"})

    groups = requests.get(f"{prometheus}/api/v1/rules", timeout=10).json()["data"]["groups"]
    rules = [rule for group in groups for rule in group["rules"]]
    assert rules and all(rule["health"] != "err" for rule in rules), [rule for rule in rules if rule["health"] == "err"]
