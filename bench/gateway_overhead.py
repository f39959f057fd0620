"""Gateway overhead: one read endpoint of the roster called directly and through the gateway, side by side.

Run: `.venv/bin/python -m bench.gateway_overhead [--clients 8] [--seconds 15]`. Starts every Procfile
process against an embedded SecantusDB (or the MongoDB at MONGODB_URI) and a fresh RabbitMQ vhost, gets a
real token from the gateway, then measures `GET /functions` both ways with the same token and load;
prints requests/s and p50/p95/p99 latency, with the ratios, and writes bench/results/gateway_overhead.json.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import uuid
from pathlib import Path

from bench.measure import closed_loop, write_results
from chassis.testing.infrastructure import mongodb, rabbitmq_vhost
from infra import devstack
from infra.platform import WEB_SERVICES, Directory, Platform, free_ports


def started_platform(stack, mongodb_uri: str, amqp_url: str) -> Platform:
    ports = dict(zip(WEB_SERVICES, free_ports(len(WEB_SERVICES)), strict=True))
    environ = {**os.environ, "MONGODB_URI": mongodb_uri, "AMQP_URL": amqp_url, "LOG_LEVEL": "WARNING",
               "DATABASE_PREFIX": f"rso_bench_{uuid.uuid4().hex[:8]}_",
               "RATE_LIMIT_PER_SECOND": "1000000", "RATE_LIMIT_BURST": "1000000"}
    platform = Platform(devstack.process_environment(ports, environ), ports, Path(tempfile.mkdtemp(prefix="bench-")))
    stack.callback(platform.stop_all)
    platform.start_all()
    return platform


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        uri = stack.enter_context(mongodb())
        amqp_url = stack.enter_context(rabbitmq_vhost(f"rso-bench-{uuid.uuid4().hex[:8]}"))
        platform = started_platform(stack, uri, amqp_url)
        directory = Directory(platform)
        directory.tenant("THA")
        api = directory.machine("THA", "tha-bench", "requesting_officer")
        token = api.session.headers["Authorization"]
        routes = {"direct": f"{platform.url('roster')}/functions",
                  "gateway": f"{platform.gateway}/api/roster/functions"}
        figures = {}
        for name, url in routes.items():
            figures[name] = closed_loop(lambda session, url=url: session.get(url, headers={"Authorization": token}),
                                        clients=args.clients, seconds=args.seconds)
            print(f"{name:>8}: {figures[name]}")
        figures["ratios"] = {
            "throughput_gateway_over_direct": round(
                figures["gateway"]["requests_per_second"] / figures["direct"]["requests_per_second"], 3),
            **{f"{key}_gateway_over_direct": round(figures["gateway"][key] / figures["direct"][key], 3)
               for key in ("p50_ms", "p95_ms", "p99_ms")},
        }
        print(f"  ratios: {figures['ratios']}")
        write_results("gateway_overhead", {"endpoint": "GET /functions (roster)", **figures})


if __name__ == "__main__":
    main()
