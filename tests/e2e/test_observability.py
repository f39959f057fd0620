"""What an operator sees of the running platform: one trace across HTTP and the broker (docs/adr/0078), and every
process's series in a real Prometheus server (docs/adr/0075)."""

from __future__ import annotations

import datetime as dt
import json
import secrets

import pytest

from chassis.testing.events import wait_until
from infra.platform import Api, Directory

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
# the event they publish or handle.
HOPS = {
    ("gateway", "SERVER"), ("gateway", "CLIENT"),  # the gateway's request and its forwarding to joint action
    ("joint_action", "SERVER"),  # joint action's request, which stores the event in its outbox
    ("joint_action", "PRODUCER", "joint_action.case.expert_requested publish"),  # its relay
    ("roster", "CONSUMER", "joint_action.case.expert_requested process"),  # the roster's worker
    ("roster", "PRODUCER", "roster.deployment.requested publish"),  # the event the roster's handler emitted
    ("joint_action", "CONSUMER", "roster.deployment.requested process"),  # joint action's worker
}


def hops_seen(spans) -> set[tuple]:
    return {(span.service, span.kind) for span in spans} | {(span.service, span.kind, span.name) for span in spans}


def test_one_request_with_a_traceparent_is_one_trace_through_the_gateway_the_broker_and_two_services(
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
    [gateway_request] = [span for span in spans if (span.service, span.kind) == ("gateway", "SERVER")]
    assert gateway_request.parent_span_id == caller_span_id
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

