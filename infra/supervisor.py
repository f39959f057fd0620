"""Run every process of a Procfile and keep them running, as production's orchestrator does (docs/adr/0070).

honcho stops every process as soon as one exits; this runner starts the one that exited again after a
back-off (1 s, doubling up to 30 s, back to 1 s once it had run for a minute) while the others keep running.
SIGINT/SIGTERM (`stop()`) stop them all: SIGTERM to each process group, SIGKILL to what is left after
STOP_SECONDS. Output keeps honcho's form (time, process name, line), through honcho's own Process and Printer.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import queue
import signal
import sys
import threading
import time
from collections.abc import Mapping
from typing import TextIO

from honcho.colour import get_colours
from honcho.printer import Message, Printer
from honcho.process import Process

from chassis.backoff import Backoff

RESTART_INITIAL_SECONDS = 1.0
RESTART_MAX_SECONDS = 30.0
HEALTHY_AFTER_SECONDS = 60.0  # a process that ran this long before it exited starts again after the initial delay
STOP_SECONDS = 10.0  # after SIGTERM, how long the processes have to stop before SIGKILL (gunicorn takes up to 10 s)
SYSTEM = "system"


@dataclasses.dataclass
class _Child:
    process: Process
    backoff: Backoff
    running: bool = False  # its thread runs the process (which may not have reported its pid yet)
    pid: int | None = None
    started_at: float = 0.0
    restart_at: float | None = None
    restarts: int = 0


class Supervisor:
    """Runs `commands` (name -> shell command line) in `cwd` with `env` until `stop()`; `run()` blocks until then."""

    def __init__(self, commands: Mapping[str, str], *, env: Mapping[str, str], cwd: str | os.PathLike,
                 output: TextIO = sys.stdout, restart_initial: float = RESTART_INITIAL_SECONDS,
                 restart_max: float = RESTART_MAX_SECONDS, healthy_after: float = HEALTHY_AFTER_SECONDS,
                 stop_seconds: float = STOP_SECONDS):
        self._events: queue.Queue[Message] = queue.Queue()
        self._printer = Printer(output, width=max(len(SYSTEM), *(len(name) for name in commands)))
        self._healthy_after = healthy_after
        self._stop_seconds = stop_seconds
        self._stop_requested = threading.Event()
        colours = get_colours()
        self._children = {
            name: _Child(Process(command, name=name, colour=next(colours), env=dict(env), cwd=str(cwd)),
                         Backoff(restart_initial, restart_max))
            for name, command in commands.items()}

    def stop(self) -> None:
        """Stop every process and make `run()` return; safe to call from a signal handler."""
        self._stop_requested.set()

    def pids(self) -> dict[str, int]:
        """The pid of each process that runs now."""
        return {name: child.pid for name, child in self._children.items() if child.pid is not None}

    def run(self) -> None:
        for child in self._children.values():
            self._start(child)
        kill_at: float | None = None
        while True:
            with contextlib.suppress(queue.Empty):
                self._handle(self._events.get(timeout=0.1))
            now = time.monotonic()
            if not self._stop_requested.is_set():
                for child in self._children.values():
                    if child.restart_at is not None and now >= child.restart_at:
                        self._start(child)
                continue
            if kill_at is None:
                self._say("stopping every process")
                kill_at = now + self._stop_seconds
                self._signal_all(signal.SIGTERM)
            if not any(child.running for child in self._children.values()):
                return
            if now >= kill_at:
                self._say(f"sending SIGKILL to what still runs after {self._stop_seconds:g} s")
                self._signal_all(signal.SIGKILL)
                kill_at = float("inf")

    def _start(self, child: _Child) -> None:
        child.restart_at = None
        child.running = True
        child.started_at = time.monotonic()
        threading.Thread(target=child.process.run, args=(self._events,), name=child.process.name, daemon=True).start()

    def _handle(self, message: Message) -> None:
        child = self._children[message.name]
        if message.type == "line":
            self._printer.write(message)
        elif message.type == "start":
            child.pid = message.data["pid"]
            self._say(f"{message.name} started (pid {child.pid})")
            if self._stop_requested.is_set():
                self._signal(child, signal.SIGTERM)
        elif message.type == "stop":
            self._stopped(child, message.data["returncode"])

    def _stopped(self, child: _Child, returncode: int) -> None:
        child.running, child.pid = False, None
        name = child.process.name
        if self._stop_requested.is_set():
            self._say(f"{name} stopped (exit code {returncode})")
            return
        ran_for = time.monotonic() - child.started_at
        if ran_for >= self._healthy_after:
            child.backoff.reset()
        delay = child.backoff.next_delay()
        child.restarts += 1
        child.restart_at = time.monotonic() + delay
        self._say(f"{name} exited (exit code {returncode}) after {ran_for:.1f} s; "
                  f"starting it again in {delay:g} s (restart {child.restarts}); the others keep running")

    def _signal_all(self, signum: int) -> None:
        for child in self._children.values():
            child.restart_at = None
            self._signal(child, signum)

    @staticmethod
    def _signal(child: _Child, signum: int) -> None:
        """Signal the process's whole group: honcho starts each command in a session (and group) of its own."""
        if child.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signum)

    def _say(self, text: str) -> None:
        self._printer.write(Message(type="line", data=text, time=dt.datetime.now(), name=SYSTEM, colour=None))
