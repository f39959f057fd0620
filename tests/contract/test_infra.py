"""The local runner (infra/Procfile), the containers (infra/docker-compose.yml) and CI run the same processes."""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

import yaml

import gateway.commands
import joint_action_service.commands
import notification_service.commands
import training_service.commands
from infra import edge

ROOT = Path(__file__).resolve().parents[2]
INFRASTRUCTURE = {"mongo", "rabbitmq"}
SUBCOMMANDS = {"web", "worker", "relay"}


def procfile() -> dict[str, list[str]]:
    """Process name -> [console script, subcommand], leaving out the `env VAR=value` prefix."""
    processes = {}
    for line in (ROOT / "infra" / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = [word for word in shlex.split(command) if word != "env" and "=" not in word]
    return processes


def compose_services() -> dict[str, dict]:
    return yaml.safe_load((ROOT / "infra" / "docker-compose.yml").read_text())["services"]


def test_compose_defines_the_procfile_processes_and_the_infrastructure():
    assert set(compose_services()) == set(procfile()) | INFRASTRUCTURE


def test_every_process_container_has_a_healthcheck_or_waits_for_healthy_infrastructure():
    services = compose_services()
    for name in procfile():
        conditions = {dependency.get("condition") for dependency in services[name].get("depends_on", {}).values()}
        assert "healthcheck" in services[name] or conditions == {"service_healthy"}, name


def test_compose_runs_the_same_command_as_the_procfile():
    services = compose_services()
    for name, command in procfile().items():
        compose_command = services[name]["command"]
        if isinstance(compose_command, str):
            compose_command = shlex.split(compose_command)
        assert compose_command == command, name


def test_procfile_commands_are_declared_console_scripts_with_a_known_subcommand():
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    service_commands = {"rso-gateway": gateway.commands.COMMANDS, "rso-training": training_service.commands.COMMANDS,
                        "rso-joint-action": joint_action_service.commands.COMMANDS,
                        "rso-notification": notification_service.commands.COMMANDS, "rso-edge": edge.COMMANDS}
    for name, command in procfile().items():
        assert command[0] in scripts, name
        assert command[1] in SUBCOMMANDS | set(service_commands.get(command[0], ())), name


def test_ci_runs_infra_test_and_nothing_else():
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert lines == ['exec bash "$(dirname "$0")/../infra/test"']
