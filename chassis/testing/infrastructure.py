"""Real infrastructure for tests: a MongoDB-compatible server and a RabbitMQ vhost of the test run's own."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from chassis.db import server_answers
from chassis.messaging.connection import ping_broker
from chassis.settings import DEFAULT_AMQP_URL, DEFAULT_MONGODB_URI


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def mongodb() -> Iterator[str]:
    """The MongoDB at MONGODB_URI if one answers; otherwise an embedded SecantusDB for this run only."""
    uri = os.environ.get("MONGODB_URI", DEFAULT_MONGODB_URI)
    if server_answers(uri):
        yield uri
        return
    with embedded_mongodb() as server:
        yield server.uri


class EmbeddedMongoDB:
    """A SecantusDB process of the caller's own, on a free port, with its storage in a temporary folder."""

    def __init__(self) -> None:
        executable = Path(sys.executable).with_name("secantusd-py")
        if not executable.exists():
            raise RuntimeError(f"no MongoDB answers and no SecantusDB at {executable}: pip install -e '.[dev]'")
        self.storage = tempfile.mkdtemp(prefix="rso-test-mongo-")
        port = free_port()
        self.uri = f"mongodb://127.0.0.1:{port}"
        log_path = Path(self.storage) / "server.log"
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(executable), "--host", "127.0.0.1", "--port", str(port), "--storage-path", self.storage + "/data"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 60
        while not server_answers(self.uri, 500):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"SecantusDB did not start: {log_path.read_text()[-2000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server (a test may, to see the database go away); idempotent."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@contextlib.contextmanager
def embedded_mongodb() -> Iterator[EmbeddedMongoDB]:
    """A SecantusDB of the caller's own, stopped and deleted on exit."""
    server = EmbeddedMongoDB()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.storage, ignore_errors=True)


def rabbitmqctl(*args: str, timeout: float = 60) -> str:
    """Run `rabbitmqctl` on the local broker (vhosts for test runs, queue listings, stopping it); its output."""
    executable = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    if not os.path.exists(executable):
        raise RuntimeError("rabbitmqctl not found: tests need a local RabbitMQ (apt-get install -y rabbitmq-server)")
    return subprocess.run([executable, "-q", *args], check=True, capture_output=True, text=True,
                          timeout=timeout).stdout


@contextlib.contextmanager
def rabbitmq_vhost(name: str) -> Iterator[str]:
    """A fresh vhost on the broker at AMQP_URL, deleted afterwards; yields its AMQP URL."""
    base = os.environ.get("AMQP_URL", DEFAULT_AMQP_URL)
    try:
        ping_broker(base)
    except Exception as error:
        raise RuntimeError(
            f"RabbitMQ does not answer at {base} ({error}); start it: rabbitmq-server -detached") from error
    parts = urllib.parse.urlsplit(base)
    user = urllib.parse.unquote(parts.username or "guest")
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, user, ".*", ".*", ".*")
        yield urllib.parse.urlunsplit(parts._replace(path="/" + urllib.parse.quote(name, safe="")))
    finally:
        rabbitmqctl("delete_vhost", name)
