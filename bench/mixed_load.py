"""A mixed read/write load through the gateway: several clients for 60 s; throughput, errors, latency, and where
the CPU went.

Run: `.venv/bin/python -m bench.mixed_load [--clients 8] [--seconds 60] [--profile]`. Starts every Procfile
process, nominates experts, then each client sends, back to back, a weighted mix of what users do: search the
roster, list requests, draft a request, read the course catalogue, and ask for an expert from a joint-action
case (a write that also sends an event to the roster). Errors must be zero. CPU seconds per process show
which component is the bottleneck; `--profile` also records a py-spy flame graph of the busiest web process.
Writes bench/results/mixed_load.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import random
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import requests

from bench.measure import RESULTS, closed_loop, running_platform, write_results
from infra.platform import Api, Directory, Platform

CLOCK_TICKS = 100  # USER_HZ of /proc/<pid>/stat on Linux
OWN_PACKAGES = ("chassis/", "gateway/", "roster_service/", "training_service/", "joint_action_service/")


def seed(platform: Platform) -> dict[str, Api]:
    directory = Directory(platform)
    directory.tenant("THA")
    directory.tenant("IDN")
    people = {"officer": ("THA", "officer@police.go.th", ["requesting_officer", "case_officer"]),
              "nominator": ("IDN", "roster@imigrasi.go.id", ["roster_manager"]),
              "office": ("RSO", "roster.office@rso.example.org", ["roster_manager"])}
    for tenant, email, roles in people.values():
        directory.person(tenant, email, *roles)
    apis = {name: directory.signed_in(email) for name, (_, email, _) in people.items()}
    rng = random.Random(7)
    for number in range(60):
        expert = apis["nominator"].post("/api/roster/experts", json={
            "full_name": f"Expert {number}", "email": f"expert{number}@example.org", "nationality": "IDN",
            "consent_given_on": dt.date.today().isoformat(),
            "languages": [{"code": rng.choice(["my", "ms", "th", "en"]), "level": "professional"}],
            "functions": [{"code": "interpretation_translation", "experience_level": "senior",
                           "years": rng.randint(1, 20)}]}).json()
        for step in ("vetted", "active"):
            apis["office"].post(f"/api/roster/experts/{expert['expert_id']}/transitions", json={"to": step})
    return apis


def operations(officer: Api, case_id: str) -> list[tuple[float, str, str, dict]]:
    """(weight, method, path, body) of the mix."""
    start = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    end = (dt.date.today() + dt.timedelta(days=50)).isoformat()
    draft = {"function": "interpretation_translation", "country": "THA", "location": "Ranong",
             "start_date": start, "end_date": end, "justification": "Interviews"}
    return [
        (0.35, "GET", "/api/roster/search?function=interpretation_translation&min_readiness=vetted&page_size=20", {}),
        (0.20, "GET", "/api/roster/requests?page_size=20", {}),
        (0.15, "POST", "/api/roster/requests", draft),
        (0.20, "GET", "/api/training/courses?page_size=20", {}),
        (0.10, "POST", f"/api/joint-action/cases/{case_id}/expert-requests", draft),
    ]


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and all its descendants (a gunicorn master and its workers)."""
    total, pending = 0.0, [pid]
    children = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        pending.extend(children.get(current, []))
    return total


def hot_spots(stacks_file: Path, top: int = 10) -> dict:
    """From py-spy's collapsed stacks: where the samples were (self time, by function), and how much of them
    the platform's own functions account for including what they call, so the bottleneck has a name."""
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    samples = 0
    for line in stacks_file.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [_frame_name(frame) for frame in stack.split(";")]
        samples += int(count)
        self_time[frames[-1]] += int(count)
        for frame in set(frames):
            if any(package in frame for package in OWN_PACKAGES):
                inclusive[frame] += int(count)

    def percent(counter: Counter[str]) -> dict[str, float]:
        return {frame: round(100 * count / samples, 1) for frame, count in counter.most_common(top)}

    return {"samples": samples, "self_percent": percent(self_time), "own_code_inclusive_percent": percent(inclusive)}


def _frame_name(frame: str) -> str:
    function, _, location = frame.partition(" (")
    return f"{function} ({location.split(':')[0].split('site-packages/')[-1].split('/lib/python3.11/')[-1]})"


def helper_cpu_seconds() -> dict[str, float]:
    """The embedded database (a child of this process, when no MongoDB was given) and this load generator."""
    seconds = {"load generator (this process)": _own_cpu_seconds()}
    for stat in Path("/proc").glob("[0-9]*/cmdline"):
        with contextlib.suppress(OSError):
            if b"secantusd" in stat.read_bytes() and _parent(stat.parent) == os.getpid():  # ours, not another run's
                seconds["database (SecantusDB)"] = cpu_seconds(int(stat.parent.name))
    return seconds


def _parent(process: Path) -> int:
    return int((process / "stat").read_text().rpartition(")")[2].split()[1])


def _own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--profile", action="store_true", help="py-spy flame graph of the gateway and roster web")
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        platform = running_platform(stack)
        apis = seed(platform)
        officer = apis["officer"]
        case_id = officer.post("/api/joint-action/cases",
                               json={"case_type": "people_smuggling", "title": "Load"}).json()["id"]
        mix = operations(officer, case_id)
        weights = [weight for weight, *_ in mix]
        token = officer.session.headers["Authorization"]

        def one_request(session: requests.Session) -> requests.Response:
            _, method, path, body = random.choices(mix, weights)[0]
            return session.request(method, f"{platform.gateway}{path}", json=body or None, timeout=30,
                                   headers={"Authorization": token})

        profilers = []
        if args.profile:
            py_spy = str(Path(sys.executable).parent / "py-spy")
            for name in ("gateway-web", "roster-web"):
                command = [py_spy, "record", "--subprocesses", "--nonblocking", "--duration", str(int(args.seconds)),
                           "--format", "raw", "--output", str(RESULTS / f"mixed_load_{name}.stacks"),
                           "--pid", str(platform.processes[name].pid)]
                profilers.append(threading.Thread(target=subprocess.run, args=(command,),
                                                  kwargs={"capture_output": True}))
        before = {name: cpu_seconds(process.pid) for name, process in platform.processes.items()}
        before.update(helper_cpu_seconds())
        for profiler in profilers:
            profiler.start()
        figures = closed_loop(one_request, clients=args.clients, seconds=args.seconds, warmup_seconds=0)
        after = {name: cpu_seconds(process.pid) for name, process in platform.processes.items()}
        after.update(helper_cpu_seconds())
        cpu = {name: round(after[name] - before[name], 1) for name in after}
        for profiler in profilers:
            profiler.join()
        figures["cpu_seconds_by_process"] = dict(sorted(cpu.items(), key=lambda item: -item[1]))
        database = cpu.get("database (SecantusDB)")
        if database is not None:  # absent when a MongoDB of its own answered at MONGODB_URI
            figures["database_share_of_cpu"] = round(database / max(sum(cpu.values()), 1e-9), 2)
            figures["database_cores"] = round(database / args.seconds, 2)
        if args.profile:
            figures["profile"] = {name: hot_spots(RESULTS / f"mixed_load_{name}.stacks")
                                  for name in ("gateway-web", "roster-web")}
        print(figures)
        write_results("mixed_load", {"mix": {f"{method} {path.split('?')[0]}": weight
                                             for weight, method, path, _ in mix}, **figures})


if __name__ == "__main__":
    main()
