"""infra/run's supervisor: a process that exits is started again after a back-off, the others keep running,
and stop() ends them all."""

from __future__ import annotations

import io
import os
import re
import signal
import sys
import threading
from pathlib import Path

import pytest

from chassis.testing.events import wait_until
from infra.supervisor import Supervisor

pytestmark = pytest.mark.e2e

SLEEPER = f"{sys.executable} -c 'import time; time.sleep(600)'"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"


class Running:
    """A Supervisor in a background thread, its output kept."""

    def __init__(self, commands: dict[str, str], **options):
        self.output = io.StringIO()
        self.supervisor = Supervisor(commands, env=os.environ, cwd=os.getcwd(), output=self.output, **options)
        self.thread = threading.Thread(target=self.supervisor.run, daemon=True)

    def __enter__(self) -> Running:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.supervisor.stop()
        self.thread.join(30)
        assert not self.thread.is_alive(), f"the supervisor did not stop:\n{self.output.getvalue()}"


def test_a_killed_process_is_started_again_and_the_others_keep_running():
    with Running({"steady": SLEEPER, "fragile": SLEEPER}, restart_initial=0.1) as running:
        pids = wait_until(lambda: len(running.supervisor.pids()) == 2 and running.supervisor.pids(),
                          message="both processes started")
        os.killpg(pids["fragile"], signal.SIGKILL)
        restarted = wait_until(lambda: running.supervisor.pids().get("fragile", pids["fragile"]) != pids["fragile"]
                               and running.supervisor.pids().get("fragile"), message="fragile started again")
        assert running.supervisor.pids()["steady"] == pids["steady"] and alive(pids["steady"])
        assert alive(restarted) and not alive(pids["fragile"])
    output = running.output.getvalue()
    assert re.search(r"fragile exited \(exit code -9\) after [\d.]+ s; starting it again in 0.1 s \(restart 1\)",
                     output), output
    assert not alive(pids["steady"]) and not alive(restarted), "stop() ends every process"


def test_a_process_that_keeps_failing_is_started_again_after_a_growing_capped_back_off():
    with Running({"failing": "exit 3"}, restart_initial=0.05, restart_max=0.2) as running:
        wait_until(lambda: running.output.getvalue().count("failing exited") >= 5, message="five restarts")
    delays = re.findall(r"failing exited \(exit code 3\) .* starting it again in ([\d.]+) s", running.output.getvalue())
    assert delays[:5] == ["0.05", "0.1", "0.2", "0.2", "0.2"]


def test_stop_ends_a_process_that_ignores_sigterm_with_sigkill_and_starts_nothing_again():
    with Running({"stubborn": "trap '' TERM; sleep 600", "polite": SLEEPER}, restart_initial=0.05,
                 stop_seconds=0.5) as running:
        pids = wait_until(lambda: len(running.supervisor.pids()) == 2 and running.supervisor.pids(),
                          message="both processes started")
    assert not alive(pids["stubborn"]) and not alive(pids["polite"])
    output = running.output.getvalue()
    assert "sending SIGKILL to what still runs after 0.5 s" in output and "starting it again" not in output, output
