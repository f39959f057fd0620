"""Event latency: from the HTTP request that causes an event to the state change it makes in another service.

Run: `.venv/bin/python -m bench.event_latency [--rate 10] [--seconds 30]`. Starts every Procfile process,
then a joint-action case officer asks for an expert at a steady rate, through the gateway; each request
emits `joint_action.case.expert_requested` (outbox, relay, RabbitMQ, roster worker), which creates a
roster deployment request. Latency = the roster request's `created_at` minus the moment the HTTP request
was sent (one clock: same machine). Prints p50/p95/p99 and writes bench/results/event_latency.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import threading
import time

import pymongo

from bench.measure import latency_figures, running_platform, write_results
from infra.platform import Api, Directory

OFFICER = "case.officer@police.go.th"


def ask_at_a_steady_rate(officer: Api, case_id: str, rate: float, seconds: float) -> dict[str, float]:
    """Sends `rate` requests a second (each on its own thread, so a slow answer does not delay the next);
    returns each request's justification and the wall-clock time it was sent."""
    sent: dict[str, float] = {}
    threads = []
    start = dt.date.today() + dt.timedelta(days=30)
    begin = time.monotonic()
    for number in range(int(rate * seconds)):
        time.sleep(max(0.0, begin + number / rate - time.monotonic()))
        justification = f"bench {number}"
        sent[justification] = time.time()
        body = {"function": "interpretation_translation", "country": "THA", "start_date": start.isoformat(),
                "end_date": (start + dt.timedelta(days=5)).isoformat(), "justification": justification}
        thread = threading.Thread(target=officer.post, args=(f"/api/joint-action/cases/{case_id}/expert-requests",),
                                  kwargs={"json": body})
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=10, help="requests per second")
    parser.add_argument("--seconds", type=float, default=30)
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        platform = running_platform(stack)
        directory = Directory(platform)
        directory.tenant("THA")
        directory.person("THA", OFFICER, "case_officer")
        officer = directory.signed_in(OFFICER)
        case_id = officer.post("/api/joint-action/cases",
                               json={"case_type": "people_smuggling", "title": "Latency"}).json()["id"]
        sent = ask_at_a_steady_rate(officer, case_id, args.rate, args.seconds)

        roster = pymongo.MongoClient(platform.env["MONGODB_URI"], tz_aware=True)[
            f"{platform.env['DATABASE_PREFIX']}roster"]["deployment_requests"]
        deadline = time.monotonic() + 120
        while roster.count_documents({"case_id": case_id}) < len(sent) and time.monotonic() < deadline:
            time.sleep(0.5)
        arrived = {doc["justification"]: doc["created_at"].timestamp()
                   for doc in roster.find({"case_id": case_id}, {"justification": 1, "created_at": 1})}
        latencies = [arrived[key] - sent_at for key, sent_at in sent.items() if key in arrived]
        figures = {"rate_per_second": args.rate, "seconds": args.seconds, "sent": len(sent),
                   "arrived": len(arrived), "lost": len(sent) - len(arrived), **latency_figures(latencies),
                   "max_ms": round(max(latencies) * 1000, 2) if latencies else None}
        print(figures)
        write_results("event_latency", {"flow": "joint_action expert request -> roster deployment request",
                                        **figures})


if __name__ == "__main__":
    main()
