"""Fields a caller may send but must not set (issue #11, item 4 and its class): identity links, ownership,
status, vetting and verification state, links to other services' records."""

import pytest

from roster_service.experts.schemas import ExpertPatch
from roster_service.tests.conftest import day

pytestmark = pytest.mark.integration

# Names of what the roster sets itself (or the office through a step of its own): never in a request body.
SERVER_OWNED = {
    "tenant", "nominating_tenant", "requesting_tenant", "status", "history", "user_id", "vetted_at",
    "functions_awaiting_vetting", "verified_at", "verified_by", "case_id", "expert_request_id", "created_by",
    "recorded_by", "recorded_at", "submitted_at", "anonymised_at", "bookings", "qualifies_for", "source",
}
# The exceptions, each with who alone may send it.
ALLOWED_EXCEPTIONS = {
    ("ExpertPatch", "user_id"): "the roster office only (PROFILE_FIELD_WRITERS)",
    ("ExpertIn", "user_id"): "the nominating tenant, once, when it nominates its own person",
}


def test_an_expert_cannot_repoint_the_identity_link_of_their_profile(roster, client):
    expert = roster.register("IDN")
    expert_id = expert["expert_id"]
    me = roster.person(expert["user_id"])
    refused = client.patch(f"/experts/{expert_id}", json={"user_id": "someone-else"}, headers=me)
    assert refused.status_code == 403
    assert refused.mimetype == "application/problem+json" and refused.get_json()["fields"] == ["user_id"]
    refused = client.patch(f"/experts/{expert_id}", json={"user_id": "someone-else"}, headers=roster.nominator("IDN"))
    assert refused.status_code == 403
    assert client.get(f"/experts/{expert_id}", headers=roster.office()).get_json()["user_id"] == expert["user_id"]
    assert client.get(f"/experts/{expert_id}", headers=roster.person("someone-else")).status_code == 404

    roster.step_expert(expert_id, "vetted", roster.office())
    roster.step_expert(expert_id, "active", roster.nominator("IDN"))
    roster.certify(expert, "border_management")
    request_id = roster.request_under_review("THA")["request_id"]
    deployment_id = roster.offer(request_id, expert_id).get_json()["deployment_id"]

    relinked = client.patch(f"/experts/{expert_id}", json={"user_id": "the-right-account"}, headers=roster.office())
    assert relinked.status_code == 200 and relinked.get_json()["user_id"] == "the-right-account"
    # the account no longer linked answers no offer of the profile; the linked one does
    assert roster.step_deployment(deployment_id, "accepted", me).status_code == 403
    assert roster.step_deployment(deployment_id, "accepted", roster.person("the-right-account")).status_code == 200
    [edit] = client.get(f"/experts/{expert_id}/edits", headers=roster.nominator("IDN")).get_json()
    assert (edit["actor"], edit["changes"]) == ("rso-officer", [
        {"field": "user_id", "old": expert["user_id"], "new": "the-right-account"}])


def test_an_expert_cannot_change_the_email_they_are_recognised_by_nor_their_nationality(roster, client):
    expert = roster.register("IDN")
    expert_id = expert["expert_id"]
    me = roster.person(expert["user_id"])
    refused = client.patch(f"/experts/{expert_id}", json={"email": "colleague@example.org", "nationality": "THA",
                                                          "phone": "+62 21 555 0199"}, headers=me)
    assert refused.status_code == 403 and refused.get_json()["fields"] == ["email", "nationality"]
    unchanged = client.get(f"/experts/{expert_id}", headers=me).get_json()
    assert (unchanged["email"], unchanged["nationality"], unchanged["phone"]) == \
        (expert["email"], "IDN", expert["phone"])
    changed = client.patch(f"/experts/{expert_id}", json={"email": "New.Address@example.org", "nationality": "MYS"},
                           headers=roster.nominator("IDN"))
    assert changed.status_code == 200
    assert (changed.get_json()["email"], changed.get_json()["nationality"]) == ("new.address@example.org", "MYS")


def test_status_vetting_verification_and_ownership_cannot_be_sent(roster, client):
    expert = roster.register("IDN")
    expert_id = expert["expert_id"]
    nominator = roster.nominator("IDN")
    for body in ({"status": "active"}, {"tenant": "THA"}, {"vetted_at": "2026-01-01T00:00:00Z"},
                 {"functions_awaiting_vetting": []}):
        response = client.patch(f"/experts/{expert_id}", json=body, headers=nominator)
        assert response.status_code == 422, body
    certificate = {"title": "Interpreting", "issuer": "X", "evidence_reference": "doc-1", "issued_on": day(-10),
                   "expires_on": day(100), "verified_at": "2026-01-01T00:00:00Z", "status": "valid"}
    refused = client.post(f"/experts/{expert_id}/certifications", json=certificate, headers=nominator)
    assert refused.status_code == 422
    assert {error["field"] for error in refused.get_json()["errors"]} == {"verified_at", "status"}
    assert client.get(f"/experts/{expert_id}", headers=nominator).get_json()["certifications"] == []


def test_a_request_cannot_be_linked_by_hand_to_a_joint_action_case(roster, client):
    """The case link makes joint action show the deployments on that case: only the case's own expert request
    (an event) sets it, so a requesting state cannot put deployments on another state's case."""
    payload = roster.request_payload(case_id="665f1c0ffee0000000000001")
    refused = client.post("/requests", json=payload, headers=roster.requester("THA"))
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "case_id"
    request_id = roster.request("THA")["request_id"]
    refused = client.patch(f"/requests/{request_id}", json={"case_id": "665f1c0ffee0000000000001"},
                           headers=roster.requester("THA"))
    assert refused.status_code == 422
    assert client.get(f"/requests/{request_id}", headers=roster.requester("THA")).get_json()["case_id"] is None


def test_every_field_a_profile_edit_accepts_names_who_may_write_it():
    from roster_service.experts.service import PROFILE_FIELD_WRITERS

    assert set(ExpertPatch().fields) == set(PROFILE_FIELD_WRITERS)


def test_no_request_body_of_the_roster_carries_a_field_the_roster_owns(client):
    """Every request body of the roster's API, from its OpenAPI document: a new field named like state the
    roster keeps itself fails here until it is given a writer."""
    document = client.get("/openapi.json").get_json()
    schemas = document["components"]["schemas"]

    def fields_of(schema: dict, seen: tuple = ()) -> set[tuple[str, str]]:
        name = schema["$ref"].rsplit("/", 1)[1] if "$ref" in schema else None
        if name in seen:
            return set()
        body = schemas[name] if name else schema
        found = set()
        for field, definition in body.get("properties", {}).items():
            found.add((name or "inline", field))
            for nested in (definition, definition.get("items", {})):
                if "$ref" in nested or "properties" in nested:
                    found |= fields_of(nested, (*seen, name))
        return found

    sent = set()
    for operations in document["paths"].values():
        for operation in (operation for operation in operations.values() if isinstance(operation, dict)):
            for content in operation.get("requestBody", {}).get("content", {}).values():
                sent |= fields_of(content["schema"])
    assert ("ExpertPatch", "phone") in sent  # the walk reached the bodies
    owned = {(schema, field) for schema, field in sent if field in SERVER_OWNED}
    assert owned == set(ALLOWED_EXCEPTIONS)


def test_another_tenant_nominating_someone_with_a_certified_persons_email_gets_none_of_their_certificates(
        roster, client):
    """E-mail is an identity link trusted only within the person's own tenant, for certificates as for access."""
    person = {"user_id": None, "email": "certified@example.org", "full_name": "Certified Person",
              "nominating_tenant": "IDN"}
    roster.certify(person, "border_management", certificate_id="CERT-IDN-PERSON")
    impostor = roster.register("THA", user_id=None, email="certified@example.org")
    assert impostor["certifications"] == []
    roster.certify(person, "border_management", certificate_id="CERT-IDN-PERSON", event="expired")
    assert client.get(f"/experts/{impostor['expert_id']}", headers=roster.nominator("THA")).get_json()[
        "certifications"] == []
    own = roster.register("IDN", user_id=None, email="certified@example.org")
    assert [item["certificate_id"] for item in own["certifications"]] == ["CERT-IDN-PERSON"]
