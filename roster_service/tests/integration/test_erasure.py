"""Withdrawing consent tells the other services to forget the expert, and leaves no personal data in the outbox."""

import datetime as dt
import json

import pytest

from chassis.messaging.outbox import OutboxMessage
from chassis.testing.events import emitted

pytestmark = pytest.mark.integration


def test_withdrawing_consent_publishes_an_erasure_with_ids_only_and_blanks_the_expert_in_the_outbox(roster, client):
    expert = roster.ready_expert("IDN", full_name="Siti Rahmawati")
    request_id = roster.request_under_review("THA")["request_id"]
    assert roster.offer(request_id, expert["expert_id"]).status_code == 201
    OutboxMessage.objects(routing_key="roster.expert.registered").update(set__published_at=dt.datetime.now(dt.UTC))
    outbox_text = json.dumps([message.envelope for message in OutboxMessage.objects])
    assert "Siti Rahmawati" in outbox_text and expert["email"] in outbox_text  # sent and unsent events carry them

    response = client.post(f"/experts/{expert['expert_id']}/consent-withdrawal", json={},
                           headers=roster.person(expert["user_id"]))
    assert response.status_code == 200, response.get_json()

    [erased] = emitted("roster.expert.erased")
    assert erased["data"] == {"expert_id": expert["expert_id"], "user_id": expert["user_id"]}
    outbox_text = json.dumps([message.envelope for message in OutboxMessage.objects])
    assert "Siti Rahmawati" not in outbox_text and expert["email"] not in outbox_text
    [registered] = emitted("roster.expert.registered")
    assert registered["data"]["expert_id"] == expert["expert_id"] and registered["data"]["full_name"] is None
    [offered] = emitted("roster.deployment.offered")
    assert offered["data"]["expert"]["expert_id"] == expert["expert_id"]
    assert offered["data"]["expert"]["email"] is None
