"""Environment variables into one frozen dataclass per service.

Defaults match the local runner (`infra/run`): SecantusDB on 27017, RabbitMQ on 5672, the edge on 8000 (where
people and clients come in; infra/edge) and the gateway behind it on 8006.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

DEFAULT_PORTS = {"gateway": 8006, "roster": 8001, "training": 8002, "joint_action": 8003, "portal": 8004,
                 "notification": 8005}
DEFAULT_MONGODB_URI = "mongodb://127.0.0.1:27017"
DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/%2F"


def _env_bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclasses.dataclass(frozen=True)
class ServiceSettings:
    """Everything a service reads from its environment. Field `x` comes from variable `X`."""

    service_name: str
    host: str = "127.0.0.1"
    port: int = 8000
    mongodb_uri: str = DEFAULT_MONGODB_URI
    database_prefix: str = ""
    mongodb_database: str = ""  # default: database_prefix + service_name
    mongodb_timeout_ms: int = 5000
    amqp_url: str = DEFAULT_AMQP_URL
    events_exchange: str = "rso.events"
    oauth_issuer: str = "http://127.0.0.1:8000"
    oauth_audience: str = "rso-platform"
    jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    jwks_min_refresh_seconds: float = 5.0
    jwks_max_age_seconds: float = 300.0
    log_level: str = "INFO"
    log_json: bool = True
    web_workers: int = 2
    max_request_bytes: int = 1_048_576
    trusted_proxy_hops: int = 1  # proxies in front whose X-Forwarded-* headers count (a service's: the gateway)
    consumer_prefetch: int = 10
    consumer_max_attempts: int = 4
    consumer_retry_delays_ms: tuple[int, ...] = (1000, 5000, 30000)
    # Declare every handler queue (main, retry, dead) as a quorum queue, replicated over a RabbitMQ cluster's
    # nodes (docs/adr/0077). A queue's type is fixed when it is created: see the ADR before switching.
    consumer_quorum_queues: bool = False
    # The relay publishes an event as soon as its transaction commits (a change stream on the outbox wakes it);
    # it polls the outbox this often besides, in case a wake-up was missed (docs/adr/0092).
    relay_poll_seconds: float = 1.0
    relay_batch_size: int = 100
    # How long a relay holds the batch it publishes before another may take it (it normally takes well under a
    # second; a relay that stopped mid-batch delays those events this long).
    relay_claim_seconds: float = 10.0
    # How long sent outbox events and inbox records are kept (they may carry personal data): docs/adr/0066
    outbox_retention_days: int = 30
    inbox_retention_days: int = 60
    # The longest wait between two attempts to reach a database or broker that does not answer (relays,
    # workers, scheduled jobs): low, so that they are back within about a second once it answers again.
    reconnect_max_backoff_seconds: float = 1.0
    # A port of its own for /metrics (0: off). Loop processes serve metrics only there; a web process serves
    # them at /metrics on its own port too, unless it is the public gateway (docs/adr/0075).
    metrics_port: int = 0

    def __post_init__(self) -> None:
        if not self.mongodb_database:
            object.__setattr__(self, "mongodb_database", self.database_prefix + self.service_name)
        if min(self.outbox_retention_days, self.inbox_retention_days) < 1:
            raise ValueError("OUTBOX_RETENTION_DAYS and INBOX_RETENTION_DAYS must be at least 1")

    @classmethod
    def from_env(cls, service_name: str, environ: Mapping[str, str] | None = None, **overrides):
        """Build settings from `environ` (default: the process environment); `overrides` win."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {"service_name": service_name, "port": DEFAULT_PORTS.get(service_name, 8000)}
        for field in dataclasses.fields(cls):
            if field.name == "service_name":
                continue
            raw = environ.get(field.name.upper())
            if raw is None:
                continue
            values[field.name] = _parse(field, raw)
        values.update(overrides)
        return cls(**values)


def _parse(field: dataclasses.Field, raw: str):
    kind = field.type if isinstance(field.type, str) else getattr(field.type, "__name__", str(field.type))
    if kind == "int":
        return int(raw)
    if kind == "float":
        return float(raw)
    if kind == "bool":
        return _env_bool(raw)
    if kind.startswith("tuple"):
        return tuple(int(part) for part in raw.split(",") if part.strip())
    return raw
