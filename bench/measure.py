"""What every benchmark shares: a closed-loop HTTP load generator, percentiles, and the results file."""

from __future__ import annotations

import contextlib
import json
import os
import platform
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import requests

from chassis.testing.infrastructure import mongodb, rabbitmq_vhost
from infra import devstack
from infra.platform import WEB_SERVICES, Platform, free_ports

RESULTS = Path(__file__).resolve().parent / "results"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))] if ordered else float("nan")


def latency_figures(latencies_s: list[float]) -> dict[str, float]:
    return {f"p{round(q * 100)}_ms": round(percentile(latencies_s, q) * 1000, 2) for q in (0.5, 0.95, 0.99)}


def closed_loop(request: Callable[[requests.Session], requests.Response], *, clients: int, seconds: float,
                warmup_seconds: float = 2.0) -> dict:
    """`clients` threads, each with its own keep-alive session, send `request` back to back for `seconds`
    (after a warm-up that is not counted); returns throughput, latency percentiles and errors."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    error_samples: list[str] = []
    lock = threading.Lock()
    begin = time.monotonic()
    measure_from, stop_at = begin + warmup_seconds, begin + warmup_seconds + seconds

    def client() -> None:
        session = requests.Session()
        while (sent := time.monotonic()) < stop_at:
            sample = None
            try:
                response = request(session)
                outcome = None if response.status_code < 400 else str(response.status_code)
                if outcome:
                    sample = f"{response.request.method} {response.request.path_url} -> {response.text[:300]}"
            except requests.RequestException as error:
                outcome = sample = type(error).__name__
            took = time.monotonic() - sent
            if sent >= measure_from:
                with lock:
                    latencies.append(took)
                    if outcome:
                        errors[outcome] = errors.get(outcome, 0) + 1
                        if len(error_samples) < 5:
                            error_samples.append(sample)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"clients": clients, "seconds": seconds, "requests": len(latencies),
            "requests_per_second": round(len(latencies) / seconds, 1), "errors": errors,
            "error_samples": error_samples,
            **latency_figures(latencies)}


def machine() -> dict:
    memory_kb = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal:")), 0)
    return {"cores": os.cpu_count(), "memory_gib": round(memory_kb / 1024 / 1024, 1),
            "python": platform.python_version(), "system": platform.platform()}


def write_results(name: str, figures: dict) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"benchmark": name, "machine": machine(), **figures}, indent=2) + "\n")
    print(f"written to {path}")
    return path


def running_platform(stack: contextlib.ExitStack, **settings: str) -> Platform:
    """Every Procfile process on free ports against a fresh database prefix and RabbitMQ vhost (embedded
    SecantusDB unless a MongoDB answers at MONGODB_URI), stopped when `stack` closes. The gateway's rate
    limit is lifted: the benchmarks measure throughput, not the limit."""
    mongodb_uri = stack.enter_context(mongodb())
    run_id = uuid.uuid4().hex[:8]
    amqp_url = stack.enter_context(rabbitmq_vhost(f"rso-bench-{run_id}"))
    ports = dict(zip(WEB_SERVICES, free_ports(len(WEB_SERVICES)), strict=True))
    environ = {**os.environ, "MONGODB_URI": mongodb_uri, "AMQP_URL": amqp_url, "LOG_LEVEL": "WARNING",
               "DATABASE_PREFIX": f"rso_bench_{run_id}_", "RATE_LIMIT_PER_SECOND": "1000000",
               "RATE_LIMIT_BURST": "1000000", **settings}
    running = Platform(devstack.process_environment(ports, environ), ports, Path(tempfile.mkdtemp(prefix="bench-")))
    stack.callback(running.stop_all)
    running.start_all()
    return running
