"""The platform as its users meet it: every process running, real tokens, everything through the gateway."""

from __future__ import annotations

import datetime as dt
import time
from types import SimpleNamespace

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from chassis.testing.events import wait_until
from infra.platform import Api, Directory, wait_until_services_know

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def directory(platform):
    return Directory(platform)


@pytest.fixture(scope="module")
def roster_office(directory) -> Api:
    directory.person("RSO", "roster.office@rso.example.org", "roster_manager")
    return directory.signed_in("roster.office@rso.example.org")


def nominate_active_expert(nominator: Api, office: Api, email: str) -> str:
    """An expert nominated by `nominator`'s tenant, vetted and activated by the RSO's roster office."""
    expert = nominator.post("/api/roster/experts", json={
        "full_name": "Aung Min", "email": email, "nationality": "MMR", "consent_given_on": dt.date.today().isoformat(),
        "languages": [{"code": "my", "level": "native"}, {"code": "ms", "level": "professional"}],
        "functions": [{"code": "interpretation_translation", "experience_level": "senior", "years": 9}]}).json()
    for step in ("vetted", "active"):
        office.post(f"/api/roster/experts/{expert['expert_id']}/transitions", json={"to": step})
    return expert["expert_id"]


def searchable_expert_ids(searcher: Api) -> set[str]:
    found = searcher.get("/api/roster/search", params={
        "function": "interpretation_translation", "language": "my:professional", "min_readiness": "vetted",
        "page_size": 100}).json()
    return {result["expert_id"] for result in found}


def test_a_suspended_tenant_is_stopped_at_the_gateway_and_its_experts_leave_search(directory, roster_office):
    for code in ("MYS", "THA"):
        directory.tenant(code)
    directory.person("MYS", "officer@imi.gov.my", "requesting_officer")
    directory.person("MYS", "roster@imi.gov.my", "roster_manager")
    directory.person("THA", "officer@police.go.th", "requesting_officer")
    mys = SimpleNamespace(officer=directory.signed_in("officer@imi.gov.my"),
                          system=directory.machine("MYS", "mys-case-system", "requesting_officer"))
    expert_id = nominate_active_expert(directory.signed_in("roster@imi.gov.my"), roster_office, "aung@imi.gov.my")
    searcher = directory.signed_in("officer@police.go.th")
    assert expert_id in searchable_expert_ids(searcher)
    for api in (mys.officer, mys.system):
        assert api.call("GET", "/api/roster/functions").status_code == 200

    directory.admin.post("/admin/tenants/MYS/suspend", json={"reason": "membership under review"})
    time.sleep(1.0)

    for api in (mys.officer, mys.system):
        assert api.call("GET", "/api/roster/functions").status_code == 401
    with pytest.raises(PermissionError):
        directory.signed_in("officer@imi.gov.my")
    wait_until(lambda: expert_id not in searchable_expert_ids(searcher), timeout=60, interval=0.5,
               message="the roster hid the suspended tenant's experts (identity.tenant.suspended)")


def scrape(url: str) -> dict[tuple[str, frozenset], float]:
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, url
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def total(samples, name: str, **labels) -> float:
    return sum(value for (sample, sample_labels), value in samples.items()
               if sample == name and set(labels.items()) <= sample_labels)


def test_every_process_serves_its_metrics_on_its_own_port_and_none_is_public(platform, directory):
    """docs/operations.md: a tenant's creation goes gateway -> outbox -> relay -> every service's worker; each
    process's metrics port shows its part, and the public port shows no metrics of any process."""
    directory.tenant("SGP")
    wait_until_services_know(directory.admin, ["SGP"])
    services = {"gateway": "gateway", "roster": "roster", "training": "training", "joint-action": "joint_action",
                "portal": "portal", "notification": "notification"}
    for process, port in platform.metrics_ports.items():
        if process in ("mail", "edge"):
            continue  # the loopback SMTP server of local runs; the edge is nginx (docs/adr/0090)
        service = services[process.rsplit("-", 1)[0]] if process != "training-certificates" else "training"
        samples = scrape(f"http://127.0.0.1:{port}/metrics")
        kind = process.rsplit("-", 1)[1]
        if kind == "web" and service not in ("portal", "notification"):  # the flow reaches the others' APIs
            assert total(samples, "rso_http_requests_total", service=service) > 0, process
        elif kind == "relay":
            assert ("rso_outbox_pending_events", frozenset({("service", service)})) in samples, process
        elif kind == "worker":
            wait_until(lambda port=port, service=service: total(
                scrape(f"http://127.0.0.1:{port}/metrics"), "rso_events_consumed_total", service=service,
                outcome="applied") > 0, message=f"{process} counting the events it applied")
    for path in ("/metrics", "/api/roster/metrics", "/api/training/metrics", "/api/joint-action/metrics"):
        assert requests.get(platform.gateway + path, timeout=10).status_code == 404, path
