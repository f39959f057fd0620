import datetime as dt
import uuid

import pytest

from chassis.testing.events import deliver, envelope
from chassis.testing.tenants import tenants_exist
from roster_service import SERVICE, create_app
from roster_service.functions.service import forget_cached_catalogue
from roster_service.subscriptions import subscriptions

TODAY = dt.date.today()
# The tenants the tests' callers belong to, known to the service as the gateway's events would make them.
TENANTS = ("THA", "IDN", "MYS", "PHL", "AUS")


def day(offset: int) -> str:
    return (TODAY + dt.timedelta(days=offset)).isoformat()


@pytest.fixture
def app(make_app):
    forget_cached_catalogue()  # every test has a database of its own
    app = make_app(create_app, SERVICE)
    tenants_exist(*TENANTS)
    return app


class Roster:
    """Drives the roster through its API as the people who use it."""

    def __init__(self, client, auth_headers):
        self.client = client
        self.auth_headers = auth_headers

    # who is calling
    def office(self, roles=("roster_manager",)):
        return self.auth_headers(tenant="RSO", roles=list(roles), sub="rso-officer")

    def nominator(self, tenant="IDN"):
        return self.auth_headers(tenant=tenant, roles=["roster_manager"], sub=f"{tenant.lower()}-focal-point")

    def requester(self, tenant="THA"):
        return self.auth_headers(tenant=tenant, roles=["requesting_officer"], sub=f"{tenant.lower()}-officer")

    def person(self, user_id, tenant="IDN", email=None):
        return self.auth_headers(tenant=tenant, roles=["expert"], sub=user_id, email=email)

    # experts
    def expert_payload(self, **overrides):
        payload = {
            "full_name": "Siti Rahma", "email": f"expert-{uuid.uuid4().hex[:8]}@example.org",
            "phone": "+62 21 555 0100", "user_id": f"user-{uuid.uuid4().hex[:8]}", "nationality": "IDN",
            "languages": [{"code": "en", "level": "professional"}, {"code": "id", "level": "native"}],
            "functions": [{"code": "border_management", "experience_level": "senior", "years": 8}],
            "clearance_level": "restricted", "consent_given_on": day(-30),
        }
        payload.update(overrides)
        return payload

    def register(self, tenant="IDN", **overrides):
        response = self.client.post("/experts", json=self.expert_payload(**overrides),
                                    headers=self.nominator(tenant))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def step_expert(self, expert_id, to, headers, comment=None):
        return self.client.post(f"/experts/{expert_id}/transitions", json={"to": to, "comment": comment},
                                headers=headers)

    def ready_expert(self, tenant="IDN", function="border_management", **overrides):
        """A vetted, active expert holding a training certificate for `function`."""
        expert = self.register(tenant, functions=[{"code": function, "experience_level": "senior", "years": 8}],
                               **overrides)
        assert self.step_expert(expert["expert_id"], "vetted", self.office()).status_code == 200
        assert self.step_expert(expert["expert_id"], "active", self.nominator(tenant)).status_code == 200
        self.certify(expert, function)
        return self.client.get(f"/experts/{expert['expert_id']}", headers=self.office()).get_json()

    def certify(self, expert, function, event="issued", certificate_id=None, expires_on=None, issued_on=None):
        certificate_id = certificate_id or f"CERT-{uuid.uuid4().hex[:8]}"
        deliver(subscriptions, envelope(f"training.certificate.{event}", {
            "certificate_id": certificate_id, "verification_code": "V-1", "course_id": f"course-{function}",
            "course_title": f"Course on {function}", "function": function, "issued_on": issued_on or day(-10),
            "expires_on": expires_on or day(365), "status": event, "reason": None,
            "holder": {"user_id": expert["user_id"], "email": expert["email"], "name": expert["full_name"],
                       "tenant": expert["nominating_tenant"], "expert_id": None},
        }, tenant="RSO", source="training"))
        return certificate_id

    # requests and deployments
    def request_payload(self, **overrides):
        payload = {"function": "border_management", "languages": [{"code": "en", "min_level": "professional"}],
                   "country": "THA", "location": "Bangkok", "start_date": day(30), "end_date": day(60),
                   "number_of_experts": 1, "justification": "Screening of new arrivals at the border"}
        payload.update(overrides)
        return payload

    def request(self, tenant="THA", **overrides):
        response = self.client.post("/requests", json=self.request_payload(**overrides),
                                    headers=self.requester(tenant))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def step_request(self, request_id, to, headers, comment=None):
        return self.client.post(f"/requests/{request_id}/transitions", json={"to": to, "comment": comment},
                                headers=headers)

    def request_under_review(self, tenant="THA", **overrides):
        request = self.request(tenant, **overrides)
        assert self.step_request(request["request_id"], "submitted", self.requester(tenant)).status_code == 200
        assert self.step_request(request["request_id"], "under_review", self.office()).status_code == 200
        return request

    def offer(self, request_id, expert_id):
        return self.client.post(f"/requests/{request_id}/offers", json={"expert_id": expert_id},
                                headers=self.office())

    def step_deployment(self, deployment_id, to, headers, **body):
        return self.client.post(f"/deployments/{deployment_id}/transitions", json={"to": to, **body},
                                headers=headers)


@pytest.fixture
def roster(client, auth_headers):
    return Roster(client, auth_headers)
