"""A documented required body cannot be left out: consent withdrawal, which anonymises for good, least of all."""

import pytest

pytestmark = pytest.mark.integration


def test_consent_withdrawal_without_a_body_is_refused_and_changes_nothing(roster, client):
    expert = roster.ready_expert("IDN")
    refused = client.post(f"/experts/{expert['expert_id']}/consent-withdrawal",
                          headers=roster.person(expert["user_id"]))
    assert refused.status_code == 422, refused.get_json()
    assert refused.mimetype == "application/problem+json"
    profile = client.get(f"/experts/{expert['expert_id']}", headers=roster.nominator("IDN")).get_json()
    assert profile["status"] != "anonymised" and profile["full_name"] == expert["full_name"]
