"""`rso-edge`: the platform's edge, nginx configured from `infra/edge/nginx.conf.j2` (docs/adr/0090).

It renders the template from the environment every process shares (the gateway's settings: where each service
and the portal are, the rate limit, the body limit, the timeouts) and runs nginx in the foreground, so that
`infra/run`, the e2e platform and a container start it the same way. Debian's nginx is installed when missing
(`rso-dev ensure-edge`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import jinja2

from gateway.cors import EXPOSED_RESPONSE_HEADERS
from gateway.edge import GATEWAY_PATHS
from gateway.settings import GatewaySettings

TEMPLATE = Path(__file__).with_name("nginx.conf.j2")
ROOT = Path(__file__).resolve().parents[2]
NGINX_PACKAGES = ("nginx-light", "libnginx-mod-http-headers-more-filter")
HEADERS_MORE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_headers_more_filter_module.so")
SYSTEM_PATH = os.pathsep.join(["/usr/sbin", "/usr/local/sbin", "/usr/bin"])
# Request headers a client may not send: whatever could pass for identity or forwarding information (the edge
# sets X-Forwarded-* and X-Request-ID itself). A trailing `*` matches every name that begins so.
CLEARED_REQUEST_HEADERS = ("X-Tenant*", "X-User*", "X-Roles*", "X-RSO-*", "X-Auth*", "X-Forwarded-*", "X-Real-IP",
                           "Forwarded", "X-Request-ID")
RETRY_AFTER_SECONDS = 5
# The gateway's decision is quick (a signature, two in-memory lookups); slower than this, the gateway is in trouble
# and the request answers 503. Not the services' read timeout: a key refresh may take a moment.
DECISION_TIMEOUT_SECONDS = 10  # on 503 and 504: long enough for a restarted process to answer again


class EdgeError(Exception):
    """The edge cannot start; the message says what to do."""


def nginx_binary() -> str | None:
    return shutil.which("nginx", path=os.pathsep.join([os.environ.get("PATH", ""), SYSTEM_PATH]))


def ensure_nginx() -> str:
    """Debian's nginx with the headers-more module, installed with apt-get when missing; the binary's path."""
    if nginx_binary() and HEADERS_MORE_MODULE.exists():
        return nginx_binary()
    if os.geteuid() != 0:
        raise EdgeError(f"the edge needs nginx: sudo apt-get install -y {' '.join(NGINX_PACKAGES)}")
    print(f"rso-edge: installing {' '.join(NGINX_PACKAGES)} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *NGINX_PACKAGES]):
        if subprocess.run(command, env=env, stdin=subprocess.DEVNULL).returncode != 0:
            raise EdgeError(f"`{' '.join(command)}` failed; install {' '.join(NGINX_PACKAGES)} yourself and retry")
    return nginx_binary()


def _server(url: str) -> str:
    """`host:port` of an upstream's base URL (nginx's `server`)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"


def _seconds(value: float) -> str:
    return f"{max(1, round(value * 1000))}ms"


def render(*, listen: str, state: Path, gateway_urls: list[str], settings: GatewaySettings,
           workers: int = 1, replicas: int = 1) -> str:
    """The nginx configuration. `replicas`: how many edges share the traffic; each takes that share of the
    per-caller rate, since nginx keeps its buckets per instance (docs/adr/0090)."""
    services = {name: _server(url) for name, url in settings.upstreams().items()}
    rate_per_minute = max(1, round(settings.rate_limit_per_second * 60 / replicas))
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(TEMPLATE.read_text()).render(
        listen=listen, state=state, workers=workers, as_root=os.geteuid() == 0,
        headers_more_module=HEADERS_MORE_MODULE,
        gateway_servers=[_server(url) for url in gateway_urls],
        services=services,
        portal_server=_server(settings.portal_url),
        gateway_paths="|".join(sorted(path.replace(".", r"\.") for path in GATEWAY_PATHS - {"api", "metrics"})),
        cleared_headers=CLEARED_REQUEST_HEADERS,
        services_list=",".join(f'"{name}"' for name in services),
        rate_per_minute=rate_per_minute,
        burst=max(1, round(settings.rate_limit_burst / replicas)),
        max_body_bytes=settings.max_request_bytes,
        connect_timeout=_seconds(settings.upstream_connect_timeout_seconds),
        read_timeout=_seconds(settings.upstream_read_timeout_seconds),
        retry_after=RETRY_AFTER_SECONDS,
        decision_timeout=_seconds(DECISION_TIMEOUT_SECONDS),
        cors_exposed_headers=EXPOSED_RESPONSE_HEADERS,
    )


def write_config(state: Path, **arguments) -> Path:
    """Render into `state` (created with the directories nginx writes to); the configuration file's path."""
    for directory in ("client-body", "proxy", "fastcgi", "uwsgi", "scgi", "auth-cache", "empty"):
        (state / directory).mkdir(parents=True, exist_ok=True)
    config = state / "nginx.conf"
    config.write_text(render(state=state, **arguments))
    return config


def from_environment(environ=os.environ) -> dict:
    """`render`'s arguments from the environment: `PORT` (where it listens), `EDGE_GATEWAY_URLS` (the gateway
    replicas, comma-separated; default: the gateway at `GATEWAY_PORT` on this machine), `EDGE_WORKERS`,
    `EDGE_REPLICAS`, and the gateway's settings."""
    port = environ.get("PORT", "8000")
    gateway_urls = environ.get("EDGE_GATEWAY_URLS") or f"http://127.0.0.1:{environ.get('GATEWAY_PORT', '8006')}"
    return {"listen": environ.get("EDGE_LISTEN", port), "gateway_urls": gateway_urls.split(","),
            "settings": GatewaySettings.from_env("gateway", environ),
            "workers": int(environ.get("EDGE_WORKERS", "1")), "replicas": int(environ.get("EDGE_REPLICAS", "1"))}


COMMANDS = {"run": "render the configuration into EDGE_STATE_DIR (default var/edge/<port>) and become nginx",
            "render": "print the configuration the environment gives"}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="rso-edge", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, description in COMMANDS.items():
        commands.add_parser(name, help=description)
    args = parser.parse_args(argv)
    arguments = from_environment()
    state = Path(os.environ.get("EDGE_STATE_DIR") or ROOT / "var" / "edge" / arguments["listen"].replace(":", "_"))
    if args.command == "render":
        print(render(state=state.resolve(), **arguments), end="")
        return
    try:
        nginx = ensure_nginx()
    except EdgeError as error:
        sys.exit(f"rso-edge: {error}")
    config = write_config(state.resolve(), **arguments)
    os.execv(nginx, [nginx, "-e", "stderr", "-p", str(state.resolve()), "-c", str(config)])


@contextlib.contextmanager
def running(state: Path, **arguments) -> Iterator[str]:
    """The edge with this configuration (`render`'s arguments), for tests: yields its URL, stops it on exit."""
    with running_nginx(write_config(state, **arguments), state, arguments["listen"]) as url:
        yield url


@contextlib.contextmanager
def running_nginx(config: Path, state: Path, listen: str) -> Iterator[str]:
    """nginx with the configuration file `config` (prefix `state`), listening on `listen` (host:port): yields its
    URL once it accepts connections, stops it on exit. Tests and benchmarks use it."""
    nginx = ensure_nginx()
    host, _, port = listen.rpartition(":")
    host = host or "127.0.0.1"
    with open(state / "nginx.log", "ab") as log:
        process = subprocess.Popen([nginx, "-e", "stderr", "-p", str(state), "-c", str(config)],
                                   stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            deadline = time.monotonic() + 15
            while not _accepts(host, int(port)):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise EdgeError(f"nginx did not start: {(state / 'nginx.log').read_text(errors='replace')}")
                time.sleep(0.05)
            yield f"http://{host}:{port}"
        finally:
            process.terminate()
            process.wait(10)


def _accepts(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False
