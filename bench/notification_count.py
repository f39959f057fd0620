"""The portal header's unread count: what the call every page now makes costs, beside the cheapest authenticated
call through the gateway (the portal's access probe, `GET /api/roster/functions`) as the anchor.

Run: `.venv/bin/python -m bench.notification_count [--clients 8] [--seconds 15]`. Starts every Procfile process
(bench/measure.py), signs a person in, then measures both calls with the same token and load; prints requests/s
and p50/p95/p99 latency with the ratios, and writes bench/results/notification_count.json.
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
        directory.person("THA", "reader@tha.example.org", "case_officer")
        token = directory.signed_in("reader@tha.example.org").session.headers["Authorization"]
        routes = {"anchor": f"{platform.gateway}/api/roster/functions",
                  "count": f"{platform.gateway}/api/notification/notifications/unread-count"}
        figures = {}
        for name, url in routes.items():
            figures[name] = closed_loop(lambda session, url=url: session.get(url, headers={"Authorization": token}),
                                        clients=args.clients, seconds=args.seconds)
            print(f"{name:>7}: {figures[name]}")
        figures["ratios"] = {
            "throughput_count_over_anchor": round(
                figures["count"]["requests_per_second"] / figures["anchor"]["requests_per_second"], 3),
            **{f"{key}_count_over_anchor": round(figures["count"][key] / figures["anchor"][key], 3)
               for key in ("p50_ms", "p95_ms", "p99_ms")},
        }
        print(f" ratios: {figures['ratios']}")
        write_results("notification_count", {"endpoint": "GET /notifications/unread-count (notification)",
                                             **figures})


if __name__ == "__main__":
    main()
