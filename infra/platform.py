"""Every process of `infra/Procfile`, started as `infra/run` starts them, but each one under the caller's control.

`infra/run` runs the Procfile under its supervisor (infra/supervisor.py), which starts a process that exited
again on its own schedule; the end-to-end flows that kill a worker mid-flow, and the benchmarks, need to start,
kill and restart one process alone, so this starts each Procfile line itself, with the same commands and
environment `infra/run` gives them.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

import requests

from chassis.testing import oauth
from chassis.testing.infrastructure import rabbitmqctl
from infra import devstack

ROOT = Path(__file__).resolve().parents[1]
WEB_SERVICES = ("edge", "gateway", "roster", "training", "joint_action", "portal", "notification")


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def metrics_port_variable(process: str) -> str:
    """The variable infra/Procfile reads a process's `METRICS_PORT` from (off when unset)."""
    return "METRICS_PORT_" + process.upper().replace("-", "_")


class Platform:
    def __init__(self, env: dict[str, str], ports: dict[str, int], log_dir: Path):
        self.ports = ports
        self.log_dir = log_dir
        self.commands = devstack.procfile_commands()
        self.processes: dict[str, subprocess.Popen] = {}
        self.credentials = {
            "admin_email": "admin@rso.example.org",
            "admin_password": secrets.token_urlsafe(12),
            "admin_client_id": "rso-admin-cli",
            "admin_client_secret": secrets.token_urlsafe(24),
            devstack.PORTAL_SECRET_KEY: secrets.token_urlsafe(32),
        }
        self.env = {**env, "PORTAL_CLIENT_SECRET": self.credentials[devstack.PORTAL_SECRET_KEY]}
        # Every process serves its metrics on a port of its own, its web workers' values in a directory of its own
        self.metrics_ports = dict(zip(self.commands, free_ports(len(self.commands)), strict=True))
        self.env.setdefault("METRICS_DIR", str(log_dir / "metrics"))
        self.env.setdefault("EDGE_STATE_DIR", str(log_dir / "edge"))  # its configuration, cache and pid file
        for name, port in self.metrics_ports.items():
            self.env[metrics_port_variable(name)] = str(port)
        self.passwords: dict[str, str] = {}  # of the people a Directory made: every Directory of it shares them

    @property
    def gateway(self) -> str:
        """The platform's public address: the edge (infra/edge) in front of the gateway, services and portal."""
        return f"http://127.0.0.1:{self.ports['edge']}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def start(self, name: str) -> None:
        """Start the Procfile process `name`, or `<process>.<n>`: one more replica of that process (against the same
        database and broker), with a metrics port of its own."""
        process, _, replica = name.partition(".")
        env = self.env
        if replica:
            port = self.metrics_ports.setdefault(name, free_ports(1)[0])
            env = {**self.env, metrics_port_variable(process): str(port)}
        with open(self.log_dir / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                ["bash", "-c", f"exec {self.commands[process]}"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def stop(self, name: str, sig: int = signal.SIGTERM, wait: float = 20) -> None:
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)

    def start_all(self) -> None:
        devstack.ensure_edge()
        devstack.ensure_indexes(self.env)
        devstack.bootstrap_gateway(self.env, self.credentials)
        for name in self.commands:
            self.start(name)
        self.wait_until_live()

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)

    def wait_until_live(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        waiting = set(WEB_SERVICES)
        while waiting and time.monotonic() < deadline:
            dead = {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}
            if dead:
                raise RuntimeError(f"exited: {dead}\n{self.log_tails(dead)}")
            waiting = {name for name in waiting if not _answers(f"{self.url(name)}/health/live")}
            time.sleep(0.3)
        if waiting:
            raise RuntimeError(f"not live within {seconds} s: {sorted(waiting)}\n{self.log_tails(self.processes)}")

    def failed_events(self) -> dict[str, int]:
        """Messages in any retry or dead-letter queue of the platform's vhost: events some handler failed on
        (a retry queue holds them for seconds, the `.dead` queue for good)."""
        vhost = urllib.parse.unquote(urllib.parse.urlsplit(self.env["AMQP_URL"]).path[1:])
        listing = rabbitmqctl("list_queues", "-p", vhost, "name", "messages", "--no-table-headers")
        queues = (line.split() for line in listing.splitlines() if line.strip())
        return {name: int(count) for name, count in queues
                if int(count) and (name.endswith(".dead") or ".retry." in name)}

    def log_tails(self, names, lines: int = 30) -> str:
        tails = []
        for name in names:
            path = self.log_dir / f"{name}.log"
            text = path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []
            tails.append(f"--- {name}\n" + "\n".join(text))
        return "\n".join(tails)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


RETRY_LATER_ATTEMPTS = 5
SERVICES_FOLLOWING_TENANTS = ("roster", "training", "joint-action")  # their names behind the gateway
TENANT_EVENT_PATIENCE_SECONDS = 60


def services_not_knowing(api: Api, codes) -> list[tuple[str, str]]:
    """(service, tenant code) pairs where the service has not yet learnt of the tenant (`GET /tenants/{code}`)."""
    return [(service, code) for service in SERVICES_FOLLOWING_TENANTS for code in codes
            if api.call("GET", f"/api/{service}/tenants/{code}").status_code != 200]


def wait_until_services_know(api: Api, codes, seconds: float = TENANT_EVENT_PATIENCE_SECONDS) -> None:
    """A new tenant reaches the services as the gateway's `identity.tenant.created` event, asynchronously; a
    request naming the tenant before a service knows it is refused (422). Wait until every service knows them."""
    deadline = time.monotonic() + seconds
    while missing := services_not_knowing(api, codes):
        if time.monotonic() > deadline:
            raise TimeoutError(f"after {seconds} s the services still do not know these tenants: {missing}")
        time.sleep(0.3)


def try_later(response: requests.Response) -> bool:
    """The gateway's rate limit (429), or a service whose dependency did not answer in time (503 with
    `Retry-After`: the request changed nothing, chassis/app.py): a well-behaved client waits and sends it again."""
    return response.status_code == 429 or (response.status_code == 503 and "Retry-After" in response.headers)


class Api:
    """Requests through the gateway with one bearer token; the e2e flows never call a service directly."""

    def __init__(self, gateway: str, token: str):
        self.gateway = gateway
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, expect: int | tuple[int, ...] | None = None, **kwargs):
        """One request; an answer to try later (`try_later`) is waited out as `Retry-After` says, a few times."""
        for _ in range(RETRY_LATER_ATTEMPTS):
            response = self.session.request(method, f"{self.gateway}{path}", timeout=30, **kwargs)
            if not try_later(response):
                break
            time.sleep(float(response.headers.get("Retry-After", "1")))
        if expect is not None:
            expected = expect if isinstance(expect, tuple) else (expect,)
            assert response.status_code in expected, f"{method} {path}: {response.status_code} {response.text}"
        return response

    def get(self, path, expect=200, **kwargs):
        return self.call("GET", path, expect, **kwargs)

    def post(self, path, expect=(200, 201), **kwargs):
        return self.call("POST", path, expect, **kwargs)

    def patch(self, path, expect=200, **kwargs):
        return self.call("PATCH", path, expect, **kwargs)


PORTAL = "rso-portal"  # registered by `rso-gateway bootstrap` (gateway/commands.py)


def portal_redirect_uri(gateway: str) -> str:
    """Where the portal, served at the gateway's origin, receives authorization codes."""
    return f"{gateway}/auth/callback"


class Directory:
    """Tenants, people and machine clients made through the gateway's admin API, and their tokens."""

    def __init__(self, platform: Platform):
        self.gateway = platform.gateway
        credentials = platform.credentials
        self.admin = Api(self.gateway, oauth.client_token(self.gateway, credentials["admin_client_id"],
                                                          credentials["admin_client_secret"]))
        self.portal_secret = credentials[devstack.PORTAL_SECRET_KEY]
        # Shared by every Directory of one platform (test modules share one), so a person made once signs in.
        self.passwords: dict[str, str] = getattr(platform, "passwords", {})

    def tenant(self, code: str, kind: str = "member_state") -> None:
        """The tenant, once every service knows it."""
        self.admin.post("/admin/tenants", expect=(201, 409),
                        json={"code": code, "name": f"Tenant {code}", "kind": kind})
        wait_until_services_know(self.admin, [code])

    def person(self, tenant: str, email: str, *roles: str, password: str | None = None) -> None:
        """A person of `tenant` with `roles` (kept as they are if the e-mail exists); `signed_in` gives their API."""
        password = self.passwords.setdefault(email, password or secrets.token_urlsafe(12))
        self.admin.post(f"/admin/tenants/{tenant}/users", expect=(201, 409), json={
            "email": email, "display_name": email.split("@")[0].replace(".", " ").title(), "roles": list(roles),
            "password": password})

    def signed_in(self, email: str) -> Api:
        token = oauth.sign_in(self.gateway, PORTAL, email, self.passwords[email], portal_redirect_uri(self.gateway),
                              client_secret=self.portal_secret)
        return Api(self.gateway, token["access_token"])

    def machine(self, tenant: str, client_id: str, *roles: str) -> Api:
        secret = self.admin.post(f"/admin/tenants/{tenant}/clients", expect=201, json={
            "client_id": client_id, "name": client_id, "grant_types": ["client_credentials"],
            "roles": list(roles)}).json()["client_secret"]
        return Api(self.gateway, oauth.client_token(self.gateway, client_id, secret))
