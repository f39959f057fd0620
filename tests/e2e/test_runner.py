"""`infra/run` brings every web service up, prints a working admin credential, loads the demo data, and Ctrl-C
stops every process it started, even halfway through the demo load; the next run finishes the load."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests

from chassis.testing.infrastructure import rabbitmq_vhost
from infra import devstack
from infra.platform import WEB_SERVICES, free_ports

pytestmark = [pytest.mark.e2e, pytest.mark.exclusive]  # a whole platform of its own, the demo load included

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 90
STOP_SECONDS = 20
STARTTIME = 19
DEMO_RUN_SECONDS = 120


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
def runner_env(rso_mongodb_uri, rso_run_id):
    """`infra/run`'s environment: free ports, databases and a vhost of this test's own."""
    with rabbitmq_vhost(f"rso-test-{rso_run_id}-runner") as amqp_url:
        ports = dict(zip(WEB_SERVICES, free_ports(len(WEB_SERVICES)), strict=True))
        env = {name: value for name, value in os.environ.items() if name != "MONGODB_DATABASE"}
        env.update({f"{name.upper()}_PORT": str(port) for name, port in ports.items()})
        env.update(MONGODB_URI=rso_mongodb_uri, AMQP_URL=amqp_url, DATABASE_PREFIX=f"rso_test_{rso_run_id}_run_",
                   SMTP_PORT=str(free_ports(1)[0]))
        yield env, ports


def wait_for_output(runner: Runner, pattern: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        runner.remember_descendants()
        output = runner.log_path.read_text(errors="replace")
        if re.search(pattern, output):
            return output
        if runner.process.poll() is not None:
            break
        time.sleep(0.5)
    pytest.fail(f"infra/run did not print {pattern!r} within {seconds} s:\n{runner.output_tail()}")


def administer_with_the_printed_credential(runner: Runner, gateway_port: int) -> set[str]:
    """Use the machine client infra/run printed: a token from the gateway, then the tenant admin API."""
    credentials = devstack.demo_credentials()
    assert credentials["admin_client_secret"] in runner.log_path.read_text(), runner.output_tail()
    gateway = f"http://127.0.0.1:{gateway_port}"
    token = requests.post(f"{gateway}/oauth/token", data={"grant_type": "client_credentials"}, timeout=10,
                          auth=(credentials["admin_client_id"], credentials["admin_client_secret"])).json()
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    created = requests.post(f"{gateway}/admin/tenants", headers=headers, timeout=10,
                            json={"code": "PHL", "name": "Philippines", "kind": "member_state"})
    assert created.status_code in (201, 409), created.text
    return {tenant["code"] for tenant in requests.get(f"{gateway}/admin/tenants", headers=headers, timeout=10).json()}


def a_demo_persons_token_works(env: dict[str, str], gateway_port: int) -> bool:
    """`rso-dev token EMAIL`, as the README shows it, gives a token the gateway lets through."""
    token = subprocess.run([str(ROOT / ".venv" / "bin" / "rso-dev"), "token", "requests@tha.example.org"], env=env,
                           capture_output=True, text=True, timeout=60, check=True).stdout.strip()
    functions = requests.get(f"http://127.0.0.1:{gateway_port}/api/roster/functions", timeout=10,
                             headers={"Authorization": f"Bearer {token}"})
    return functions.status_code == 200


def test_infra_run_twice_ctrl_c_stops_a_demo_load_halfway_and_the_next_run_finishes_it(runner_env, tmp_path):
    env, ports = runner_env
    runner = Runner(env, tmp_path / "interrupted.log")
    try:
        wait_until_live(runner, ports)
        assert {"PHL", "RSO"} <= administer_with_the_printed_credential(runner, ports["edge"])
        wait_for_output(runner, "loading the demo data", 30)
        time.sleep(2)
        stop_like_ctrl_c(runner, ports)
        output = runner.log_path.read_text(errors="replace")
        assert "stopped loading with the platform" in output and "demo data ready" not in output, output
        assert "rso-dev: demo: warning" not in output, "a stop is no demo item's failure"
    finally:
        runner.kill_everything()

    runner = Runner(env, tmp_path / "finished.log")
    try:
        wait_until_live(runner, ports)
        output = wait_for_output(runner, "demo data ready", DEMO_RUN_SECONDS)
        password = devstack.demo_credentials()[devstack.DEMO_PASSWORD_KEY]
        assert "rso-dev: demo: warning" not in output and "warnings)" not in output, runner.output_tail()
        assert "nothing new" not in output, "the second run finishes what the first began"
        assert f"the platform is live: sign in at http://127.0.0.1:{ports['edge']}/ as" in output
        assert output.index("rso-dev: the portal, for people") < output.index("rso-dev: platform admin"), output
        assert re.search(r"UNHCR\s+admin@unhcr\.example\.org\s+tenant_admin", output), runner.output_tail()
        assert f"password of every demo person: {password}" in output
        assert a_demo_persons_token_works(env, ports["edge"])
        stop_like_ctrl_c(runner, ports)
    finally:
        runner.kill_everything()
