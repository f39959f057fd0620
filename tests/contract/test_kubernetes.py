"""infra/k8s (docs/operations.md, docs/adr/0076): the manifests are valid Kubernetes objects, and every process of
infra/Procfile runs as a Deployment with probes, resources and a disruption budget, reachable only as the network
policies allow."""

from __future__ import annotations

import shutil
from pathlib import Path

import kubernetes_validate
import pytest

from infra import devstack
from tests.contract import kustomize
from tests.contract.test_infra import procfile

K8S = Path(__file__).resolve().parents[2] / "infra" / "k8s"
KUBERNETES_VERSION = "1.30.0"  # the oldest release the manifests are written for
PUBLIC_PROCESS = "edge"  # nginx in front of everything (docs/adr/0090)
LOCAL_ONLY = {"mail"}  # the loopback SMTP server of local runs; a cluster sends through the organisation's relay


def cluster_processes() -> dict[str, list[str]]:
    return {name: command for name, command in procfile().items() if name not in LOCAL_ONLY}


@pytest.fixture(scope="module", params=["base", "overlays/production"])
def manifests(request) -> list[dict]:
    return kustomize.render(K8S / request.param)


def of_kind(manifests, kind: str) -> dict[str, dict]:
    return {manifest["metadata"]["name"]: manifest for manifest in manifests if manifest["kind"] == kind}


def pod_labels(deployment: dict) -> dict[str, str]:
    return deployment["spec"]["template"]["metadata"]["labels"]


def selects(selector: dict, labels: dict[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels and `In` expressions) against a pod's labels."""
    expressions_hold = all(labels.get(expression["key"]) in expression["values"]
                           for expression in selector.get("matchExpressions", []) if expression["operator"] == "In")
    return expressions_hold and all(labels.get(key) == value for key, value in selector.get("matchLabels", {}).items())


def test_every_manifest_validates_against_the_kubernetes_schemas(manifests):
    for manifest in manifests:
        kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)


def test_every_procfile_process_is_a_deployment_running_its_command_with_probes_and_resources(manifests):
    deployments = of_kind(manifests, "Deployment")
    assert set(deployments) == set(cluster_processes())
    for name, command in cluster_processes().items():
        [container] = deployments[name]["spec"]["template"]["spec"]["containers"]
        assert container["command"] == command, name
        assert {"readinessProbe", "livenessProbe"} <= set(container), name
        assert {"requests", "limits"} <= set(container["resources"]), name
        if command[1] == "web":
            assert container["readinessProbe"]["httpGet"]["path"] == "/health/ready", name
            assert container["livenessProbe"]["httpGet"]["path"] == "/health/live", name


def test_web_processes_scale_and_every_process_has_a_disruption_budget(manifests):
    deployments = of_kind(manifests, "Deployment")
    autoscalers = of_kind(manifests, "HorizontalPodAutoscaler").values()
    autoscaled = {autoscaler["spec"]["scaleTargetRef"]["name"] for autoscaler in autoscalers}
    assert autoscaled == {name for name, command in cluster_processes().items() if command[1] == "web"}
    budgets = of_kind(manifests, "PodDisruptionBudget").values()
    for name, deployment in deployments.items():
        assert any(selects(budget["spec"]["selector"], pod_labels(deployment)) for budget in budgets), name


def ingress_rules_for(manifests, labels: dict[str, str]) -> list[dict]:
    policies = [policy for policy in of_kind(manifests, "NetworkPolicy").values()
                if "Ingress" in policy["spec"]["policyTypes"] and selects(policy["spec"]["podSelector"], labels)]
    assert policies, f"no NetworkPolicy covers {labels}"
    return [rule for policy in policies for rule in policy["spec"].get("ingress", [])]


def test_network_policies_cover_every_process_and_only_the_edge_reaches_the_web_processes(manifests):
    deployments = of_kind(manifests, "Deployment")
    edge_labels = pod_labels(deployments[PUBLIC_PROCESS])
    for name, deployment in deployments.items():
        http_rules = [rule for rule in ingress_rules_for(manifests, pod_labels(deployment))
                      if any(port["port"] == "http" for port in rule["ports"])]
        if name == PUBLIC_PROCESS:
            assert http_rules and all("from" not in rule for rule in http_rules)  # the public entry
        elif cluster_processes()[name][1] == "web":
            sources = [peer for rule in http_rules for peer in rule.get("from", [None])]
            assert sources and all(peer and selects(peer["podSelector"], edge_labels) for peer in sources), name
        else:
            assert http_rules == [], name
        # nothing but the metrics port is open to other namespaces (Prometheus)
        other_rules = [rule for rule in ingress_rules_for(manifests, pod_labels(deployment)) if rule not in http_rules]
        assert all(port["port"] == "metrics" for rule in other_rules for port in rule["ports"]), name


def test_credentials_come_from_secrets_and_the_bootstrap_runs_as_a_job(manifests):
    for deployment in of_kind(manifests, "Deployment").values():
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert {"secretRef": {"name": "rso-credentials"}} in container["envFrom"]
        assert not any("MONGODB_URI" in str(variable) or "AMQP_URL" in str(variable)
                       for variable in container.get("env", []))
    [job] = of_kind(manifests, "Job").values()
    assert "bootstrap" in job["spec"]["template"]["spec"]["containers"][0]["command"][-1]


def test_the_migration_job_builds_every_services_indexes_before_the_bootstrap(manifests):
    """Every service script of the Procfile runs `ensure-indexes` (docs/adr/0065) in an init container, so it is
    done before the bootstrap, and the Job fails (and is retried) if any of them fails."""
    [job] = of_kind(manifests, "Job").values()
    [init] = job["spec"]["template"]["spec"]["initContainers"]
    script = init["command"][-1]
    assert script.startswith("set -e;") and '"$script" ensure-indexes' in script
    listed = script.partition(" in ")[2].partition(";")[0].split()
    assert listed == devstack.database_scripts()
    assert {"secretRef": {"name": "rso-credentials"}} in init["envFrom"]


def test_production_takes_credentials_from_the_cluster_not_from_git():
    assert of_kind(kustomize.render(K8S / "overlays" / "production"), "Secret") == {}
    assert set(of_kind(kustomize.render(K8S / "base"), "Secret")) == {"rso-credentials", "rso-bootstrap", "rso-portal"}


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl renders nothing to compare with here")
@pytest.mark.parametrize("overlay", ["base", "overlays/production"])
def test_the_python_build_renders_what_kubectl_kustomize_renders(overlay):
    def key(manifest):
        return manifest["kind"], manifest["metadata"]["name"]

    assert sorted(kustomize.build(K8S / overlay), key=key) == sorted(kustomize.render(K8S / overlay), key=key)


def test_production_declares_quorum_queues_on_its_rabbitmq_cluster():
    production = of_kind(kustomize.render(K8S / "overlays" / "production"), "ConfigMap")["rso-config"]["data"]
    assert production["CONSUMER_QUORUM_QUEUES"] == "true"
