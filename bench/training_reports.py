"""Training figures: report latency (p50/p95) at 2,000 and 20,000 enrolments, and concurrent enrolment.

Run: `.venv/bin/python bench/training_reports.py [--requests N] [--threads T]`. Uses the MongoDB at
MONGODB_URI if one answers, else an embedded SecantusDB for the run; writes
bench/results/training_reports.json. Enrolments and certificates are bulk-inserted; reports and
enrolments go through the HTTP API with real tokens, as callers use them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import secrets
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bson import ObjectId

from chassis.settings import ServiceSettings
from chassis.testing.infrastructure import mongodb
from chassis.testing.tokens import TestTokenIssuer
from training_service import SERVICE, create_app
from training_service.certificates.models import Certificate
from training_service.enrolments.models import Enrolment
from training_service.tests.builders import build_course, scheduled

SIZES = (2_000, 20_000)
TENANTS = ("THA", "IDN", "PHL", "MYS", "VNM")
STATUSES = ("enrolled", "enrolled", "completed", "completed", "waitlisted", "withdrawn")
RESULTS = Path(__file__).resolve().parent / "results" / "training_reports.json"


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def insert_enrolments(count: int, course_id: str, session_id: str, rng: random.Random) -> None:
    """`count` enrolments and, for the passed ones, certificates: raw bulk inserts, no HTTP."""
    enrolments, certificates = [], []
    today = dt.date.today()
    for _ in range(count):
        tenant, status = rng.choice(TENANTS), rng.choice(STATUSES)
        email = f"{uuid.uuid4().hex[:10]}@{tenant.lower()}.example.org"
        trainee = {"user_id": None, "email": email, "name": email, "tenant": tenant}
        enrolment_id = ObjectId()
        passed = status == "completed" and rng.random() < 0.8
        enrolments.append({
            "_id": enrolment_id, "tenant": tenant, "session_id": ObjectId(session_id), "course_id": ObjectId(course_id),
            "course_code": "RSD-101", "provider_tenant": "IOM", "trainee": trainee, "status": status,
            "source": "bulk", "completed_items": {}, "history": [], "created_at": dt.datetime.now(dt.UTC),
            "updated_at": dt.datetime.now(dt.UTC), **({"started_at": dt.datetime.now(dt.UTC)} if rng.random() < 0.5
                                                      else {}),
            **({"passed": passed, "score": 80.0} if status == "completed" else {})})
        if passed:
            certificates.append({
                "tenant": tenant, "verification_code": secrets.token_urlsafe(24), "enrolment_id": enrolment_id,
                "course_id": ObjectId(course_id), "course_code": "RSD-101", "course_title": "Course RSD-101",
                "provider_tenant": "IOM", "holder": trainee, "issued_on": dt.datetime(2026, 1, 1),
                "expires_on": dt.datetime.combine(today + dt.timedelta(days=rng.randint(-100, 400)), dt.time()),
                "status": "valid", "history": [], "created_at": dt.datetime.now(dt.UTC)})
    Enrolment._get_collection().insert_many(enrolments)
    if certificates:
        Certificate._get_collection().insert_many(certificates)


def timed_gets(client, path: str, headers: dict, count: int) -> dict:
    client.get(path, headers=headers)  # warm-up
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_json()
    return {"p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(percentile(latencies, 0.95), 1)}


def concurrent_enrolment(app, issuer: TestTokenIssuer, session_id: str, threads: int, capacity: int) -> dict:
    tokens = [issuer.mint(tenant="THA", roles=["trainee"], sub=f"bench-{n}", email=f"bench{n}@tha.example.org",
                          name=f"Bench {n}", expires_in=3600) for n in range(threads)]
    start = threading.Barrier(threads + 1)
    statuses = []

    def enrol(token):
        client = app.test_client()
        start.wait()
        response = client.post(f"/sessions/{session_id}/enrolments", headers={"Authorization": f"Bearer {token}"})
        statuses.append(response.get_json().get("status"))

    workers = [threading.Thread(target=enrol, args=(token,)) for token in tokens]
    for worker in workers:
        worker.start()
    start.wait()
    started = time.perf_counter()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    return {"threads": threads, "capacity": capacity, "seconds": round(seconds, 2),
            "enrolments_per_second": round(threads / seconds, 1),
            "enrolled": statuses.count("enrolled"), "waitlisted": statuses.count("waitlisted")}


def run(request_count: int, threads: int) -> dict:
    issuer = TestTokenIssuer()

    def headers(tenant, *roles):
        return {"Authorization": f"Bearer {issuer.mint(tenant=tenant, roles=list(roles), expires_in=3600)}"}

    results = {"measured_at": dt.datetime.now(dt.UTC).isoformat(), "requests_per_size": request_count, "sizes": []}
    with mongodb() as uri:
        database = f"rso_bench_{uuid.uuid4().hex[:8]}_training"
        settings = ServiceSettings.from_env(SERVICE, environ={}, mongodb_uri=uri, mongodb_database=database,
                                            oauth_issuer=issuer.issuer, oauth_audience=issuer.audience,
                                            jwks_url=issuer.jwks_url, log_json=False, log_level="WARNING")
        app = create_app(settings)
        client = app.test_client()
        provider = headers("IOM", "training_coordinator")
        try:
            built = build_course(client, provider, session={"mode": "self_paced", "title": "Open"})
            rng, inserted = random.Random(5), 0
            for size in SIZES:
                started = time.perf_counter()
                insert_enrolments(size - inserted, built.course_id, built.session_id, rng)
                inserted = size
                row = {"enrolments": size, "insert_seconds": round(time.perf_counter() - started, 1),
                       "course_report": timed_gets(client, f"/reports/courses/{built.course_id}", provider,
                                                   request_count),
                       "tenant_report": timed_gets(client, "/reports/tenants/THA",
                                                   headers("THA", "training_coordinator"), request_count)}
                results["sizes"].append(row)
                print(f"{size:>6} enrolments: course report p50 {row['course_report']['p50_ms']} ms, "
                      f"p95 {row['course_report']['p95_ms']} ms; tenant report p50 {row['tenant_report']['p50_ms']} "
                      f"ms, p95 {row['tenant_report']['p95_ms']} ms")
            capacity = max(threads // 4, 1)
            limited = build_course(client, provider, code="LIMITED", session=scheduled(capacity=capacity))
            results["concurrent_enrolment"] = concurrent_enrolment(app, issuer, limited.session_id, threads, capacity)
            print(f"concurrent enrolment: {json.dumps(results['concurrent_enrolment'])}")
        finally:
            import mongoengine

            mongoengine.get_connection().drop_database(database)
            issuer.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--threads", type=int, default=20)
    args = parser.parse_args()
    results = run(args.requests, args.threads)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


if __name__ == "__main__":
    main()
