"""Edge overhead: one read endpoint of the roster called directly, through a plain nginx reverse proxy (the anchor)
and through the edge (nginx asking the gateway, docs/adr/0090), with wrk, interleaved.

Run: `.venv/bin/python -m bench.gateway_overhead [--connections 8] [--seconds 15] [--rounds 3]`. Starts every
Procfile process against an embedded SecantusDB (or the MongoDB at MONGODB_URI) and a fresh RabbitMQ vhost, gets a
real token from the gateway, starts a plain nginx in front of the roster, then runs wrk (Debian's; installed when
missing) against `GET /functions` the three ways with the same token, connections and threads, in `--rounds`
rounds whose order rotates, so that drift of the machine falls on every route alike. Prints each run and, per route,
the median over the rounds of requests/s, p50 and p99, with the edge's overhead and ratios against direct and the
anchor; writes bench/results/gateway_overhead.json.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import tempfile
from pathlib import Path

from bench.measure import running_platform, write_results
from infra import devstack, edge
from infra.platform import Directory, free_ports

GOALS = {"p50_overhead_ms": 1.0, "p99_overhead_ms": 3.0, "throughput_over_direct": 0.95}  # issue 19, goal 1
UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}

# The anchor: what any reverse proxy costs, with the edge's worker count and upstream keep-alive, and nothing else.
PLAIN_NGINX = """\
worker_processes 1;
{user}pid {state}/nginx.pid;
error_log stderr warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {state}/client-body;
    proxy_temp_path {state}/proxy;
    fastcgi_temp_path {state}/fastcgi;
    uwsgi_temp_path {state}/uwsgi;
    scgi_temp_path {state}/scgi;
    keepalive_requests 100000;
    upstream roster {{ server {roster}; keepalive 64; }}
    server {{
        listen {listen};
        location / {{
            proxy_pass http://roster;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}
}}
"""


def wrk(url: str, token: str, *, connections: int, seconds: int, threads: int) -> dict:
    """One wrk run: requests/s, p50 and p99 in ms, and the non-2xx/3xx answers and socket errors."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-H",
               f"Authorization: {token}", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = {percent: float(number) * UNITS_MS[unit] for percent, number, unit in
               re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {"requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
            "p50_ms": round(latency["50"], 3), "p99_ms": round(latency["99"], 3),
            "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
            "socket_errors": socket_errors.group(1) if socket_errors else None}


def medians(runs: list[dict]) -> dict:
    return {key: round(statistics.median(run[key] for run in runs), 3)
            for key in ("requests_per_second", "p50_ms", "p99_ms")}


def comparison(figures: dict) -> dict:
    direct, anchor, through_edge = figures["direct"], figures["plain_nginx"], figures["edge"]
    return {
        "edge_p50_overhead_ms": round(through_edge["p50_ms"] - direct["p50_ms"], 3),
        "edge_p99_overhead_ms": round(through_edge["p99_ms"] - direct["p99_ms"], 3),
        "edge_throughput_over_direct": round(through_edge["requests_per_second"] / direct["requests_per_second"], 3),
        "plain_nginx_p50_overhead_ms": round(anchor["p50_ms"] - direct["p50_ms"], 3),
        "plain_nginx_throughput_over_direct": round(anchor["requests_per_second"] / direct["requests_per_second"], 3),
        "edge_throughput_over_plain_nginx": round(through_edge["requests_per_second"]
                                                  / anchor["requests_per_second"], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    devstack.ensure_wrk()

    with contextlib.ExitStack() as stack:
        platform = running_platform(stack)
        directory = Directory(platform)
        directory.tenant("THA")
        token = directory.machine("THA", "tha-bench", "requesting_officer").session.headers["Authorization"]
        state = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
        for directory_name in ("client-body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (state / directory_name).mkdir()
        listen = f"127.0.0.1:{free_ports(1)[0]}"
        config = state / "nginx.conf"
        config.write_text(PLAIN_NGINX.format(state=state, listen=listen, roster=f"127.0.0.1:{platform.ports['roster']}",
                                             user="user root;\n" if os.geteuid() == 0 else ""))
        anchor = stack.enter_context(edge.running_nginx(config, state, listen))
        routes = {"direct": f"{platform.url('roster')}/functions", "plain_nginx": f"{anchor}/functions",
                  "edge": f"{platform.gateway}/api/roster/functions"}
        options = {"connections": args.connections, "seconds": args.seconds, "threads": args.threads}
        for url in routes.values():  # warm-up: pools, caches, the first decision
            wrk(url, token, **{**options, "seconds": 2})
        runs: dict[str, list[dict]] = {name: [] for name in routes}
        names = list(routes)
        for round_number in range(args.rounds):
            for name in names[round_number % len(names):] + names[:round_number % len(names)]:
                runs[name].append(wrk(routes[name], token, **options))
                print(f"round {round_number + 1} {name:>12}: {runs[name][-1]}", flush=True)
        figures = {name: medians(route_runs) for name, route_runs in runs.items()}
        for name, figure in figures.items():
            print(f"{name:>12}: {figure['requests_per_second']:8.1f} req/s  p50 {figure['p50_ms']:7.2f} ms  "
                  f"p99 {figure['p99_ms']:7.2f} ms")
        ratios = comparison(figures)
        print(f"  comparison: {ratios}")
        print(f"  goals (issue 19): p50 overhead <= {GOALS['p50_overhead_ms']} ms "
              f"{'met' if ratios['edge_p50_overhead_ms'] <= GOALS['p50_overhead_ms'] else 'NOT met'}, "
              f"p99 overhead <= {GOALS['p99_overhead_ms']} ms "
              f"{'met' if ratios['edge_p99_overhead_ms'] <= GOALS['p99_overhead_ms'] else 'NOT met'}, "
              f"throughput >= {GOALS['throughput_over_direct']}x direct "
              f"{'met' if ratios['edge_throughput_over_direct'] >= GOALS['throughput_over_direct'] else 'NOT met'}")
        write_results("gateway_overhead", {"endpoint": "GET /functions (roster)", "load": options,
                                           "rounds": args.rounds, "runs": runs, **figures, "comparison": ratios})


if __name__ == "__main__":
    main()
