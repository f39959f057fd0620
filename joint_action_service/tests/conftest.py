"""Fixtures for the joint-action tests: the app on its own database, callers of given tenants and roles, and a
JPA of three states (THA coordinating and leading, IDN and MYS participating) to work cases in."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from chassis.testing.tenants import tenants_exist
from joint_action_service import SERVICE, create_app

TODAY = dt.datetime.now(dt.UTC).date()


# The tenants the tests' callers belong to, known to the service as the gateway's events would make them.
TENANTS = ("THA", "IDN", "MYS", "PHL", "AUS", "NZL")


@pytest.fixture
def app(make_app):
    app = make_app(create_app, SERVICE)
    tenants_exist(*TENANTS)
    return app


@dataclasses.dataclass
class Caller:
    """Someone calling the service with a token of one tenant and some roles."""

    client: object
    tenant: str
    headers: dict

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.client.post(path, json=json, headers=self.headers, **kwargs)

    def patch(self, path: str, json=None, **kwargs):
        return self.client.patch(path, json=json, headers=self.headers, **kwargs)

    def put(self, path: str, json=None, **kwargs):
        return self.client.put(path, json=json, headers=self.headers, **kwargs)

    def delete(self, path: str, **kwargs):
        return self.client.delete(path, headers=self.headers, **kwargs)

    def created(self, path: str, json: dict) -> dict:
        """POST that must succeed; returns the body."""
        response = self.post(path, json)
        assert response.status_code in (200, 201), response.get_json()
        return response.get_json()


@pytest.fixture
def caller(client, auth_headers):
    def make(tenant: str, *roles: str, sub: str | None = None) -> Caller:
        roles = roles or ("case_officer", "jpa_coordinator")
        sub = sub or f"{tenant.lower()}-{'-'.join(roles)}"
        return Caller(client, tenant, auth_headers(tenant=tenant, roles=list(roles), sub=sub))

    return make


def jpa_body(**overrides) -> dict:
    return {"name": "Operation Andaman Sea", "focus": ["trafficking_in_persons", "people_smuggling"],
            "start_date": TODAY.isoformat(), "end_date": (TODAY + dt.timedelta(days=90)).isoformat(),
            "participating_tenants": ["IDN", "MYS"], "objectives": ["Disrupt the Andaman Sea route"],
            **overrides}


def case_body(jpa_id: str | None, **overrides) -> dict:
    return {"jpa_id": jpa_id, "case_type": "trafficking_in_persons", "title": "Boat arrivals at Satun",
            "summary": "Recruiters in Cox's Bazar, transport via Satun", **overrides}


@dataclasses.dataclass
class World:
    """A JPA of THA (coordinating, leading the case), IDN (reads the case) and MYS (contributes)."""

    tha: Caller
    idn: Caller
    mys: Caller
    outsider: Caller
    jpa_id: str
    case_id: str

    def case_path(self, suffix: str = "") -> str:
        return f"/cases/{self.case_id}{suffix}"


@pytest.fixture
def world(caller) -> World:
    tha, idn, mys, outsider = caller("THA"), caller("IDN"), caller("MYS"), caller("PHL")
    jpa = tha.created("/jpas", jpa_body())
    tha.created(f"/jpas/{jpa['id']}/transitions", {"to": "active"})
    case = tha.created("/cases", case_body(jpa["id"], shares=[{"tenant": "IDN", "permission": "read"},
                                                             {"tenant": "MYS", "permission": "contribute"}]))
    return World(tha, idn, mys, outsider, jpa["id"], case["id"])


def item_body(title: str = "Boat sighted off Satun", **overrides) -> dict:
    return {"title": title, "content": f"{title}: details", "source_reliability": "B",
            "information_credibility": "2", **overrides}
