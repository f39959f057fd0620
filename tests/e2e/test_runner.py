"""`infra/run` brings every web service up, and Ctrl-C stops every process it started; twice in a row."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from infra.platform import WEB_SERVICES, free_ports

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 90
STOP_SECONDS = 20
STARTTIME = 19


def is_live(port: int) -> bool:
    try:
        return requests.get(f"http://127.0.0.1:{port}/health/live", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def is_listening(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def proc_stat(pid: int) -> list[str] | None:
    """Fields 3 onwards of /proc/<pid>/stat (state, ppid, pgrp, ..., STARTTIME), or None once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return None if fields[0] == "Z" else fields


def living_processes() -> dict[int, list[str]]:
    stats = {int(entry.name): proc_stat(int(entry.name)) for entry in Path("/proc").iterdir() if entry.name.isdigit()}
    return {pid: stat for pid, stat in stats.items() if stat is not None}


def describe(pid: int) -> str:
    with contextlib.suppress(OSError):
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        return f"{pid} ({command.strip()})"
    return str(pid)


class Runner:
    """`bash infra/run` in a process group of its own, as a terminal would start it; remembers what it spawned."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.log_path = log_path
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(["bash", "infra/run"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.spawned: set[tuple[int, str]] = set()

    def output_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def remember_descendants(self) -> None:
        """Honcho starts each process in a session of its own, so the process group alone does not find them."""
        processes = living_processes()
        family = {self.process.pid} | {pid for pid, _ in self.spawned}
        while children := {pid for pid, stat in processes.items() if int(stat[1]) in family} - family:
            family |= children
        self.spawned |= {(pid, processes[pid][STARTTIME]) for pid in family - {self.process.pid} if pid in processes}

    def leftovers(self) -> list[int]:
        """Spawned processes (same pid and start time) and members of the runner's group that still run."""
        processes = living_processes()
        alive = {(pid, stat[STARTTIME]) for pid, stat in processes.items()}
        group = {pid for pid, stat in processes.items() if int(stat[2]) == self.process.pid}
        return sorted({pid for pid, _ in self.spawned & alive} | group)

    def kill_everything(self) -> None:
        for pid in self.leftovers():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


def wait_until_live(runner: Runner, ports: dict[str, int]) -> None:
    waiting = dict(ports)
    deadline = time.monotonic() + START_SECONDS
    while waiting and time.monotonic() < deadline:
        runner.remember_descendants()
        if runner.process.poll() is not None:
            pytest.fail(f"infra/run exited ({runner.process.returncode}) before {sorted(waiting)} came up:\n"
                        f"{runner.output_tail()}")
        waiting = {name: port for name, port in waiting.items() if not is_live(port)}
        time.sleep(0.5)
    runner.remember_descendants()
    if waiting:
        pytest.fail(f"no 200 from /health/live within {START_SECONDS} s at {waiting}:\n{runner.output_tail()}")


def stop_like_ctrl_c(runner: Runner, ports: dict[str, int]) -> None:
    deadline = time.monotonic() + STOP_SECONDS
    os.killpg(runner.process.pid, signal.SIGINT)
    try:
        returncode = runner.process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        pytest.fail(f"infra/run still runs {STOP_SECONDS} s after SIGINT:\n{runner.output_tail()}")
    while runner.leftovers() and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [describe(pid) for pid in runner.leftovers()]
    busy = {name: port for name, port in ports.items() if is_listening(port)}
    assert returncode == 0, f"infra/run exited {returncode} after SIGINT:\n{runner.output_tail()}"
    assert not left, f"still running after infra/run stopped: {left}\n{runner.output_tail()}"
    assert not busy, f"ports still listening after infra/run stopped: {busy}\n{runner.output_tail()}"


@pytest.fixture
def runner_env(rso_mongodb_uri, rso_amqp_url, rso_run_id) -> tuple[dict[str, str], dict[str, int]]:
    ports = dict(zip(WEB_SERVICES, free_ports(len(WEB_SERVICES)), strict=True))
    env = {name: value for name, value in os.environ.items() if name != "MONGODB_DATABASE"}
    env.update({f"{name.upper()}_PORT": str(port) for name, port in ports.items()})
    env.update(MONGODB_URI=rso_mongodb_uri, AMQP_URL=rso_amqp_url, DATABASE_PREFIX=f"rso_test_{rso_run_id}_e2e_")
    return env, ports


def administer_with_the_printed_credential(runner: Runner, gateway_port: int) -> list[str]:
    """Use the machine client infra/run printed: a token from the gateway, then the tenant admin API."""
    credentials = json.loads((ROOT / "var" / "demo-credentials.json").read_text())
    assert credentials["admin_client_secret"] in runner.log_path.read_text(), runner.output_tail()
    gateway = f"http://127.0.0.1:{gateway_port}"
    token = requests.post(f"{gateway}/oauth/token", data={"grant_type": "client_credentials"}, timeout=10,
                          auth=(credentials["admin_client_id"], credentials["admin_client_secret"])).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    created = requests.post(f"{gateway}/admin/tenants", headers=headers, timeout=10,
                            json={"code": "PHL", "name": "Philippines", "kind": "member_state"})
    assert created.status_code in (201, 409), created.text
    return [tenant["code"] for tenant in requests.get(f"{gateway}/admin/tenants", headers=headers, timeout=10).json()]


def test_runner_starts_every_service_and_ctrl_c_stops_everything_twice(runner_env, tmp_path):
    env, ports = runner_env
    for attempt in (1, 2):
        runner = Runner(env, tmp_path / f"run-{attempt}.log")
        try:
            wait_until_live(runner, ports)
            assert administer_with_the_printed_credential(runner, ports["gateway"]) == ["PHL", "RSO"]
            stop_like_ctrl_c(runner, ports)
        finally:
            runner.kill_everything()
