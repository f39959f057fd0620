"""OpenTelemetry traces across HTTP and the broker, one mechanism (docs/adr/0078).

Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set: then nothing is
instrumented and no span is made. When it is set, every process exports its spans over OTLP/HTTP and:

- web processes trace each request (Flask), and every outgoing `requests` call carries the W3C `traceparent`
  (the gateway's forwarding to a service, the portal's API calls), so a request is one trace across them;
- database commands are spans of the request or event they serve (pymongo);
- an event stores the context it was emitted in, in its CloudEvents envelope (`traceparent`, the CloudEvents
  distributed-tracing extension), because the relay publishes it later, outside the request; the relay's publish
  span continues that context and passes its own on in the message's `traceparent` header; the consumer's span
  continues the header (or the envelope, for a message that has none), and the events a handler emits carry the
  consumer's context in turn.

A span without a parent starts a trace only where work arrives (an HTTP request, an event taken off a queue), for
the share of them `OTEL_TRACES_SAMPLER_ARG` gives (default 1.0): a database command outside any request or event (a
relay's poll, a readiness probe's ping) is no trace of its own. A caller's `traceparent` decides for its request
(parent-based sampling).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator, Mapping
from typing import Any

from flask import Flask
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import Decision, ParentBased, Sampler, SamplingResult, TraceIdRatioBased
from opentelemetry.trace import SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

log = logging.getLogger(__name__)

ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")
RATIO_VARIABLE = "OTEL_TRACES_SAMPLER_ARG"
TRACEPARENT = "traceparent"  # the envelope's extension attribute and the AMQP header alike
NOT_TRACED_URLS = "/health/,/metrics"  # probes and scrapes, every few seconds: no trace
_propagator = TraceContextTextMapPropagator()
_tracer = trace.get_tracer("chassis")
_configured_in: int | None = None  # the pid that set tracing up (a gunicorn worker sets it up after its fork)


def enabled() -> bool:
    return _configured_in == os.getpid()


def endpoint_configured(environ: Mapping[str, str] = os.environ) -> bool:
    return any(environ.get(variable) for variable in ENDPOINT_VARIABLES)


class WhereWorkArrives(Sampler):
    """For a span without a parent: sample an HTTP request (SERVER) or an event taken off a queue (CONSUMER) at
    `ratio`; drop anything else (a database command or an HTTP call that no request or event caused)."""

    def __init__(self, ratio: float):
        self.ratio = TraceIdRatioBased(ratio)

    def should_sample(self, parent_context, trace_id, name, kind=None, attributes=None, links=None,
                      trace_state=None) -> SamplingResult:
        if kind in (SpanKind.SERVER, SpanKind.CONSUMER):
            return self.ratio.should_sample(parent_context, trace_id, name, kind, attributes, links, trace_state)
        return SamplingResult(Decision.DROP)

    def get_description(self) -> str:
        return f"WhereWorkArrives{{{self.ratio.get_description()}}}"


def configure(service_name: str, environ: Mapping[str, str] = os.environ) -> bool:
    """Set tracing up for this process if an OTLP endpoint is configured (once per process); whether it is on."""
    global _configured_in
    if enabled() or not endpoint_configured(environ):
        return enabled()
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.instrumentation.pymongo import PymongoInstrumentor
    from opentelemetry.instrumentation.requests import RequestsInstrumentor

    ratio = float(environ.get(RATIO_VARIABLE) or 1.0)
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}),
                              sampler=ParentBased(root=WhereWorkArrives(ratio)))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    RequestsInstrumentor().instrument()
    PymongoInstrumentor().instrument()
    _configured_in = os.getpid()
    log.info("exporting traces over OTLP", extra={"sample_ratio": ratio})
    return True


def instrument_app(app: Flask) -> None:
    """Trace every request of `app` (a no-op while tracing is off); call it before any request hook is added, so
    that the request's span is current in every hook (the log lines of a refused request carry it too)."""
    if enabled():
        from opentelemetry.instrumentation.flask import FlaskInstrumentor

        FlaskInstrumentor.instrument_app(app, excluded_urls=NOT_TRACED_URLS, enable_commenter=False)


def current_ids() -> tuple[str | None, str | None]:
    """The current trace and span ids as hex (for log lines), or Nones outside any span."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None, None
    return trace.format_trace_id(span_context.trace_id), trace.format_span_id(span_context.span_id)


def current_traceparent() -> str | None:
    """The W3C `traceparent` of the current span, to store with an event emitted now; None outside any span."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get(TRACEPARENT)


def _context_from(traceparent: Any) -> otel_context.Context | None:
    if isinstance(traceparent, bytes):
        traceparent = traceparent.decode(errors="replace")
    if not isinstance(traceparent, str) or not traceparent:
        return None
    extracted = _propagator.extract({TRACEPARENT: traceparent})
    return extracted if trace.get_current_span(extracted).get_span_context().is_valid else None


@contextlib.contextmanager
def publishing(routing_key: str, envelope: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """The relay's span for publishing one stored event, continuing the context the event was emitted in; yields
    the message headers that pass this span on to the consumers (none while tracing is off)."""
    if not enabled():
        yield {}
        return
    parent = _context_from(envelope.get(TRACEPARENT)) or otel_context.Context()  # never the relay's own context
    with _tracer.start_as_current_span(f"{routing_key} publish", context=parent, kind=SpanKind.PRODUCER,
                                       attributes=_message_attributes(routing_key, envelope, "publish")) as span:
        headers: dict[str, str] = {}
        if span.is_recording():
            _propagator.inject(headers)
        yield headers


@contextlib.contextmanager
def consuming(queue: str, event: Any, headers: Mapping[str, Any]) -> Iterator[None]:
    """The consumer's span for handling one event (a `chassis.messaging.Event`): it continues the publishing
    relay's span (the message's `traceparent` header), or else the context the event was emitted in (the
    envelope's)."""
    if not enabled():
        yield
        return
    parent = _context_from(headers.get(TRACEPARENT)) or _context_from(event.traceparent)
    attributes = {**_message_attributes(event.type, {"id": event.id}, "process"), "messaging.destination.name": queue}
    with _tracer.start_as_current_span(f"{event.type} process", context=parent or otel_context.Context(),
                                       kind=SpanKind.CONSUMER, attributes=attributes):
        yield


def _message_attributes(routing_key: str, envelope: Mapping[str, Any], operation: str) -> dict[str, str]:
    return {"messaging.system": "rabbitmq", "messaging.operation.type": operation,
            "messaging.rabbitmq.destination.routing_key": routing_key,
            "messaging.message.id": str(envelope.get("id") or "")}
