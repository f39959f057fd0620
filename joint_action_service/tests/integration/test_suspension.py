"""A tenant the gateway suspends (`identity.tenant.suspended`) sees and changes nothing until reactivated."""

import time

import pytest

from chassis.testing.events import deliver, envelope
from joint_action_service.subscriptions import subscriptions
from joint_action_service.tests.conftest import item_body

pytestmark = pytest.mark.integration


def test_a_suspended_tenant_sees_and_changes_nothing_until_reactivated(world, caller):
    suspended = envelope("identity.tenant.suspended", {"tenant": "MYS", "reason": "audit"}, tenant="RSO")
    assert deliver(subscriptions, suspended) == ["follow_tenant_status"]
    assert deliver(subscriptions, suspended) == []
    time.sleep(0.6)  # the web process re-reads suspensions at most every half second

    # its tokens are refused at the service's own port, not only at the gateway (ADR 0008)
    assert world.mys.get(world.case_path()).status_code == 401
    assert world.mys.post(world.case_path("/items"), item_body()).status_code == 401
    assert world.mys.get(f"/jpas/{world.jpa_id}/dashboard").status_code == 401
    assert world.tha.get(world.case_path()).status_code == 200
    assert world.tha.put(world.case_path("/shares/MYS"), {"permission": "read"}).get_json()["errors"][0][
        "message"] == "MYS is suspended"

    deliver(subscriptions, envelope("identity.tenant.reactivated", {"tenant": "MYS"}, tenant="RSO"))
    time.sleep(1.0)  # and a token issued from now on carries a later `iat` than the suspension

    assert world.mys.get(world.case_path()).status_code == 401  # a token from before the suspension stays dead
    assert caller("MYS").get(world.case_path()).status_code == 200
