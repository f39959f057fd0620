"""Gateway overhead: one read endpoint of the roster called directly and through the gateway, side by side.

Run: `.venv/bin/python -m bench.gateway_overhead [--clients 8] [--seconds 15]`. Starts every Procfile
process against an embedded SecantusDB (or the MongoDB at MONGODB_URI) and a fresh RabbitMQ vhost, gets a
real token from the gateway, then measures `GET /functions` both ways with the same token and load;
prints requests/s and p50/p95/p99 latency, with the ratios, and writes bench/results/gateway_overhead.json.
"""

from __future__ import annotations

import argparse
import contextlib

from bench.measure import closed_loop, running_platform, write_results
from infra.platform import Directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()

    with contextlib.ExitStack() as stack:
        platform = running_platform(stack)
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
