"""Roster search latency (p50/p95) through the HTTP API at 2,000 and 20,000 generated experts, against its anchor.

Run: `.venv/bin/python -m bench.roster_search [--queries N]`. Uses the MongoDB at MONGODB_URI if one
answers, else an embedded SecantusDB for the run; writes bench/results/roster_search.json. Requests go
through the app in-process (Flask test client), so the figures are the service's own time: token check,
query, ranking, serialisation. The anchor is the raw database operation: each search's matching `aggregate`,
recorded as the service sent it and sent again through pymongo alone. Figures are given for all searches and
for the two kinds requesters send: with a language (an index finds only who could match) and for a function
only (every active expert offering it is read).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
import uuid

import pymongo

from bench.measure import latency_figures, percentile, write_results
from chassis.access import system
from chassis.settings import ServiceSettings
from chassis.testing.infrastructure import mongodb
from chassis.testing.query_plans import recorded_queries
from chassis.testing.tokens import TestTokenIssuer
from roster_service import SERVICE, create_app
from roster_service.experts.models import Expert
from roster_service.tests.generated_roster import FUNCTIONS, LANGUAGES, generate_roster

SIZES = (2_000, 20_000)
TARGET_P95_MS = 100  # at 20,000 experts (issue 19)


def queries(count: int, base: dt.date) -> list[dict]:
    """A mix of what requesters ask: a function, often languages and dates, sometimes no certificate needed."""
    rng = random.Random(42)
    mixed = []
    for _ in range(count):
        start = base + dt.timedelta(days=rng.randint(-30, 30))
        query = {"function": rng.choice(FUNCTIONS), "page_size": 20,
                 "language": [f"{code}:{rng.choice(('basic', 'professional'))}"
                              for code in rng.sample(LANGUAGES, rng.choice((0, 1, 1, 2)))]}
        if rng.random() < 0.7:
            query.update(start_date=start.isoformat(), end_date=(start + dt.timedelta(days=21)).isoformat())
        if rng.random() < 0.3:
            query["min_readiness"] = "vetted"
        if rng.random() < 0.3:
            query.update(country="THA", exclude_nationals="true")
        mixed.append(query)
    return mixed


def p95_of(latencies: list[float], database_latencies: list[float], mixed: list[dict], kind: str) -> dict:
    chosen = [index for index, query in enumerate(mixed) if bool(query["language"]) == (kind == "with a language")]
    return {"queries": len(chosen),
            "p95_ms": round(percentile([latencies[index] for index in chosen], 0.95) * 1000, 2),
            "database_p95_ms": round(percentile([database_latencies[index] for index in chosen], 0.95) * 1000, 2)}


def run(query_count: int) -> dict:
    issuer = TestTokenIssuer()
    headers = {"Authorization": f"Bearer {issuer.mint(tenant='THA', roles=['requesting_officer'], expires_in=3600)}"}
    base = dt.date.today() + dt.timedelta(days=100)
    results = {"queries_per_size": query_count, "sizes": []}
    with mongodb() as uri:
        database = f"rso_bench_{uuid.uuid4().hex[:8]}_roster"
        settings = ServiceSettings.from_env(SERVICE, environ={}, mongodb_uri=uri, mongodb_database=database,
                                            oauth_issuer=issuer.issuer, oauth_audience=issuer.audience,
                                            jwks_url=issuer.jwks_url, log_json=False, log_level="WARNING")
        client = create_app(settings).test_client()
        raw_experts = pymongo.MongoClient(uri)[database]["experts"]
        try:
            inserted = 0
            for size in SIZES:
                started = time.perf_counter()
                generate_roster(size - inserted, seed=size, base=base)
                inserted = size
                assert system("the benchmark counts every generated expert").records(Expert).count() == size
                insert_seconds = time.perf_counter() - started
                mixed = queries(query_count, base)
                client.get("/search", query_string=mixed[0], headers=headers)  # warm-up: JWKS, catalogue
                latencies, matches, pipelines = [], [], []
                for query in mixed:
                    with recorded_queries() as sent:
                        started = time.perf_counter()
                        response = client.get("/search", query_string=query, headers=headers)
                        latencies.append(time.perf_counter() - started)
                    assert response.status_code == 200, response.get_json()
                    matches.append(json.loads(response.headers["X-Pagination"])["total"])
                    pipelines.append(next(recorded.command["pipeline"] for recorded in sent
                                          if recorded.command.get("aggregate") == "experts"))
                database_latencies = []
                for pipeline in pipelines:
                    started = time.perf_counter()
                    list(raw_experts.aggregate(pipeline))
                    database_latencies.append(time.perf_counter() - started)
                row = {"experts": size, **latency_figures(latencies), "max_ms": round(max(latencies) * 1000, 2),
                       "median_matches": statistics.median(matches), "insert_seconds": round(insert_seconds, 1),
                       "database": latency_figures(database_latencies),
                       "by_kind": {kind: p95_of(latencies, database_latencies, mixed, kind)
                                   for kind in ("with a language", "function only")}}
                row["p95_ratio_to_database"] = round(row["p95_ms"] / row["database"]["p95_ms"], 2)
                results["sizes"].append(row)
                print(f"{size:>6} experts: search p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms "
                      f"(max {row['max_ms']} ms, median {row['median_matches']} matches, {query_count} queries); "
                      f"the database's aggregate alone p50 {row['database']['p50_ms']} ms, "
                      f"p95 {row['database']['p95_ms']} ms (x{row['p95_ratio_to_database']} at p95)")
                for kind, figures in row["by_kind"].items():
                    print(f"        {kind}: {figures['queries']} queries, search p95 {figures['p95_ms']} ms, "
                          f"database p95 {figures['database_p95_ms']} ms")
        finally:
            pymongo.MongoClient(uri).drop_database(database)
            issuer.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=100)
    results = run(parser.parse_args().queries)
    largest = results["sizes"][-1]
    results["target"] = {"experts": largest["experts"], "p95_ms_at_most": TARGET_P95_MS,
                         "met": largest["p95_ms"] <= TARGET_P95_MS}
    print(f"target: p95 at most {TARGET_P95_MS} ms at {largest['experts']} experts: "
          f"{'met' if results['target']['met'] else 'NOT met'} ({largest['p95_ms']} ms)")
    write_results("roster_search", results)


if __name__ == "__main__":
    main()
