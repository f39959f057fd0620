"""chassis.tracing: off without an endpoint; the trace context an event is emitted in travels in its envelope and
on through the relay's span to the consumer's; log lines carry the ids; a trace starts only where work arrives."""

from __future__ import annotations

import io
import json
import logging
import os

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import Decision, ParentBased
from opentelemetry.trace import SpanKind

from chassis import tracing
from chassis.logging import ContextFilter
from chassis.messaging.envelope import Event, make_envelope


@pytest.fixture
def exported(monkeypatch) -> InMemorySpanExporter:
    """Tracing on in this process, into memory, without touching the global tracer provider."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=ParentBased(root=tracing.WhereWorkArrives(1.0)))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("test"))
    monkeypatch.setattr(tracing, "_configured_in", os.getpid())
    return exporter


def traceparent_of(span) -> str:
    context = span.get_span_context()
    trace_id, span_id = trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)
    return f"00-{trace_id}-{span_id}-{context.trace_flags:02x}"


def test_without_an_endpoint_nothing_is_traced_and_envelopes_carry_no_traceparent():
    assert not tracing.configure("roster", environ={})
    assert not tracing.enabled()
    assert "traceparent" not in make_envelope("roster.expert.registered", {}, source="roster", tenant="THA")
    with tracing.publishing("roster.expert.registered", {"id": "e1"}) as headers:
        assert headers == {}
    assert tracing.current_ids() == (None, None)


def test_an_event_emitted_inside_a_span_carries_its_context_and_log_lines_its_ids(exported):
    with tracing._tracer.start_as_current_span("POST /experts", kind=SpanKind.SERVER) as span:
        envelope = make_envelope("roster.expert.registered", {}, source="roster", tenant="THA")
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.addFilter(ContextFilter("roster"))
        handler.setFormatter(logging.Formatter('{"trace_id": "%(trace_id)s", "span_id": "%(span_id)s"}'))
        logger = logging.getLogger("test.tracing")
        logger.addHandler(handler)
        try:
            logger.warning("inside")
        finally:
            logger.removeHandler(handler)
    assert envelope["traceparent"] == traceparent_of(span)
    assert Event.from_envelope(envelope).traceparent == envelope["traceparent"]
    logged = json.loads(stream.getvalue())
    context = span.get_span_context()
    assert logged == {"trace_id": trace.format_trace_id(context.trace_id),
                      "span_id": trace.format_span_id(context.span_id)}


def test_the_relay_continues_the_stored_context_and_the_consumer_continues_the_relay(exported):
    with tracing._tracer.start_as_current_span("POST /cases", kind=SpanKind.SERVER) as request_span:
        envelope = make_envelope("joint_action.case.expert_requested", {}, source="joint_action", tenant="THA")
    with tracing.publishing("joint_action.case.expert_requested", envelope) as headers:
        pass
    event = Event.from_envelope(envelope)
    with tracing.consuming("roster.case_expert_requests", event, headers):
        emitted = make_envelope("roster.deployment.requested", {}, source="roster", tenant="THA")
    with tracing.consuming("roster.case_expert_requests", event, {}):  # a message without the header
        pass
    request, publish, consume, consume_from_envelope = exported.get_finished_spans()
    trace_ids = {span.context.trace_id for span in exported.get_finished_spans()}
    assert trace_ids == {request_span.get_span_context().trace_id}
    assert publish.kind == SpanKind.PRODUCER and publish.parent.span_id == request.context.span_id
    assert headers == {"traceparent": traceparent_of(publish)}
    assert consume.kind == SpanKind.CONSUMER and consume.parent.span_id == publish.context.span_id
    assert consume.name == "joint_action.case.expert_requested process"
    assert emitted["traceparent"] == traceparent_of(consume)  # the handler's own events go on in the trace
    assert consume_from_envelope.parent.span_id == request.context.span_id


def test_a_trace_starts_only_where_work_arrives():
    sampler = ParentBased(root=tracing.WhereWorkArrives(1.0))
    trace_id = int("ab" * 16, 16)
    for kind, decision in ((SpanKind.SERVER, Decision.RECORD_AND_SAMPLE),
                           (SpanKind.CONSUMER, Decision.RECORD_AND_SAMPLE),
                           (SpanKind.CLIENT, Decision.DROP),  # a relay's poll of its outbox, a readiness ping
                           (SpanKind.PRODUCER, Decision.DROP),  # an event emitted outside any request or event
                           (SpanKind.INTERNAL, Decision.DROP)):
        assert sampler.should_sample(None, trace_id, "x", kind).decision == decision, kind
    assert ParentBased(root=tracing.WhereWorkArrives(0.0)).should_sample(
        None, trace_id, "GET /cases", SpanKind.SERVER).decision == Decision.DROP
