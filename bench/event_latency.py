"""Event latency: from the HTTP response that committed a change to the state change its event makes in another
service, against the broker's own publish-to-consume latency as the anchor.

Run: `.venv/bin/python -m bench.event_latency [--rate 10] [--seconds 30]`. Starts every Procfile process,
then a joint-action case officer asks for an expert at a steady rate, through the gateway; each request
emits `joint_action.case.expert_requested` (outbox, relay, RabbitMQ, roster worker), which creates a
roster deployment request. Latency = the roster request's `created_at` minus the moment the HTTP response
arrived (one clock: same machine; it can be below zero when the event overtakes the response on its way back
through the gateway). The anchor, in the same run and vhost at the same rate: a persistent message published
with pika (publisher confirms, as the relay does) until a pika consumer receives it. Two seconds of requests
warm the platform up first and are not counted. Prints p50/p95/p99 of
both and their ratio, and writes bench/results/event_latency.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import threading
import time

import pika
import pymongo

from bench.measure import latency_figures, percentile, running_platform, write_results
from chassis.messaging.connection import connect
from infra.platform import Api, Directory

OFFICER = "case.officer@police.go.th"


def at_a_steady_rate(action, rate: float, seconds: float) -> None:
    """Calls `action(number)` `rate` times a second, each on its own thread (a slow one does not delay the next)."""
    threads = []
    begin = time.monotonic()
    for number in range(int(rate * seconds)):
        time.sleep(max(0.0, begin + number / rate - time.monotonic()))
        thread = threading.Thread(target=action, args=(number,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()


def ask_at_a_steady_rate(officer: Api, case_id: str, rate: float, seconds: float, label: str) -> dict[str, float]:
    """Returns each request's justification and the wall-clock time its (successful) response arrived."""
    answered: dict[str, float] = {}
    start = dt.date.today() + dt.timedelta(days=30)

    def ask(number: int) -> None:
        justification = f"{label} {number}"
        body = {"function": "interpretation_translation", "country": "THA", "start_date": start.isoformat(),
                "end_date": (start + dt.timedelta(days=5)).isoformat(), "justification": justification}
        officer.post(f"/api/joint-action/cases/{case_id}/expert-requests", json=body)
        answered[justification] = time.time()

    at_a_steady_rate(ask, rate, seconds)
    return answered


def broker_round_trips(amqp_url: str, rate: float, seconds: float) -> list[float]:
    """The anchor: seconds from publishing a persistent message (confirmed) to a consumer receiving it."""
    consumer_connection = connect(amqp_url)
    queue = consumer_connection.channel()
    name = queue.queue_declare(queue="", exclusive=True).method.queue
    received: dict[str, float] = {}
    queue.basic_consume(queue=name, auto_ack=True,
                        on_message_callback=lambda _ch, _m, properties, _b: received.setdefault(
                            properties.message_id, time.time()))
    sent: dict[str, float] = {}
    lock = threading.Lock()
    publisher_connection = connect(amqp_url)
    publisher = publisher_connection.channel()
    publisher.confirm_delivery()

    def publish(number: int) -> None:
        with lock:  # one pika channel is not thread-safe
            sent[str(number)] = time.time()
            publisher.basic_publish(exchange="", routing_key=name, body=b"{}", properties=pika.BasicProperties(
                delivery_mode=pika.DeliveryMode.Persistent, message_id=str(number)))

    publishing = threading.Thread(target=at_a_steady_rate, args=(publish, rate, seconds))
    publishing.start()
    deadline = time.monotonic() + seconds + 30
    while (publishing.is_alive() or len(received) < len(sent)) and time.monotonic() < deadline:
        consumer_connection.process_data_events(time_limit=0.1)
    publishing.join()
    publisher_connection.close()
    consumer_connection.close()
    return [received[key] - sent_at for key, sent_at in sent.items() if key in received]


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
        roster = pymongo.MongoClient(platform.env["MONGODB_URI"], tz_aware=True)[
            f"{platform.env['DATABASE_PREFIX']}roster"]["deployment_requests"]

        def wait_for(count: int) -> None:
            deadline = time.monotonic() + 120
            while roster.count_documents({"case_id": case_id}) < count and time.monotonic() < deadline:
                time.sleep(0.5)

        warm_up = ask_at_a_steady_rate(officer, case_id, args.rate, 2, "warm-up")  # first connections, caches
        wait_for(len(warm_up))
        anchor = broker_round_trips(platform.env["AMQP_URL"], args.rate, args.seconds)
        sent = ask_at_a_steady_rate(officer, case_id, args.rate, args.seconds, "bench")
        wait_for(len(warm_up) + len(sent))
        arrived = {doc["justification"]: doc["created_at"].timestamp()
                   for doc in roster.find({"case_id": case_id}, {"justification": 1, "created_at": 1})
                   if doc["justification"] in sent}
        latencies = [arrived[key] - sent_at for key, sent_at in sent.items() if key in arrived]
        figures = {"rate_per_second": args.rate, "seconds": args.seconds, "sent": len(sent),
                   "arrived": len(arrived), "lost": len(sent) - len(arrived), **latency_figures(latencies),
                   "max_ms": round(max(latencies) * 1000, 2) if latencies else None,
                   "anchor": {"flow": "pika publish (confirmed, persistent) -> pika consumer", "sent": len(sent),
                              "arrived": len(anchor), **latency_figures(anchor)},
                   **{f"p{q}_ratio_to_anchor": ratio(latencies, anchor, q / 100) for q in (50, 95)}}
        print(figures)
        write_results("event_latency", {"flow": "joint_action expert request (HTTP response) -> roster deployment "
                                                "request", **figures})


def ratio(latencies: list[float], anchor: list[float], fraction: float) -> float | None:
    """How many times the anchor's percentile the event's is."""
    if not latencies or not anchor or percentile(anchor, fraction) <= 0:
        return None
    return round(percentile(latencies, fraction) / percentile(anchor, fraction), 1)


if __name__ == "__main__":
    main()
