"""Structured JSON logs carrying the service name, the request/correlation/tenant context and the trace and span
ids (null while tracing is off: chassis.tracing)."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

from chassis import context, tracing


class ContextFilter(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.request_id = context.request_id.get()
        record.correlation_id = context.correlation_id.get()
        record.tenant = context.tenant.get()
        record.trace_id, record.span_id = tracing.current_ids()
        return True


def configure_logging(service: str, *, level: str = "INFO", json_output: bool = True) -> None:
    """Send every log record of this process to stderr, as one JSON object a line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(ContextFilter(service))
    if json_output:
        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(service)s %(request_id)s %(correlation_id)s "
            "%(tenant)s %(trace_id)s %(span_id)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        ))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(service)s] %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # pika logs every failed or lost connection at ERROR, several lines and a traceback each; the relay, the
    # worker and the readiness probe handle those errors and report each outage in one line of their own.
    logging.getLogger("pika").setLevel(logging.CRITICAL)
