"""`rso-dev`: run the whole platform on this machine (SecantusDB, RabbitMQ and every process of infra/Procfile)."""

from __future__ import annotations

import argparse
import contextlib
import ctypes.util
import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pika
import pika.exceptions
import pymongo
from honcho.environ import parse_procfile
from pymongo.uri_parser import parse_uri

from chassis.db import server_answers as mongo_answers
from chassis.index_check import IndexCheck, check_indexes
from chassis.settings import DEFAULT_AMQP_URL, DEFAULT_MONGODB_URI, DEFAULT_PORTS, ServiceSettings
from infra import edge
from infra.supervisor import Supervisor
from notification_service.mail.server import messages_to
from notification_service.settings import NotificationSettings

ROOT = Path(__file__).resolve().parents[1]
VAR = ROOT / "var"
VENV_BIN = Path(sys.executable).parent
PROCFILE = ROOT / "infra" / "Procfile"
DEMO_CREDENTIALS = VAR / "demo-credentials.json"
DEMO_PASSWORD_KEY = "demo_password"  # in DEMO_CREDENTIALS: the password every demo person shares
PORTAL_SECRET_KEY = "portal_client_secret"  # in DEMO_CREDENTIALS: the portal's OAuth client secret
DEMO_STOP_SECONDS = 5  # how long run() waits, once its processes stopped, for the demo loader to say it stopped

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
SERVICES = DEFAULT_PORTS
EDGE_PORT = 8000  # the platform's one public address: nginx (infra/edge) in front of the gateway and the rest


class DevstackError(Exception):
    """A step failed in a way the user has to fix; the message says how."""


def _wait_until(check, seconds: float, interval: float = 0.3, give_up=lambda: False) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        if give_up():
            return False
        time.sleep(interval)
    return check()


def _tail(path: Path, lines: int = 20) -> str:
    if not path.exists():
        return f"({path} does not exist)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _redacted(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _recorded_secantusd(pid_file: Path) -> tuple[int, list[str]] | None:
    """The pid and arguments of the SecantusDB recorded in `pid_file`, if it still runs."""
    with contextlib.suppress(OSError, ValueError):
        pid = int(pid_file.read_text())
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
        if any("secantusd" in arg for arg in argv[:2]):
            return pid, argv
    return None


def ensure_mongo(uri: str) -> None:
    if mongo_answers(uri):
        return
    where = _redacted(uri)
    host, port = parse_uri(uri)["nodelist"][0]
    if host not in LOCAL_HOSTS:
        raise DevstackError(f"MongoDB does not answer at {where} and {host} is not this machine: start it there")
    log_path, pid_file = VAR / "log" / "mongo.log", VAR / "run" / "mongo.pid"
    recorded = _recorded_secantusd(pid_file)
    if recorded is not None:
        pid, argv = recorded
        starting_here = "--port" in argv and argv[argv.index("--port") + 1] == str(port)
        if starting_here and _wait_until(lambda: mongo_answers(uri, 500), 30):
            return
        raise DevstackError(
            f"SecantusDB (pid {pid}, storage {VAR / 'mongo'}) runs but does not answer at {where}; "
            f"stop it with `kill {pid}` and retry. Log tail:\n{_tail(log_path)}"
        )
    for directory in (VAR / "mongo", log_path.parent, pid_file.parent):
        directory.mkdir(parents=True, exist_ok=True)
    command = [str(VENV_BIN / "secantusd-py"), "--host", "127.0.0.1", "--port", str(port),
               "--storage-path", str(VAR / "mongo")]
    print(f"rso-dev: starting SecantusDB on 127.0.0.1:{port} (log: {log_path})", flush=True)
    with open(log_path, "ab") as log:
        server = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    pid_file.write_text(str(server.pid))
    if not _wait_until(lambda: mongo_answers(uri, 500), 30, give_up=lambda: server.poll() is not None):
        raise DevstackError(f"SecantusDB did not answer at {where} within 30 s. Log ({log_path}):\n{_tail(log_path)}")


def broker_answers(url: str) -> bool:
    """Whether RabbitMQ accepts a connection; raises if it answers but refuses these credentials or vhost."""
    parameters = pika.URLParameters(url)
    parameters.connection_attempts = 1
    parameters.socket_timeout = 1.5
    parameters.blocked_connection_timeout = 1.5
    parameters.stack_timeout = 3
    logging.getLogger("pika").setLevel(logging.CRITICAL)
    try:
        pika.BlockingConnection(parameters).close()
        return True
    except (pika.exceptions.ProbableAuthenticationError, pika.exceptions.ProbableAccessDeniedError) as error:
        raise DevstackError(f"RabbitMQ at {_redacted(url)} refuses the user or vhost ({error!r})") from error
    except (pika.exceptions.AMQPError, OSError):
        return False


def _rabbitmq_server() -> str | None:
    return shutil.which("rabbitmq-server", path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin"]))


def _apt_install(package: str, *options: str) -> None:
    print(f"rso-dev: installing {package} with apt-get", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", *options, package]):
        if subprocess.run(command, env=env, stdin=subprocess.DEVNULL).returncode != 0:
            raise DevstackError(f"`{' '.join(command)}` failed; install {package} yourself and retry")


def ensure_edge() -> None:
    """Debian's nginx and its headers-more module, for the edge (infra/edge)."""
    try:
        edge.ensure_nginx()
    except edge.EdgeError as error:
        raise DevstackError(str(error)) from error


def ensure_wrk() -> None:
    """Debian's `wrk`, the load generator of bench/gateway_overhead.py."""
    if shutil.which("wrk"):
        return
    if os.geteuid() != 0:
        raise DevstackError("wrk is not installed. Install it with:\n  sudo apt-get install -y wrk")
    _apt_install("wrk")


PROMETHEUS_COMMANDS = ("prometheus", "promtool")


def ensure_prometheus() -> None:
    """The Prometheus server (the e2e suite scrapes the running platform with it) and `promtool` (it checks
    infra/prometheus/alerts.yml), both from Debian's `prometheus` package."""
    if all(shutil.which(command) for command in PROMETHEUS_COMMANDS):
        return
    if os.geteuid() != 0:
        raise DevstackError("Prometheus is not installed. Install it with:\n  sudo apt-get install -y "
                            "--no-install-recommends prometheus")
    _apt_install("prometheus", "--no-install-recommends")


def ensure_broker(url: str) -> None:
    if broker_answers(url):
        return
    where, host = _redacted(url), pika.URLParameters(url).host
    if host not in LOCAL_HOSTS:
        raise DevstackError(f"RabbitMQ does not answer at {where} and {host} is not this machine: start it there")
    is_root = os.geteuid() == 0
    manual = "sudo apt-get install -y rabbitmq-server && sudo rabbitmq-server -detached"
    if _rabbitmq_server() is None:
        if not is_root:
            raise DevstackError(f"RabbitMQ is not installed. Install and start it with:\n  {manual}")
        _apt_install("rabbitmq-server")
        if _wait_until(lambda: broker_answers(url), 10):
            return
    print("rso-dev: starting RabbitMQ (rabbitmq-server -detached)", flush=True)
    started = subprocess.run([_rabbitmq_server() or "rabbitmq-server", "-detached"], stdin=subprocess.DEVNULL,
                             start_new_session=True)
    if started.returncode != 0 and not is_root:
        raise DevstackError("could not start RabbitMQ as this user; run:\n  sudo rabbitmq-server -detached")
    if not _wait_until(lambda: broker_answers(url), 60, interval=1):
        raise DevstackError(f"RabbitMQ did not accept connections at {where} within 60 s; see /var/log/rabbitmq/")


CHROMIUM = Path("/usr/bin/chromium")  # Debian's; the browser tests drive it (Playwright downloads no browser)


def ensure_browser() -> None:
    """Debian's Chromium for the browser tests (tests/browser), installed with apt-get when missing."""
    if CHROMIUM.exists():
        return
    if os.geteuid() != 0:
        raise DevstackError("the browser tests need Chromium: sudo apt-get install -y chromium")
    print("rso-dev: installing chromium with apt-get (the browser tests)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        if subprocess.run(command, env=env, stdin=subprocess.DEVNULL).returncode != 0:
            raise DevstackError(f"`{' '.join(command)}` failed; install Chromium yourself and retry")


# What WeasyPrint (the portal's PDF certificates) needs from Debian: Pango and HarfBuzz's subsetter, and Noto fonts
# with Thai and Myanmar, so holders' names in those scripts render.
PDF_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-noto-core")
PDF_LIBRARIES = ("pango-1.0", "pangoft2-1.0", "harfbuzz-subset")
NOTO_FONTS = Path("/usr/share/fonts/truetype/noto")


def _pdf_libraries_present() -> bool:
    return all(ctypes.util.find_library(name) for name in PDF_LIBRARIES) and all(
        (NOTO_FONTS / font).exists() for font in ("NotoSans-Regular.ttf", "NotoSansThai-Regular.ttf",
                                                  "NotoSansMyanmar-Regular.ttf"))


def ensure_pdf_libraries() -> None:
    """Pango, HarfBuzz and the Noto fonts for the portal's PDF certificates, installed with apt-get when missing."""
    if _pdf_libraries_present():
        return
    if os.geteuid() != 0:
        raise DevstackError(f"PDF certificates need: sudo apt-get install -y {' '.join(PDF_PACKAGES)}")
    print("rso-dev: installing Pango and Noto fonts with apt-get (PDF certificates)", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", *PDF_PACKAGES]):
        if subprocess.run(command, env=env, stdin=subprocess.DEVNULL).returncode != 0:
            raise DevstackError(f"`{' '.join(command)}` failed; install {' '.join(PDF_PACKAGES)} yourself and retry")


def _ports(environ) -> dict[str, int]:
    return {name: int(environ.get(f"{name.upper()}_PORT", default))
            for name, default in {"edge": EDGE_PORT, **SERVICES}.items()}


def process_environment(ports: dict[str, int], environ=os.environ) -> dict[str, str]:
    """The environment of every process: ports, and URLs that follow the edge's port unless set already."""
    env = dict(environ)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), env.get("PATH", "")])
    env.setdefault("PYTHONUNBUFFERED", "1")
    public = f"http://127.0.0.1:{ports['edge']}"  # the edge: tokens name it, the portal calls the APIs through it
    env.setdefault("OAUTH_ISSUER", public)
    env.setdefault("JWKS_URL", f"http://127.0.0.1:{ports['gateway']}/.well-known/jwks.json")
    env.setdefault("PUBLIC_URL", public)  # where people open the platform: the links in notifications
    env.setdefault("GATEWAY_URL", public)
    for name, port in ports.items():
        env[f"{name.upper()}_PORT"] = str(port)
        if name not in ("gateway", "edge"):
            env.setdefault(f"{name.upper()}_URL", f"http://127.0.0.1:{port}")
    return env


def demo_credentials() -> dict[str, str]:
    """The local platform admin's logins, the portal's client secret and the password every demo person shares
    (`infra/demo.py`), generated on the first run and kept in var/ (never in git), so a second run prints the
    same ones; no password is fixed in code. A file from an older run gets what it lacks added."""
    credentials = json.loads(DEMO_CREDENTIALS.read_text()) if DEMO_CREDENTIALS.exists() else {
        "admin_email": "admin@rso.example.org",
        "admin_password": secrets.token_urlsafe(12),
        "admin_client_id": "rso-admin-cli",
        "admin_client_secret": secrets.token_urlsafe(24),
    }
    missing = {key: secrets.token_urlsafe(size) for key, size in ((DEMO_PASSWORD_KEY, 12), (PORTAL_SECRET_KEY, 32))
               if key not in credentials}
    if missing:
        credentials.update(missing)
        DEMO_CREDENTIALS.parent.mkdir(parents=True, exist_ok=True)
        DEMO_CREDENTIALS.touch(mode=0o600)
        DEMO_CREDENTIALS.write_text(json.dumps(credentials, indent=2))
    return credentials


def bootstrap_gateway(env: dict[str, str], credentials: dict[str, str]) -> None:
    """The platform tenant, its first admin, an admin machine client and the portal's client (idempotent:
    `rso-gateway bootstrap`)."""
    result = subprocess.run(
        [str(VENV_BIN / "rso-gateway"), "bootstrap", "--email", credentials["admin_email"]], cwd=ROOT,
        env={**env, "RSO_ADMIN_PASSWORD": credentials["admin_password"],
             "RSO_ADMIN_CLIENT_SECRET": credentials["admin_client_secret"],
             "PORTAL_CLIENT_SECRET": env["PORTAL_CLIENT_SECRET"]},
        stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        raise DevstackError(f"gateway bootstrap failed:\n{result.stdout}{result.stderr}")


def database_scripts() -> list[str]:
    """The Procfile's service scripts that keep a database: every `rso-*` but the edge's (nginx keeps none)."""
    return list(dict.fromkeys(word for command in procfile_commands().values() for word in command.split()
                              if word.startswith("rso-") and word != "rso-edge"))


def ensure_indexes(env: dict[str, str]) -> None:
    """Every service's indexes, before any of its processes starts (`<script> ensure-indexes`): on SecantusDB an
    index first built while another process's transaction is open misses that transaction's documents
    (docs/adr/0065), so no index may be first built once the platform runs."""
    for script in database_scripts():
        result = subprocess.run([str(VENV_BIN / script), "ensure-indexes"], cwd=ROOT, env=env,
                                stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if result.returncode != 0:
            raise DevstackError(f"{script} ensure-indexes failed:\n{result.stdout}{result.stderr}")


def publish_tenants(env: dict[str, str]) -> None:
    """Every tenant's creation published again (`rso-gateway publish-tenants`), for services that missed it."""
    result = subprocess.run([str(VENV_BIN / "rso-gateway"), "publish-tenants"], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if result.returncode != 0:
        raise DevstackError(f"gateway publish-tenants failed:\n{result.stdout}{result.stderr}")


def _print_credentials(credentials: dict[str, str]) -> None:
    print(f"rso-dev: platform admin: sign in at the portal as {credentials['admin_email']} / "
          f"{credentials['admin_password']}; "
          f"machine client {credentials['admin_client_id']} / {credentials['admin_client_secret']} "
          f"(kept in {DEMO_CREDENTIALS.relative_to(ROOT)})", flush=True)


def _print_urls(ports: dict[str, int]) -> None:
    print(f"rso-dev: the portal, for people: http://127.0.0.1:{ports['edge']}/  (the edge serves it)")
    print(f"rso-dev: the API through the edge: http://127.0.0.1:{ports['edge']}/api")
    for name, port in ports.items():
        base = f"http://127.0.0.1:{port}"
        if name not in ("portal", "edge"):  # the portal's pages are at the edge's address
            print(f"  {name:<13} {base}  docs {base}/docs  openapi {base}/openapi.json")
    mail = NotificationSettings.from_env("notification")
    print(f"rso-dev: e-mail goes to the loopback SMTP server on {mail.smtp_host}:{mail.smtp_port} (process `mail`), "
          f"which keeps every message in the Maildir {(ROOT / mail.mail_store).resolve()}: read it with "
          "`.venv/bin/rso-dev mail [ADDRESS]`", flush=True)
    print("rso-dev: starting every process of infra/Procfile (one that exits is started again); Ctrl-C stops them all",
          flush=True)


def procfile_commands() -> dict[str, str]:
    """Process name -> command line, in the Procfile's order."""
    return dict(parse_procfile(PROCFILE.read_text()).processes)


def _run_procfile(env: dict[str, str]) -> int:
    """Run every Procfile process under the supervisor until SIGINT/SIGTERM, which stop them all."""
    supervisor = Supervisor(procfile_commands(), env=env, cwd=ROOT)
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: supervisor.stop())
    supervisor.run()
    print("rso-dev: every process stopped", flush=True)
    return 0


def run(mongodb_uri: str, amqp_url: str, *, load_demo: bool = True) -> int:
    """Every process until Ctrl-C; meanwhile, once they are live, the demo data is loaded (unless `load_demo`
    is false) and the gateway URL and the demo logins are printed. The demo loads in a thread that Ctrl-C
    stops, and a demo step that fails is a printed warning, never a reason for the platform to stop."""
    from infra import demo  # here, not at the top: infra.demo uses infra.platform, which imports this module

    ensure_mongo(mongodb_uri)
    ensure_broker(amqp_url)
    ensure_edge()
    ports = _ports(os.environ)
    env = process_environment(ports)
    credentials = demo_credentials()
    env.setdefault("PORTAL_CLIENT_SECRET", credentials[PORTAL_SECRET_KEY])
    credentials[PORTAL_SECRET_KEY] = env["PORTAL_CLIENT_SECRET"]  # the demo loader signs people in through it
    ensure_indexes(env)
    bootstrap_gateway(env, credentials)
    _print_urls(ports)
    _print_credentials(credentials)
    stop_demo = threading.Event()
    demo_thread = threading.Thread(target=demo.load_when_live, name="demo", daemon=True, kwargs={
        "gateway": f"http://127.0.0.1:{ports['edge']}", "credentials": credentials, "stop": stop_demo,
        "load": load_demo, "republish_tenants": lambda: publish_tenants(env)})
    demo_thread.start()
    try:
        return _run_procfile(env)
    finally:
        stop_demo.set()
        demo_thread.join(DEMO_STOP_SECONDS)


def person_token(email: str, password: str | None = None) -> str:
    """An access token of a person, obtained as a browser app would (for curl and scripts)."""
    from chassis.testing.oauth import sign_in
    from infra.platform import PORTAL, portal_redirect_uri

    gateway = f"http://127.0.0.1:{_ports(os.environ)['edge']}"
    credentials = demo_credentials()
    portal_secret = os.environ.get("PORTAL_CLIENT_SECRET") or credentials[PORTAL_SECRET_KEY]
    try:
        token = sign_in(gateway, PORTAL, email, password or credentials[DEMO_PASSWORD_KEY],
                        portal_redirect_uri(gateway), client_secret=portal_secret)
    except PermissionError as error:
        raise DevstackError(f"{email} could not sign in at {gateway}: {error}") from error
    return token["access_token"]


def service_index_checks(mongodb_uri: str, environ=os.environ) -> list[IndexCheck]:
    """Every service database's indexes compared with collection scans (chassis.index_check)."""
    client = pymongo.MongoClient(mongodb_uri)
    try:
        return [check_indexes(client[ServiceSettings.from_env(service, environ).mongodb_database])
                for service in DEFAULT_PORTS]
    finally:
        client.close()


def print_mail(address: str) -> None:
    """The loopback SMTP server's messages (to `address`, or to anyone): date, recipient, subject, then the text."""
    store = ROOT / NotificationSettings.from_env("notification").mail_store
    for message in messages_to(store, address):
        print(f"{message['Date']}  to {message['To']}  {message['Subject']}")
        print("    " + message.get_body(("plain",)).get_content().strip().replace("\n", "\n    "))


def check_service_indexes(mongodb_uri: str) -> bool:
    """Print each service database's index check; whether every index is consistent."""
    results = service_index_checks(mongodb_uri)
    for result in results:
        print(result.report())
    return all(result.consistent for result in results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rso-dev", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("ensure-mongo", help="start SecantusDB in var/ unless a MongoDB answers at MONGODB_URI")
    commands.add_parser("ensure-broker", help="start (or install) RabbitMQ unless one answers at AMQP_URL")
    commands.add_parser("ensure-edge", help="install Debian's nginx (the edge, infra/edge) unless present")
    commands.add_parser("ensure-wrk", help="install Debian's wrk (bench/gateway_overhead.py) unless present")
    commands.add_parser("ensure-prometheus", help="install the Prometheus server and promtool (Debian's prometheus "
                                                  "package) unless present")
    commands.add_parser("ensure-browser", help="install Debian's chromium for the browser tests when missing")
    commands.add_parser("ensure-pdf", help="install Pango and Noto fonts (PDF certificates) when missing")
    run_command = commands.add_parser("run", help="ensure-mongo, ensure-broker, then run every process until "
                                                  "Ctrl-C, loading the demo data once they are live")
    run_command.add_argument("--no-demo", action="store_true", help="do not load the demo data (docs/demo.md)")
    token_command = commands.add_parser("token", help="sign a demo person in through the portal (authorization "
                                                      "code + PKCE) and print their access token")
    token_command.add_argument("email")
    token_command.add_argument("--password", help="default: the demo password of var/demo-credentials.json")
    commands.add_parser("check-indexes", help="compare every index of every service's database with a collection "
                                              "scan; list the differences (exit 1)")
    commands.add_parser("asyncapi", help="write docs/asyncapi.yaml, the event bus as AsyncAPI 3.0, from the "
                                         "services' event contracts and subscriptions")
    mail_command = commands.add_parser("mail", help="list the e-mail the loopback SMTP server received (var/mail)")
    mail_command.add_argument("address", nargs="?", default="", help="only the messages to this address")
    args = parser.parse_args(argv)
    mongodb_uri = os.environ.get("MONGODB_URI", DEFAULT_MONGODB_URI)
    amqp_url = os.environ.get("AMQP_URL", DEFAULT_AMQP_URL)
    try:
        if args.command == "ensure-mongo":
            ensure_mongo(mongodb_uri)
        elif args.command == "ensure-broker":
            ensure_broker(amqp_url)
        elif args.command == "ensure-edge":
            ensure_edge()
        elif args.command == "ensure-wrk":
            ensure_wrk()
        elif args.command == "ensure-prometheus":
            ensure_prometheus()
        elif args.command == "ensure-browser":
            ensure_browser()
        elif args.command == "ensure-pdf":
            ensure_pdf_libraries()
        elif args.command == "token":
            print(person_token(args.email, args.password))
        elif args.command == "check-indexes":
            return 0 if check_service_indexes(mongodb_uri) else 1
        elif args.command == "mail":
            print_mail(args.address)
        elif args.command == "asyncapi":
            from infra.asyncapi import write  # imports every service

            print(write())
        else:
            return run(mongodb_uri, amqp_url, load_demo=not args.no_demo)
    except DevstackError as error:
        print(f"rso-dev: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
